"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


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
