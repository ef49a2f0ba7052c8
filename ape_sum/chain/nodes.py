"""The persistent local node (`ape sum node`), finding it, chains that vanish, and moving time.

A chain that vanishes when the command ends (the in-process `ethereum:local:test`, or an Anvil the
command started itself) must not leave deployments in the registry that no later command can use;
`chain_vanishes` tells the CLI which case it is in. Nothing here prints.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from typing import TYPE_CHECKING

from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape.api import ProviderAPI

LOCAL_NODE_HOST = "127.0.0.1"
LOCAL_NODE_PORT = 8545
LOCAL_NETWORK = "ethereum:local:foundry"
_PROBE_TIMEOUT_S = 0.5


class NodeError(SumError, RuntimeError):
    """The local node cannot be started or time cannot be moved; the message says why."""


def node_uri(port: int = LOCAL_NODE_PORT) -> str:
    return f"http://{LOCAL_NODE_HOST}:{port}"


def anvil_answers(uri: str, timeout: float = _PROBE_TIMEOUT_S) -> bool:
    """Whether an Anvil answers JSON-RPC at `uri` (a refused port costs well under a millisecond,
    so the commands may ask before every connection)."""
    from urllib.parse import urlparse

    parsed = urlparse(uri)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 80), timeout=timeout):
            pass
    except OSError:
        return False
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "web3_clientVersion", "params": []})
    request = urllib.request.Request(
        uri, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            version = json.loads(response.read()).get("result", "")
    except (OSError, ValueError):
        return False
    return "anvil" in str(version).lower()


def use_running_local_node(provider: ProviderAPI) -> str | None:
    """Point an unconnected `ethereum:local:foundry` provider at the node `ape sum node` runs,
    when one answers on the fixed port and the user named no other (`APE_FOUNDRY_HOST`); the URI
    used, else None (ape-foundry then starts a throwaway Anvil, which `chain_vanishes` reports)."""
    import os

    if provider.network_choice != LOCAL_NETWORK or "APE_FOUNDRY_HOST" in os.environ:
        return None
    if getattr(provider, "is_connected", False):
        return None
    uri = node_uri()
    if not anvil_answers(uri):
        return None
    provider._host = uri  # ape-foundry connects to a running node at its `_host`
    return uri


def chain_vanishes(provider: ProviderAPI) -> bool:
    """Whether the chain ends with this process: the in-process test chain, or a node process the
    provider started itself (ape-foundry stops it on disconnect)."""
    from ape.api.providers import SubprocessProvider

    if isinstance(provider, SubprocessProvider):
        return provider.process is not None
    return bool(provider.network.is_local) and provider.name == "test"


def anvil_command(port: int) -> list[str]:
    """The command ape-foundry itself would run for `ethereum:local:foundry` (the project's
    mnemonic, accounts, balance, hardfork and fees), on `port`."""
    from ape import networks

    provider = networks.get_provider_from_choice(LOCAL_NETWORK)
    provider._host = node_uri(port)
    try:
        return [str(part) for part in provider.build_command()]
    except Exception as err:
        raise NodeError(f"cannot build the Anvil command: {err}") from None


def advance_time(seconds: int) -> tuple[int, int, int]:
    """Move the connected local or forked chain `seconds` forward and mine there (py-evm mines one
    block more to move its clock); the head block's timestamp before and after, and its number
    after. Refused on live networks."""
    from ape import chain, networks

    network = networks.provider.network
    if not network.is_dev:
        raise NodeError(
            f"{networks.provider.network_choice} is a live network: its time cannot be moved "
            "(only local and forked networks)"
        )
    if seconds <= 0:
        raise NodeError("the duration must be positive")
    before = int(chain.blocks.head.timestamp)
    chain.mine(1, deltatime=seconds)
    head = chain.blocks.head
    return before, int(head.timestamp), int(head.number)
