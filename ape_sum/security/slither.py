"""Run Slither on the project's contracts, offline, with the project's own solc.

ape-solidity's compiler (`~/.solcx/solc-v<version>`) may be a bridge over the npm solc that answers
only `--version` and `--standard-json`. Slither's front end (crytic-compile) can drive exactly that
interface through its `solc-json` platform, so this module writes a standard-JSON input with the
project's sources (everything under `contracts/` except `contracts/test/`) and the compiler settings
of `ape-config.yaml`, and runs Slither on it. Nothing is downloaded: the compiler must already be
installed (`make setup`), else `SolcNotFoundError`.

Findings accepted as false positives are listed, with a justification, in a table of
`docs/SECURITY.md` between the markers `ACCEPTED_START` and `ACCEPTED_END`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ape_sum.exceptions import SumError

SEVERITIES = ("High", "Medium", "Low", "Informational", "Optimization")
DEFAULT_EXCLUDES = ("contracts/test/",)
ACCEPTED_START = "<!-- slither-accepted:start -->"
ACCEPTED_END = "<!-- slither-accepted:end -->"
MIN_JUSTIFICATION_CHARS = 20
SLITHER_TIMEOUT_S = 600


class SlitherError(SumError, RuntimeError):
    """Slither could not run or its output could not be read."""


class SolcNotFoundError(SlitherError):
    """The project's solc is not installed where py-solc-x (and ape-solidity) look for it."""


@dataclass(frozen=True)
class Finding:
    """One Slither result."""

    check: str
    impact: str
    confidence: str
    description: str
    targets: tuple[str, ...]
    location: str

    @property
    def first_line(self) -> str:
        return self.description.strip().splitlines()[0] if self.description.strip() else self.check


@dataclass(frozen=True)
class AcceptedFinding:
    """A finding documented as a false positive (or accepted risk) in docs/SECURITY.md."""

    check: str
    target: str
    justification: str

    def matches(self, finding: Finding) -> bool:
        return finding.check == self.check and self.target in finding.targets


@dataclass
class Report:
    """Slither's findings, split into accepted and unaccepted ones."""

    findings: list[Finding]
    accepted: list[AcceptedFinding] = field(default_factory=list)

    def by_severity(self) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = {severity: [] for severity in SEVERITIES}
        for finding in self.findings:
            groups.setdefault(finding.impact, []).append(finding)
        return groups

    def is_accepted(self, finding: Finding) -> bool:
        return any(entry.matches(finding) for entry in self.accepted)

    def blocking(self, fail_on: Iterable[str] = ("High",)) -> list[Finding]:
        """Findings of a failing severity that docs/SECURITY.md does not accept."""
        levels = set(fail_on)
        return [f for f in self.findings if f.impact in levels and not self.is_accepted(f)]


def solc_path(version: str) -> Path:
    """Where py-solc-x keeps `solc-v<version>` (`$SOLCX_BINARY_PATH`, else `~/.solcx`)."""
    folder = Path(os.environ.get("SOLCX_BINARY_PATH", Path.home() / ".solcx")).expanduser()
    path = folder / f"solc-v{version}"
    if not path.is_file() or not os.access(path, os.X_OK):
        raise SolcNotFoundError(
            f"solc {version} is not installed at {path}; run `make setup` "
            "(no download is attempted)"
        )
    return path


def compiler_settings(root: Path) -> tuple[str, dict[str, Any]]:
    """The solc version and standard-JSON settings `ape-config.yaml` asks for."""
    import yaml

    config = yaml.safe_load((root / "ape-config.yaml").read_text()) or {}
    solidity = config.get("solidity", {}) or {}
    version = str(solidity.get("version", "0.8.30")).split("+", 1)[0]
    settings: dict[str, Any] = {
        "optimizer": {
            "enabled": bool(solidity.get("optimize", True)),
            "runs": int(solidity.get("optimization_runs", 200)),
        }
    }
    if solidity.get("evm_version"):
        settings["evmVersion"] = str(solidity["evm_version"])
    if solidity.get("via_ir") is not None:
        settings["viaIR"] = bool(solidity["via_ir"])
    return version, settings


def standard_json_input(
    root: Path, settings: dict[str, Any], excludes: Sequence[str] = DEFAULT_EXCLUDES
) -> dict[str, Any]:
    """A solc standard-JSON input with every `.sol` file under `contracts/` except `excludes`."""
    sources: dict[str, dict[str, str]] = {}
    for path in sorted((root / "contracts").rglob("*.sol")):
        relative = path.relative_to(root).as_posix()
        if any(relative.startswith(prefix) for prefix in excludes):
            continue
        sources[relative] = {"content": path.read_text(encoding="utf-8")}
    if not sources:
        raise SlitherError(f"no Solidity sources under {root / 'contracts'}")
    return {"language": "Solidity", "sources": sources, "settings": settings}


