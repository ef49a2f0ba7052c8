"""Fixtures of the gas benchmark tests: the measured rows, once per module, on Anvil only."""

from __future__ import annotations

import pytest

FOUNDRY = "ethereum:local:foundry"


def pytest_configure(config):
    config.addinivalue_line("markers", "gas: gas budget enforcement; deselect with -m 'not gas'")


@pytest.fixture(scope="module")
def on_foundry(networks):
    choice = networks.provider.network_choice
    if choice != FOUNDRY:
        pytest.skip(f"gas figures are defined on a fresh {FOUNDRY} (pinned hardfork), not {choice}")
    return choice


@pytest.fixture(scope="module")
def measured(on_foundry):
    """Every row of the budget table, measured on this session's Anvil."""
    from ape_sum.gas.measure import run

    return {m.row: m for m in run()}
