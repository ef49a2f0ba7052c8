"""Run the whole test suite on the three networks ape-sum supports (this is `make test`).

1. `ethereum:local:test`      in-process py-evm.
2. `ethereum:local:foundry`   Anvil, started and stopped by ape-foundry on a free port.
3. `ethereum:mainnet-fork:foundry`: an *upstream* Anvil with chain id 1 plays mainnet; a trainer is
   deployed there first (as if it were live), then the suite runs against a fork of it. The fork
   suite (`tests/fork/`) finds the upstream deployment, changes it on the fork and checks that the
   upstream did not change.

Each phase prints its pytest summary; the last line sums them up. Extra arguments go to every
`ape test` run (for example `-k refund` or `-x`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from ape_sum.toolchain import anvil_path_env, find_anvil  # noqa: E402

UPSTREAM_MNEMONIC = "test test test test test test test test test test test junk"
UPSTREAM_ENV = "APE_SUM_FORK_UPSTREAM"  # JSON: {"uri": ..., "deployment": {...}}


@dataclass
class PhaseResult:
    network: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0
    exit_code: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.errors == 0 and self.passed > 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rpc(uri: str, method: str, params: list | None = None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    request = urllib.request.Request(
        uri, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["result"]


def start_upstream(anvil: Path, log_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    uri = f"http://127.0.0.1:{port}"
    log = (log_dir / "upstream-anvil.log").open("w")
    process = subprocess.Popen(
        [str(anvil), "--port", str(port), "--chain-id", "1", "--hardfork", "prague",
         "--mnemonic", UPSTREAM_MNEMONIC, "--accounts", "10",
         # Like a live chain, it mines on a clock, so Ape's mainnet confirmations arrive.
         "--block-time", "1"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"upstream anvil exited early; see {log.name}")
        try:
            if int(rpc(uri, "eth_chainId"), 16) == 1:
                return process, uri
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("upstream anvil did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def deploy_upstream(uri: str, env: dict[str, str], out: Path) -> dict:
    """Deploy a trainer on the upstream chain with the project's own deploy script."""
    command = [
        str(BIN / "ape"),
        "run",
        "deploy_fork_upstream",
        "--network",
        "ethereum:mainnet:node",
    ]
    completed = subprocess.run(
        command, cwd=ROOT, env={**env, "APE_SUM_DEPLOYMENT_OUT": str(out)}, text=True,
        capture_output=True, timeout=600, check=False,
    )  # fmt: skip
    if completed.returncode != 0 or not out.is_file():
        sys.stdout.write(completed.stdout + completed.stderr)
        raise RuntimeError("deploying the upstream trainer failed")
    return json.loads(out.read_text())


def run_phase(network: str, args: list[str], env: dict[str, str], work: Path) -> PhaseResult:
    report = work / f"junit-{network.replace(':', '_')}.xml"
    command = [str(BIN / "ape"), "test", "--network", network, f"--junitxml={report}", *args]
    print(f"\n=== {network}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
    result = PhaseResult(network, exit_code=completed.returncode)
    result.seconds = time.monotonic() - started
    if report.is_file():
        suites = ET.parse(report).getroot()
        for suite in suites.iter("testsuite"):
            tests = int(suite.get("tests", 0))
            result.failed += int(suite.get("failures", 0))
            result.errors += int(suite.get("errors", 0))
            result.skipped += int(suite.get("skipped", 0))
            result.passed += (
                tests
                - int(suite.get("failures", 0))
                - int(suite.get("errors", 0))
                - int(suite.get("skipped", 0))
            )
    return result


def main(argv: list[str]) -> int:
    anvil, _ = find_anvil()
    if anvil is None:
        print("error: anvil not found; run `make setup`", file=sys.stderr)
        return 1
    # ape-foundry finds anvil on PATH only: the test phases get the checkout's npm anvil there
    # (unless one is on PATH already); the plugin itself no longer edits PATH when imported.
    env = {**os.environ, "PATH": anvil_path_env(), "PYTHONUNBUFFERED": "1"}
    results: list[PhaseResult] = []
    with tempfile.TemporaryDirectory(prefix="ape-sum-harness-") as tmp:
        work = Path(tmp)
        results.append(run_phase("ethereum:local:test", ["-m", "not fork_only", *argv], env, work))
        chain_only = ["-m", "not fork_only and not offchain", *argv]
        results.append(run_phase("ethereum:local:foundry", chain_only, env, work))

        upstream, uri = start_upstream(anvil, work)
        try:
            fork_env = {**env, "APE_NODE_ETHEREUM": json.dumps({"mainnet": {"uri": uri}})}
            deployment = deploy_upstream(uri, fork_env, work / "upstream-deployment.json")
            print(f"\nupstream mainnet stand-in at {uri}, trainer {deployment['trainer']}")
            fork_env[UPSTREAM_ENV] = json.dumps({"uri": uri, "deployment": deployment})
            fork_args = ["-m", "not offchain", *argv]
            results.append(run_phase("ethereum:mainnet-fork:foundry", fork_args, fork_env, work))
        finally:
            stop(upstream)

    print("\n=== summary")
    for r in results:
        status = "ok" if r.ok else "FAILED"
        print(
            f"{r.network:32} {r.passed:4} passed {r.failed:3} failed {r.errors:3} errors "
            f"{r.skipped:3} skipped  {r.seconds:6.0f} s  {status}"
        )
    passed = sum(r.passed for r in results)
    failed = sum(r.failed + r.errors for r in results)
    skipped = sum(r.skipped for r in results)
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
