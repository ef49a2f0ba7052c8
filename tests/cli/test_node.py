"""A persistent node (`ape sum node`), time travel (`ape sum advance`), chains that vanish, and
the README's "Using it" sequence run verbatim in separate processes."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ape_sum.chain.nodes import anvil_answers, node_uri
from ape_sum.chain.registry import DeploymentRecord, Registry

REPO = Path(__file__).resolve().parents[2]
APE = str(Path(sys.executable).parent / "ape")
DAY = 24 * 3600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, APE_SUM_REGISTRY_DIR=str(tmp_path), PYTHONPATH=str(REPO), **extra)
    env.pop("APE_FOUNDRY_HOST", None)
    env.update(extra)
    return env


def test_advance_moves_time_and_mines(invoke, chain):
    head = chain.blocks.head
    moved = invoke("advance", "1d12h", "--json").json
    assert moved["seconds"] == DAY + 12 * 3600
    assert moved["timestamp_before"] == head.timestamp
    assert moved["timestamp_after"] >= head.timestamp + DAY + 12 * 3600
    assert chain.blocks.head.number == moved["block_number"] > head.number
    assert chain.blocks.head.timestamp == moved["timestamp_after"]
    text = invoke("advance", "10min").stdout
    assert text.startswith("Advanced 10m: chain time is now ")


@pytest.mark.parametrize(
    ("duration", "reason"),
    [("soon", "not a duration: 'soon'"), ("0", "the duration must be positive")],
)
def test_advance_refuses(invoke, chain, duration, reason):
    number = chain.blocks.head.number
    assert reason in invoke("advance", duration, ok=False).error
    assert chain.blocks.head.number == number


def test_registry_never_resolves_to_a_dead_address(invoke, network_choice, chain):
    ghost = "0x" + "De" * 20
    Registry().save(
        DeploymentRecord(name="ghost", network=network_choice, chain_id=chain.chain_id,
                         trainer=ghost, finalized=True, wired=True)
    )  # fmt: skip
    error = invoke("info", "ghost", ok=False).error
    assert error.startswith(f"deployment 'ghost' has no contract at {ghost} on {network_choice}")
    assert "the chain was probably reset" in error
    # the last deployment is resolved the same way
    assert "the chain was probably reset" in invoke("info", ok=False).error


def test_info_says_where_the_registry_is(invoke, deployed, registry_folder):
    assert invoke("info", "--json").json["registry"] == str(registry_folder / "deployments.json")


def test_deploy_to_a_vanishing_chain_records_nothing(bc_model_file, network_choice, tmp_path):
    """A separate process on `ethereum:local:test`: the chain ends with it."""
    if network_choice != "ethereum:local:test":
        pytest.skip("one process on the in-process chain is enough; it does not use the session's")
    argv = [APE, "sum", "deploy", str(bc_model_file), "--network", "ethereum:local:test", "--json"]
    done = subprocess.run(argv, env=_env(tmp_path), text=True, capture_output=True, timeout=300,
                          cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["registry"] is None
    assert "WARNING: ethereum:local:test ends when this command does" in done.stderr
    assert "NOT recorded" in done.stderr
    assert not (tmp_path / "deployments.json").exists()
    kept = subprocess.run([*argv, "--record"], env=_env(tmp_path), text=True, capture_output=True,
                          timeout=300, cwd=tmp_path)  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout)["registry"] == str(tmp_path / "deployments.json")
    saved = json.loads((tmp_path / "deployments.json").read_text())
    assert list(saved) == ["ethereum:local#1337"]


def _using_it_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- using-it:begin -->", 1)[1].split("<!-- using-it:end -->", 1)[0]
    lines = [line.strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("```")]


def test_readme_using_it_sequence_against_a_persistent_node(network_choice, tmp_path):
    """`ape sum node` in one process, then the README's sequence verbatim (through bash), each
    command its own process; the node's port is the only change (8545 may be taken here)."""
    if network_choice != "ethereum:local:foundry":
        pytest.skip("runs its own node; once is enough")
    port = _free_port()
    env = _env(tmp_path, APE_FOUNDRY_HOST=node_uri(port))
    argv = [APE, "sum", "node", "--port", str(port)]
    node = subprocess.Popen(
        argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not anvil_answers(node_uri(port)):
            assert node.poll() is None, node.stderr.read()
            assert time.monotonic() < deadline, "the node did not start"
            time.sleep(0.2)
        outputs = []
        commands = _using_it_commands()
        assert commands[0].startswith("N=") and len(commands) == 9
        for command in commands[1:]:
            script = f"{commands[0]}\n{command}"
            bash = ["bash", "-c", script]
            done = subprocess.run(bash, env=dict(env, PATH=_path()), cwd=tmp_path, text=True,
                                  capture_output=True, timeout=300)  # fmt: skip
            assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
            outputs.append(done.stdout)
        deployed, predicted, added = outputs[1], outputs[3], outputs[4]
        assert "saved in             " + str(tmp_path / "deployments.json") in deployed
        assert predicted.strip() == "fresh"
        deposit = re.search(r"deposit\s+(\S+ ETH)", added).group(1)
        assert outputs[6].startswith("Advanced 1d: chain time is now ")
        assert f"received  {deposit}" in outputs[7]
        assert shlex.split(commands[-1])[:3] == ["ape", "sum", "refund"]
    finally:
        node.send_signal(signal.SIGINT)
        node.wait(timeout=30)
    assert not anvil_answers(node_uri(port))


def _path() -> str:
    """`ape` of this environment first, as after `source .venv/bin/activate`."""
    return f"{Path(APE).parent}{os.pathsep}{os.environ.get('PATH', '')}"
