"""The forked-network suite: runs only under the harness's `ethereum:mainnet-fork:foundry` phase."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

UPSTREAM_ENV = "APE_SUM_FORK_UPSTREAM"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/fork/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.fork_only)


@pytest.fixture(scope="session")
def upstream(networks) -> dict:
    if networks.provider.network.name != "mainnet-fork":
        pytest.skip("fork suite: run with --network ethereum:mainnet-fork:foundry (make test does)")
    raw = os.environ.get(UPSTREAM_ENV)
    if not raw:
        pytest.skip(f"fork suite: {UPSTREAM_ENV} is not set (tests/harness.py sets it)")
    return json.loads(raw)


class UpstreamRPC:
    """A plain JSON-RPC client for the upstream chain, independent of Ape's connection."""

    def __init__(self, uri: str):
        self.uri = uri

    def __call__(self, method: str, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        request = urllib.request.Request(
            self.uri, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            reply = json.loads(response.read())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]

    def state(self, addresses: list[str]) -> dict:
        """What must not change upstream while the fork is used (it keeps mining empty blocks)."""
        return {
            "balances": {a: int(self("eth_getBalance", a, "latest"), 16) for a in addresses},
            "nonces": {a: int(self("eth_getTransactionCount", a, "latest"), 16) for a in addresses},
            "storage": {
                a: [self("eth_getStorageAt", a, hex(slot), "latest") for slot in range(4)]
                for a in addresses
            },
        }


@pytest.fixture(scope="session")
def upstream_rpc(upstream) -> UpstreamRPC:
    return UpstreamRPC(upstream["uri"])
