"""The npm-solc bridge that stands in for a native solc (see ape_sum/toolchain)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ape_sum.toolchain import (
    SOLC_VERSION,
    ToolchainError,
    bridge_text,
    install_solc_bridge,
    is_bridge,
    npm_solc_module,
    solc_version_of,
)


@pytest.fixture
def bridge(tmp_path, monkeypatch) -> Path:
    """A freshly registered bridge in a private py-solc-x folder."""
    monkeypatch.setenv("SOLCX_BINARY_PATH", str(tmp_path / "solcx"))
    return install_solc_bridge()


def test_bridge_answers_version_in_native_format(bridge):
    assert is_bridge(bridge)
    assert solc_version_of(bridge) == f"{SOLC_VERSION}+commit.73712a01.Linux.g++"


def test_bridge_compiles_standard_json_and_resolves_imports(bridge, tmp_path):
    lib = tmp_path / "src" / "Lib.sol"
    lib.parent.mkdir()
    lib.write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
                   "library Lib { function twice(uint256 x) internal pure returns (uint256) "
                   "{ return 2 * x; } }\n")  # fmt: skip
    source = (
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport "src/Lib.sol";\n'
        "contract UsesLib { function f(uint256 x) external pure returns (uint256) "
        "{ return Lib.twice(x); } }\n"
    )
    request = {
        "language": "Solidity",
        "sources": {"UsesLib.sol": {"content": source}},
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}},
    }
    completed = subprocess.run(
        [str(bridge), "--standard-json", "--base-path", str(tmp_path)],
        input=json.dumps(request), capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    output = json.loads(completed.stdout)
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]
    compiled = output["contracts"]["UsesLib.sol"]["UsesLib"]
    assert compiled["abi"][0]["name"] == "f"
    assert len(compiled["evm"]["bytecode"]["object"]) > 100


def test_bridge_rejects_unknown_arguments_with_non_zero_exit(bridge):
    completed = subprocess.run([str(bridge), "--bogus"], capture_output=True, text=True)
    assert completed.returncode == 2
    assert "unsupported argument '--bogus'" in completed.stderr


def test_bridge_explains_missing_node(bridge, tmp_path):
    empty_path = tmp_path / "empty-bin"
    empty_path.mkdir()
    # /bin is kept for `sh` itself; node must not be reachable through it.
    env = {**os.environ, "PATH": f"{empty_path}:/bin" if not Path("/bin/node").exists() else ""}
    completed = subprocess.run(
        ["/bin/sh", str(bridge), "--version"], capture_output=True, text=True, env=env
    )
    assert completed.returncode == 127
    assert "Node.js is not on PATH" in completed.stderr


def test_bridge_text_embeds_the_npm_module():
    module = npm_solc_module()
    assert module is not None
    assert str(module) in bridge_text(module)


def test_bridge_prefers_the_checkout_it_runs_in(tmp_path):
    """A bridge registered by a checkout that is gone still works from a live checkout, and
    explains itself elsewhere."""
    module = npm_solc_module()
    assert module is not None
    stale = tmp_path / "stale-solc-v"
    stale.write_text(bridge_text(tmp_path / "gone" / "node_modules" / "solc"))
    stale.chmod(0o755)
    checkout = module.parent.parent  # the ape-sum checkout whose npm solc this is
    completed = subprocess.run(
        [str(stale), "--version"], capture_output=True, text=True, cwd=checkout, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert f"Version: {SOLC_VERSION}+" in completed.stdout
    elsewhere = subprocess.run(
        [str(stale), "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert elsewhere.returncode == 127
    assert "is gone" in elsewhere.stderr and "make setup" in elsewhere.stderr


def test_install_refuses_without_node(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ToolchainError, match=r"Node\.js is needed"):
        install_solc_bridge()
