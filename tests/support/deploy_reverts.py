"""Checking that a deployment reverts with a given custom error, on every network."""

from __future__ import annotations

import pytest


def deploy_reverts(container, error: str, types: list[str], values: list, *args, sender):
    """Deployment reverts with custom error `error(values)`. Ape cannot always decode deployment
    reverts (on Anvil it sometimes fails inside eth_abi), so this simulates the deployment with a
    plain `eth_call` and compares the raw revert data."""
    from ape import chain
    from eth_abi import encode
    from eth_utils import keccak

    ctor_types = [i.canonical_type for i in container.contract_type.constructor.inputs]
    initcode = bytes(container.contract_type.deployment_bytecode.to_bytes()) + encode(
        ctor_types, [str(a) if hasattr(a, "address") else a for a in args]
    )
    selector = keccak(text=f"{error}({','.join(types)})")[:4]
    expected = selector + encode(types, values)
    web3 = chain.provider.web3
    with pytest.raises(Exception) as info:
        web3.eth.call({"from": sender.address, "data": "0x" + initcode.hex()})
    assert _revert_data(info.value).endswith(expected.hex()), info.value


def _revert_data(err: BaseException) -> str:
    """Hex revert data from a web3 (Anvil) or eth-tester (py-evm) call failure."""
    import ast

    data = getattr(err, "data", None)
    if isinstance(data, str):
        return data.lower()
    for arg in err.args:
        if isinstance(arg, bytes):
            return arg.hex()
        if isinstance(arg, dict) and "data" in arg:
            return str(arg["data"]).lower()
        if isinstance(arg, str) and "b'" in arg:
            return ast.literal_eval(arg[arg.index("b'") :]).hex()
        if isinstance(arg, str):
            return arg.lower()
    return ""
