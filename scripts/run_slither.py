"""Static analysis gate: run Slither on `contracts/` (without `contracts/test/`), offline.

Prints the findings by severity and exits 1 when a finding of a failing severity (High by default)
is not accepted, with a justification, in the table of docs/SECURITY.md; exits 2 when Slither
cannot run. Usage: `.venv/bin/python scripts/run_slither.py [--fail-on High,Medium] [--verbose]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ape_sum.security.slither import SEVERITIES, SlitherError, run_slither  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project root")
    parser.add_argument(
        "--fail-on", default="High", help="comma-separated severities that fail (default: High)"
    )
    parser.add_argument("--verbose", action="store_true", help="print full descriptions")
    args = parser.parse_args(argv)
    fail_on = [level.strip().capitalize() for level in args.fail_on.split(",") if level.strip()]
    try:
        report = run_slither(args.root)
    except (SlitherError, OSError) as error:
        print(f"slither: {error}", file=sys.stderr)
        return 2
    groups = report.by_severity()
    for severity in SEVERITIES:
        findings = groups.get(severity, [])
        print(f"== {severity}: {len(findings)}")
        for finding in findings:
            mark = " [accepted: docs/SECURITY.md]" if report.is_accepted(finding) else ""
            print(f"  - {finding.check} ({finding.confidence} confidence){mark}")
            text = finding.description.strip() if args.verbose else finding.first_line
            for line in text.splitlines():
                print(f"      {line.strip()}")
    blocking = report.blocking(fail_on)
    summary = ", ".join(f"{s} {len(groups.get(s, []))}" for s in SEVERITIES)
    print(f"slither: {len(report.findings)} findings ({summary}); {len(blocking)} blocking")
    for finding in blocking:
        print(f"BLOCKING {finding.impact} {finding.check}: {finding.first_line}", file=sys.stderr)
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main())