def _targets(element: dict[str, Any]) -> list[str]:
    """Names a finding element can be referred to by: its file, `Contract`, `Contract.function`
    (the function it is in, or is) and `Contract.name` (a variable, event, ...)."""
    names: list[str] = []
    mapping = element.get("source_mapping") or {}
    if mapping.get("filename_relative"):
        names.append(mapping["filename_relative"])
    kind = element.get("type")
    contract = element.get("name") if kind == "contract" else None
    function = element.get("name") if kind == "function" else None
    member = element.get("name") if kind not in ("contract", "function", "node") else None
    parent = (element.get("type_specific_fields") or {}).get("parent") or {}
    while parent and contract is None:
        if parent.get("type") == "contract":
            contract = parent.get("name")
        elif parent.get("type") == "function" and function is None:
            function = parent.get("name")
        parent = (parent.get("type_specific_fields") or {}).get("parent") or {}
    if contract:
        names.append(contract)
        names.extend(f"{contract}.{name}" for name in (function, member) if name)
    return names


def parse_findings(output: dict[str, Any]) -> list[Finding]:
    """Turn Slither's `--json` output into `Finding`s."""
    if not output.get("success", False):
        raise SlitherError(f"slither failed: {output.get('error') or 'no error message'}")
    findings = []
    for result in (output.get("results") or {}).get("detectors", []) or []:
        elements = result.get("elements") or []
        targets: list[str] = []
        for element in elements:
            targets.extend(t for t in _targets(element) if t not in targets)
        findings.append(
            Finding(
                check=result.get("check", "?"),
                impact=result.get("impact", "?"),
                confidence=result.get("confidence", "?"),
                description=result.get("description", ""),
                targets=tuple(targets),
                location=result.get("first_markdown_element", ""),
            )
        )
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order.get(f.impact, len(order)), f.check, f.location))


_ROW = re.compile(r"^\|\s*`?([\w-]+)`?\s*\|\s*`?([^|`]+?)`?\s*\|\s*(.+?)\s*\|\s*$")


def accepted_findings(security_doc: Path) -> list[AcceptedFinding]:
    """Read the accepted-findings table (`| check | target | justification |`) of SECURITY.md."""
    if not security_doc.is_file():
        return []
    text = security_doc.read_text(encoding="utf-8")
    if ACCEPTED_START not in text or ACCEPTED_END not in text:
        return []
    block = text.split(ACCEPTED_START, 1)[1].split(ACCEPTED_END, 1)[0]
    entries = []
    for line in block.splitlines():
        match = _ROW.match(line.strip())
        if not match or set(match.group(1)) <= {"-"} or match.group(1).lower() == "check":
            continue
        check, target, justification = match.groups()
        if len(justification.strip()) < MIN_JUSTIFICATION_CHARS:
            raise SlitherError(
                f"{security_doc}: the accepted finding {check} on {target} needs a justification"
            )
        entries.append(AcceptedFinding(check.strip(), target.strip(), justification.strip()))
    return entries


def run_slither(
    root: Path,
    excludes: Sequence[str] = DEFAULT_EXCLUDES,
    security_doc: Path | None = None,
    extra_args: Sequence[str] = (),
) -> Report:
    """Compile the contracts with the project's solc and run every Slither detector on them."""
    root = root.resolve()
    version, settings = compiler_settings(root)
    solc = solc_path(version)
    solc_input = standard_json_input(root, settings, excludes)
    with tempfile.TemporaryDirectory(prefix="ape-sum-slither-") as work:
        input_path = Path(work) / "standard-input.json"
        output_path = Path(work) / "slither.json"
        input_path.write_text(json.dumps(solc_input), encoding="utf-8")
        command = [
            sys.executable, "-m", "slither", str(input_path),
            "--compile-force-framework", "solc-json",
            "--solc", str(solc),
            "--solc-working-dir", str(root),
            "--json", str(output_path),
            "--disable-color",
            *extra_args,
        ]  # fmt: skip
        # Slither exits non-zero whenever it finds anything; its JSON output is what counts.
        completed = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=SLITHER_TIMEOUT_S,
            check=False,
        )  # fmt: skip
        if not output_path.is_file():
            tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-15:])
            raise SlitherError(f"slither produced no report (exit {completed.returncode}):\n{tail}")
        output = json.loads(output_path.read_text(encoding="utf-8"))
    doc = security_doc if security_doc is not None else root / "docs" / "SECURITY.md"
    return Report(findings=parse_findings(output), accepted=accepted_findings(doc))
