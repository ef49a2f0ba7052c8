"""Static analysis gate: Slither over the project's contracts with the project's own solc."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ape_sum.security.slither import (
    ACCEPTED_END,
    ACCEPTED_START,
    SlitherError,
    accepted_findings,
    compiler_settings,
    parse_findings,
    run_slither,
    solc_path,
)

ROOT = Path(__file__).resolve().parents[3]
HAVE_SLITHER = importlib.util.find_spec("slither") is not None
needs_slither = pytest.mark.skipif(
    not HAVE_SLITHER, reason="slither-analyzer is not installed (pip install -e '.[dev]')"
)


def _have_solc() -> bool:
    try:
        solc_path(compiler_settings(ROOT)[0])
    except SlitherError:
        return False
    return True


needs_solc = pytest.mark.skipif(not _have_solc(), reason="the project's solc is not installed")

VULNERABLE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// A deliberately broken bank: pays before it zeroes the balance (re-entrancy).
contract Bank {
    mapping(address => uint256) public balances;

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external {
        (bool ok, ) = msg.sender.call{value: balances[msg.sender]}("");
        require(ok, "send failed");
        balances[msg.sender] = 0;
    }
}
"""


def _fake_output(impact: str, check: str = "reentrancy-eth") -> dict:
    element = {
        "type": "function",
        "name": "withdraw",
        "source_mapping": {"filename_relative": "contracts/Bank.sol"},
        "type_specific_fields": {"parent": {"type": "contract", "name": "Bank"}},
    }
    result = {
        "check": check,
        "impact": impact,
        "confidence": "Medium",
        "description": "Bank.withdraw() sends eth before writing state\n",
        "elements": [element],
        "first_markdown_element": "contracts/Bank.sol#L12-L16",
    }
    return {"success": True, "error": None, "results": {"detectors": [result]}}


def _doc(tmp_path: Path, rows: str) -> Path:
    doc = tmp_path / "SECURITY.md"
    table = "| Check | Target | Justification |\n|---|---|---|\n" + rows
    doc.write_text(f"# Security\n\n{ACCEPTED_START}\n{table}{ACCEPTED_END}\n")
    return doc


def test_parse_and_gate_logic(tmp_path: Path) -> None:
    findings = parse_findings(_fake_output("High"))
    assert findings[0].targets == ("contracts/Bank.sol", "Bank", "Bank.withdraw")
    from ape_sum.security.slither import Report

    assert Report(findings).blocking() == findings
    assert Report(findings).blocking(["Medium"]) == []
    row = "| reentrancy-eth | Bank.withdraw | The bank is a fixture; not deployed. |\n"
    doc = _doc(tmp_path, row)
    accepted = accepted_findings(doc)
    assert [(a.check, a.target) for a in accepted] == [("reentrancy-eth", "Bank.withdraw")]
    assert Report(findings, accepted).blocking() == []
    row = "| reentrancy-eth | Bank.deposit | Accepted for another function only. |\n"
    other = _doc(tmp_path, row)
    assert Report(findings, accepted_findings(other)).blocking() == findings


def test_accepted_finding_needs_justification(tmp_path: Path) -> None:
    with pytest.raises(SlitherError, match="justification"):
        accepted_findings(_doc(tmp_path, "| reentrancy-eth | Bank.withdraw | ok |\n"))


def test_failed_slither_run_is_an_error() -> None:
    with pytest.raises(SlitherError, match="slither failed"):
        parse_findings({"success": False, "error": "compilation failed", "results": {}})


def test_missing_solc_is_reported_without_download(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path))
    with pytest.raises(SlitherError, match="no download"):
        solc_path("0.8.30")


@needs_slither
@needs_solc
def test_gate_catches_a_real_high_finding(tmp_path: Path) -> None:
    """The pipeline works end to end: a re-entrant bank is reported as High and blocks."""
    shutil.copy(ROOT / "ape-config.yaml", tmp_path / "ape-config.yaml")
    (tmp_path / "contracts" / "test").mkdir(parents=True)
    (tmp_path / "contracts" / "Bank.sol").write_text(VULNERABLE)
    # Files under contracts/test/ are excluded: this one would not even compile.
    (tmp_path / "contracts" / "test" / "Broken.sol").write_text("this is not solidity")
    report = run_slither(tmp_path)
    blocking = report.blocking()
    assert any(f.check.startswith("reentrancy") for f in blocking), report.findings


@needs_slither
@needs_solc
def test_project_contracts_have_no_unaccepted_high_findings() -> None:
    """`scripts/run_slither.py` exits 0: no High finding that docs/SECURITY.md does not accept."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "run_slither.py")],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "== High:" in completed.stdout
