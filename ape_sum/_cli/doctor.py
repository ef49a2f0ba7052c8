"""`ape sum doctor`: what toolchain is in use, and what is missing."""

from __future__ import annotations

import json
import platform
import sys

import click


@click.command(short_help="Check the Python, Ape, compiler and Anvil in use")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
def doctor(as_json: bool):
    """Report the toolchain ape-sum uses and say exactly how to fix what is missing."""
    from importlib.metadata import PackageNotFoundError, version

    from ape_sum.toolchain import ToolStatus, anvil_status, node_status, solc_status

    def package(name: str) -> ToolStatus:
        try:
            return ToolStatus(name, True, version(name))
        except PackageNotFoundError:
            return ToolStatus(name, False, "not installed", "run `make setup`")

    checks = [
        ToolStatus("python", True, f"{platform.python_version()} ({sys.executable})"),
        package("eth-ape"),
        package("ape-solidity"),
        package("ape-foundry"),
        package("ape-sum"),
        node_status(),
        solc_status(),
        anvil_status(),
        _registry_status(),
    ]
    healthy = all(check.ok for check in checks)
    if as_json:
        report = {
            "ok": healthy,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail, "fix": c.fix} for c in checks},
        }
        click.echo(json.dumps(report, indent=2))
    else:
        for check in checks:
            mark = "ok " if check.ok else "MISSING"
            line = f"{mark:7} {check.name:13} {check.detail}"
            click.echo(line if check.ok else f"{line}\n        fix: {check.fix}")
    if not healthy:
        raise SystemExit(1)


def _registry_status():
    """Where deployments are recorded (set per user with APE_SUM_REGISTRY_DIR, per project with
    `sum.registry`); never a failure."""
    from ape_sum.chain.registry import REGISTRY_DIR_ENV, default_registry_path
    from ape_sum.toolchain import ToolStatus

    path = default_registry_path()
    state = "exists" if path.is_file() else "not created yet"
    how = f"{REGISTRY_DIR_ENV} or sum.registry in ape-config.yaml"
    return ToolStatus("registry", True, f"{path} ({state}; set with {how})")
