"""Regenerate the contracts manifest the package ships (`make manifest`).

    python scripts/build_manifest.py          # compile when needed, write the manifest
    python scripts/build_manifest.py --check  # exit 1 when the committed one is out of date

Writes `ape_sum/manifests/ape-sum.json` from the project's compile output (every contract under
`contracts/` except `contracts/test/`). Run it after any contract change; `tests/offchain/toolchain/
test_manifest.py` fails until you do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    from ape import Project

    from ape_sum.toolchain.manifest import SHIPPED_MANIFEST, build_manifest, manifest_json

    text = manifest_json(build_manifest(Project(ROOT)))
    current = SHIPPED_MANIFEST.read_text() if SHIPPED_MANIFEST.is_file() else None
    if "--check" in argv:
        if current != text:
            print(f"{SHIPPED_MANIFEST.relative_to(ROOT)} is out of date: run `make manifest`")
            return 1
        print(f"{SHIPPED_MANIFEST.relative_to(ROOT)} is up to date")
        return 0
    SHIPPED_MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    if current == text:
        print(f"{SHIPPED_MANIFEST.relative_to(ROOT)} unchanged")
        return 0
    SHIPPED_MANIFEST.write_text(text)
    print(f"wrote {SHIPPED_MANIFEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
