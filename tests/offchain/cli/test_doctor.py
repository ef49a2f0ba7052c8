"""`ape sum --help` and `ape sum doctor` against the real toolchain."""

import json

from ape_sum._cli import cli


def test_help_lists_the_command_group(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    assert "doctor" in result.output
    assert "Sharing Updatable Models" in result.output or "machine-learning" in result.output


def test_doctor_reports_the_pinned_compiler_and_anvil(runner):
    result = runner.invoke(cli, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    checks = report["checks"]
    assert report["ok"] is True
    assert checks["solc"]["detail"].startswith("0.8.30+commit.73712a01")
    assert "1.7.1" in checks["anvil"]["detail"]
    assert checks["eth-ape"]["detail"] == "0.8.51"


def test_doctor_says_how_to_fix_a_missing_compiler(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path))
    result = runner.invoke(cli, ["doctor"])
    assert result.exit_code == 1
    assert "MISSING solc" in result.output
    assert "make setup" in result.output
