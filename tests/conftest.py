"""Fixtures shared by every test package."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

# Tests that never touch a chain: the harness runs them on the first network only.
OFFCHAIN = (
    "tests/unit/",
    "tests/toolchain/",
    "tests/cli/test_doctor.py",
    "tests/gas/test_gas_tools.py",
    "tests/simulation/test_engine.py",
    "tests/simulation/test_cli.py",
    "tests/security/test_static_analysis.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if any(part in path for part in OFFCHAIN):
            item.add_marker(pytest.mark.offchain)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def owner(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def network_choice(networks) -> str:
    """The session's network, to pass to CLI commands as `--network` (else they use the default)."""
    return networks.provider.network_choice
