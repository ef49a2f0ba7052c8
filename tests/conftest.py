"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ape_sum.toolchain import ensure_anvil_on_path

# `ape test --network ethereum:local:foundry` run by hand (not through the harness, which sets PATH
# for its phases): ape-foundry looks anvil up on PATH when it connects, after conftest is loaded.
ensure_anvil_on_path()

# Tests that never touch a chain live under `tests/offchain/`; the harness runs them on the first
# network only. Helpers shared by several test packages live in `tests/support/`.
OFFCHAIN_ROOT = Path(__file__).resolve().parent / "offchain"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(OFFCHAIN_ROOT):
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


@pytest.fixture(scope="session", autouse=True)
def _view_reverts_raise_under_gas(request):
    """Make `ape.reverts` around a view call work under `ape test --gas`.

    With gas tracking (or coverage) on, Ape 0.8 traces every call to profile it and hands back a
    reverted call's revert data as if it were the result, so a view that should revert "did not
    revert". Here each call is first made without a trace, which raises on a revert as usual; only
    calls that succeed are then traced for the gas report."""
    options = ("--gas", "--coverage")
    if not any(request.config.getoption(option, default=False) for option in options):
        yield
        return
    from ape import chain

    provider_class = type(chain.provider)
    traced = provider_class.send_call

    def send_call(self, txn, **kwargs):
        if not kwargs.get("skip_trace"):
            traced(self, txn, **{**kwargs, "skip_trace": True})
        return traced(self, txn, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(provider_class, "send_call", send_call)
        yield
