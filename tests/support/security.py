"""Helpers for the security tests: deploy a whole trainer, decode reverts, send several
transactions in one block, measure balances net of fees, poke storage."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak

DEPOSIT = "deposit"
POINTS = "points"
REFUND_WAIT_S = 60
OWNER_CLAIM_WAIT_S = 600
ANY_ADDRESS_CLAIM_WAIT_S = 1200
COST_WEIGHT = 10**12
#: Gas limit of each transaction sent by hand in one block (two must fit a block).
ONE_BLOCK_TX_GAS = 3_000_000


@dataclass
class System:
    """One deployed trainer with its classifier and incentive mechanism."""

    trainer: Any
    classifier: Any
    mechanism: Any
    kind: str
    owner: Any


def deploy_system(
    project: Any,
    owner: Any,
    model: Any,
    kind: str = DEPOSIT,
    waits: Sequence[int] = (REFUND_WAIT_S, OWNER_CLAIM_WAIT_S, ANY_ADDRESS_CLAIM_WAIT_S),
    cost_weight: int = COST_WEIGHT,
) -> System:
    """Deploy `model`'s contract (with its initialiser chunks), a mechanism and a trainer, and
    wire them (setTrainer on both)."""
    classifier = getattr(project, model.contract_name).deploy(
        *model.constructor_args(), sender=owner
    )
    for method, args in model.init_calls():
        getattr(classifier, method)(*args, sender=owner)
    if kind == DEPOSIT:
        mechanism = project.DepositRefundTake.deploy(*waits, cost_weight, sender=owner)
    else:
        mechanism = project.Points.deploy(*waits, sender=owner)
    trainer = project.CollaborativeTrainer.deploy(
        "security", "security tests", "raw", classifier.address, mechanism.address, sender=owner
    )
    mechanism.setTrainer(trainer.address, sender=owner)
    classifier.setTrainer(trainer.address, sender=owner)
    return System(trainer, classifier, mechanism, kind, owner)


# ------------------------------------------------------------------------------ revert decoding


def revert_name_table(project: Any) -> dict[bytes, str]:
    """Error selector -> error name over every contract of the project."""
    table: dict[bytes, str] = {}
    for contract_type in project.contracts.values():
        for error in contract_type.errors:
            table[keccak(text=error.selector)[:4]] = error.name
    table[keccak(text="Error(string)")[:4]] = "Error"
    table[keccak(text="Panic(uint256)")[:4]] = "Panic"
    return table


# ------------------------------------------------------------------------------ transactions


def paid(receipt: Any) -> int:
    """Fees a receipt cost its sender (0 on Anvil with gas price 0)."""
    return int(receipt.total_fees_paid or 0)


def send_in_one_block(chain: Any, txs: Iterable[tuple[Any, Any, tuple, int]]) -> list[dict]:
    """Send `(account, contract method, args, value)` transactions and mine them in ONE block, in
    the order given. Returns the raw receipts (dicts with `status`, `gasUsed`, `effectiveGasPrice`,
    `blockNumber`). Anvil: auto-mining is switched off meanwhile. py-evm: the transactions go
    straight into the backend's pending block (eth-tester's own pending pool validates each one
    against the last mined state, which refuses a second nonce of the same sender)."""
    provider = chain.provider
    web3 = provider.web3
    backend = provider.tester.ethereum_tester.backend if hasattr(provider, "tester") else None
    nonces: dict[str, int] = {}
    hashes = []
    if backend is None:
        provider.auto_mine = False
    try:
        for account, method, args, value in txs:
            address = str(account.address)
            nonce = nonces.get(address, account.nonce)
            nonces[address] = nonce + 1
            txn = method.as_transaction(
                *args, sender=account, value=value, gas=ONE_BLOCK_TX_GAS, nonce=nonce
            )
            raw = account.sign_transaction(txn).serialize_transaction()
            if backend is None:
                hashes.append(web3.eth.send_raw_transaction(raw))
            else:
                hashes.append(backend.send_raw_transaction(bytes(raw)))
        chain.mine()
    finally:
        if backend is None:
            provider.auto_mine = True
    return [dict(web3.eth.get_transaction_receipt(h)) for h in hashes]


def raw_fee(receipt: dict) -> int:
    return int(receipt["gasUsed"]) * int(receipt.get("effectiveGasPrice", 0) or 0)


def now(chain: Any) -> int:
    """The timestamp of the latest mined block (what view calls see on every network)."""
    return int(chain.blocks.head.timestamp)


def advance(chain: Any, seconds: int) -> None:
    """Mine one block `seconds` later (view calls then see the new time, also on Anvil)."""
    chain.mine(deltatime=int(seconds))


def set_storage(chain: Any, address: str, slot: int, value: int) -> None:
    """Write one storage word and mine a block so that calls see it (Anvil and py-evm)."""
    provider = chain.provider
    if hasattr(provider, "tester"):  # py-evm through eth-tester
        evm_chain = provider.tester.ethereum_tester.backend.chain
        state = evm_chain.get_vm().state
        state.set_storage(bytes.fromhex(str(address)[2:]), slot, value)
        state.persist()
        evm_chain.header = evm_chain.header.copy(state_root=state.state_root)
    else:
        provider.set_storage(address, slot, value.to_bytes(32, "big"))
    chain.mine()


def get_storage(chain: Any, address: str, slot: int) -> int:
    return int.from_bytes(bytes(chain.provider.get_storage(address, slot)), "big")


#: Per combination ("deposit/naive-bayes", ...): sequences and steps run by the invariant tests,
#: and how often each action succeeded or was refused (by error). Printed at session end.
INVARIANT_STATS: dict[str, dict[str, Any]] = {}


@contextmanager
def quiet_revert_traces() -> Iterator[None]:
    """Do not fetch and print a call trace for every reverted transaction (ape-foundry does so on
    each revert, which costs a `debug_traceTransaction` per refused action and floods the log)."""
    from ape_ethereum.trace import Trace

    original = Trace.show
    Trace.show = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        Trace.show = original  # type: ignore[method-assign]


def _web3_contract(web3: Any, contract: Any) -> Any:
    abi = [
        item.model_dump(mode="json", by_alias=True, exclude_none=True)
        for item in contract.contract_type.abi
    ]
    return web3.eth.contract(address=contract.address, abi=abi)


class BatchReader:
    """Reads balances and many views in one `eth_call` through the test-only `ViewBatch`."""

    def __init__(self, chain: Any, batch: Any, contracts: dict[str, Any], caller: Any) -> None:
        """`caller` sends the calls: a funded account whose balance is not watched (py-evm
        charges a call's upfront gas to the sender's balance inside the call)."""
        web3 = chain.provider.web3
        self._caller = str(caller.address)
        self._batch = _web3_contract(web3, batch)
        self._contracts = {name: _web3_contract(web3, c) for name, c in contracts.items()}

    def read(
        self, accounts: Sequence[str], calls: Sequence[tuple[str, str, tuple]]
    ) -> tuple[list[int], list[Any]]:
        """Balances of `accounts`, and each `(contract, method, args)` call's decoded result
        (a single value, or a tuple; the raw revert data as `bytes` when the call reverted)."""
        from eth_abi import decode

        functions = [
            self._contracts[name].get_function_by_name(method)(*args)
            for name, method, args in calls
        ]
        encoded = [(f.address, f._encode_transaction_data()) for f in functions]
        balances, ok, raw = self._batch.functions.read(list(accounts), encoded).call(
            {"from": self._caller}
        )
        results: list[Any] = []
        for function, success, data in zip(functions, ok, raw, strict=True):
            if not success:
                results.append(bytes(data))
                continue
            types = [output["type"] for output in function.abi["outputs"]]
            values = decode(types, bytes(data))
            results.append(values[0] if len(values) == 1 else tuple(values))
        return [int(b) for b in balances], results
