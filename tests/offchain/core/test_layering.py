"""The package layout is the architecture: these rules keep it so.

* `ape_sum.core` is pure: it imports no chain client, no tool, no CLI and nothing from Ape or web3
  (its errors derive from `ape_sum.exceptions.SumError`, the one Ape type it sees);
* `ape_sum.chain` never imports the CLI; only `ape_sum._cli` uses click.

Imports inside functions count: every `import` statement of every module is read.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ape_sum

PACKAGE = Path(ape_sum.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def modules_of(subpackage: str) -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        for name in sorted(imported_modules(path)):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


CORE_FORBIDDEN = (
    "ape",
    "ape_ethereum",
    "ape_foundry",
    "ape_test",
    "web3",
    "click",
    "ape_sum.chain",
    "ape_sum._cli",
    "ape_sum.simulation",
    "ape_sum.gas",
    "ape_sum.security",
    "ape_sum.toolchain",
    "ape_sum.demo",
)


def test_the_core_imports_no_chain_client_tool_cli_or_ape():
    assert modules_of("core"), "ape_sum/core has no modules"
    assert offending(modules_of("core"), CORE_FORBIDDEN) == []


def test_chain_clients_never_import_the_cli():
    assert modules_of("chain")
    assert offending(modules_of("chain"), ("ape_sum._cli", "click")) == []


@pytest.mark.parametrize("subpackage", ["core", "chain", "simulation", "gas", "security"])
def test_only_the_cli_uses_click(subpackage):
    assert offending(modules_of(subpackage), ("click",)) == []


def test_importing_the_core_loads_no_chain_machinery():
    """At run time too: the whole core imports without web3 or Ape's managers and providers."""
    modules = sorted(module_name(path) for path in modules_of("core"))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "heavy = ('web3', 'ape.managers', 'ape.api', 'ape_ethereum', 'ape.contracts', 'eth.vm')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
