"""Build the contracts manifest the package ships (`ape_sum/manifests/ape-sum.json`).

Used by `scripts/build_manifest.py` (`make manifest`) to write it and by the tests to check that the
committed file still matches a fresh compile of `contracts/`. Test contracts (`contracts/test/`) are
left out. The output is byte-stable: sorted keys, no timestamps, only project-relative paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ape.managers.project import ProjectManager
    from ethpm_types import PackageManifest

PACKAGE_NAME = "ape-sum"
SHIPPED_MANIFEST = Path(__file__).resolve().parents[1] / "manifests" / "ape-sum.json"
TEST_SOURCES = "contracts/test/"


def is_test_source(source_id: str | None) -> bool:
    return (source_id or "").replace("\\", "/").startswith(TEST_SOURCES)


def build_manifest(project: ProjectManager) -> PackageManifest:
    """The shipped manifest for `project` (compiled first when its build is out of date)."""
    from ethpm_types import PackageManifest
    from ethpm_types.source import Compiler

    project.load_contracts()
    compiled = project.manifest
    contract_types = {
        name: contract_type
        for name, contract_type in sorted((compiled.contract_types or {}).items())
        if not is_test_source(contract_type.source_id)
    }
    compilers = []
    for compiler in compiled.compilers or []:
        names = sorted(set(compiler.contractTypes or []) & set(contract_types))
        if not names:
            continue
        settings = dict(compiler.settings or {})
        if isinstance(settings.get("outputSelection"), dict):
            settings["outputSelection"] = {
                source: selection
                for source, selection in settings["outputSelection"].items()
                if not is_test_source(source)
            }
        compilers.append(
            Compiler(
                name=compiler.name,
                version=compiler.version,
                settings=settings,
                contractTypes=names,
            )
        )
    return PackageManifest(
        name=PACKAGE_NAME,
        version=_package_version(),
        contractTypes=contract_types,
        compilers=compilers,
    )


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE_NAME)
    except PackageNotFoundError:
        return "0.0.0"


def manifest_json(manifest: PackageManifest) -> str:
    """The manifest as committed: sorted keys, two-space indent, trailing newline."""
    data: dict[str, Any] = manifest.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def differences(shipped: PackageManifest, fresh: PackageManifest) -> list[str]:
    """Per-contract differences in bytecode and ABI (empty when the shipped manifest is current)."""
    old = shipped.contract_types or {}
    new = fresh.contract_types or {}
    problems = [f"{name}: not shipped" for name in sorted(set(new) - set(old))]
    problems += [f"{name}: shipped but no longer compiled" for name in sorted(set(old) - set(new))]
    for name in sorted(set(old) & set(new)):
        before, after = old[name], new[name]
        if _code(before.deployment_bytecode) != _code(after.deployment_bytecode):
            problems.append(f"{name}: deployment bytecode differs")
        if _code(before.runtime_bytecode) != _code(after.runtime_bytecode):
            problems.append(f"{name}: runtime bytecode differs")
        if _abi(before) != _abi(after):
            problems.append(f"{name}: ABI differs")
    return problems


def _code(bytecode: Any) -> str | None:
    return bytecode.bytecode if bytecode is not None else None


def _abi(contract_type: Any) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json", by_alias=True) for item in contract_type.abi]
