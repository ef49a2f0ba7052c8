"""Run the gas workloads on the connected provider and measure every row of the budget table.

Rules: transactions are measured by their receipts' `gasUsed`; a deploy total adds every
transaction sent until the trainer is usable (classifier, its initialiser chunks, incentive
mechanism, trainer, both setTrainer calls); a `view` call is measured as `eth_estimateGas` of the
call (21,000 base included). Every addData sends 1 ETH; the trainer keeps the deposit and returns
the excess in the same transaction.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ape_sum.exceptions import SumError
from ape_sum.gas.budgets import BUDGET_BY_ROW
from ape_sum.gas.workloads import DEFAULT_SEED, Workload, build

ONE_ETHER = 10**18
REFUND_WAIT_S = 1
#: Deposit scale (wei): the cost is at most 3,600 x this = 0.0036 ETH, so 1 ETH always covers it.
COST_WEIGHT = 10**12
OWNER_CLAIM_WAIT_S = 7 * 24 * 3600
ANY_ADDRESS_CLAIM_WAIT_S = 9 * 24 * 3600

Progress = Callable[[str], None]


class MeasurementError(SumError, RuntimeError):
    """A workload did not behave as designed on chain (the row would not mean what it says)."""


@dataclass
class Measurement:
    row: str
    gas: int
    txs: list[str] = field(default_factory=list)
    """Transaction hashes behind the figure (deploy totals: all of them)."""
    call: dict[str, Any] | None = None
    """For view rows: the `eth_call` object that was estimated (for `debug_traceCall`)."""
    contracts: dict[str, str] = field(default_factory=dict)
    """Lower-case address -> contract name, of the workload's contracts."""

    @property
    def budget(self) -> int:
        return BUDGET_BY_ROW[self.row].budget

    @property
    def original(self) -> int:
        return BUDGET_BY_ROW[self.row].original

    @property
    def ratio(self) -> float:
        return self.gas / self.original

    @property
    def passed(self) -> bool:
        return self.gas <= self.budget

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "gas": self.gas,
            "budget": self.budget,
            "original": self.original,
            "ratio": round(self.ratio, 4),
        }


def _rpc(method: str, params: list[Any]) -> Any:
    from ape import chain

    return chain.provider.make_request(method, params)


def _hex(value: Any) -> str:
    return value if isinstance(value, str) else "0x" + bytes(value).hex()


def _txs_between(first_block: int, last_block: int) -> list[tuple[str, int]]:
    """`(hash, gasUsed)` of every transaction mined in blocks `first_block..last_block`."""
    out: list[tuple[str, int]] = []
    for number in range(first_block, last_block + 1):
        block = _rpc("eth_getBlockByNumber", [hex(number), False])
        for tx_hash in block["transactions"]:
            receipt = _rpc("eth_getTransactionReceipt", [_hex(tx_hash)])
            out.append((_hex(tx_hash), int(receipt["gasUsed"], 16)))
    return out


def _head() -> int:
    from ape import chain

    return int(chain.blocks.head.number)


def _deploy(w: Workload, owner, registry_dir: Path):
    """Deploy with the product's own `deploy_model`; returns the trainer instance."""
    from ape_sum.chain.contracts import container
    from ape_sum.chain.deployment import IncentiveConfig, deploy_model
    from ape_sum.chain.registry import Registry
    from ape_sum.core.incentives import IncentiveKind

    incentive = IncentiveConfig(
        kind=IncentiveKind.DEPOSIT,
        refund_wait_s=REFUND_WAIT_S,
        owner_claim_wait_s=OWNER_CLAIM_WAIT_S,
        any_address_claim_wait_s=ANY_ADDRESS_CLAIM_WAIT_S,
        cost_weight=COST_WEIGHT,
    )
    record = deploy_model(
        w.model,
        "gas-report",
        name=f"gas-{w.key}",
        description=w.description,
        incentive=incentive,
        sender=owner,
        registry=Registry(registry_dir / "deployments.json"),
    )
    return container("CollaborativeTrainer").at(record.trainer)


def _estimate_view(contract, method: str, args: Sequence[Any], sender: str) -> tuple[int, dict]:
    data = getattr(contract, method).encode_input(*args)
    call = {"from": sender, "to": str(contract.address), "data": _hex(data)}
    return int(_rpc("eth_estimateGas", [call]), 16), call


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise MeasurementError(message)


def measure_workload(
    w: Workload, accounts: Sequence[Any], registry_dir: Path, progress: Progress | None = None
) -> list[Measurement]:
    """Deploy `w`, then predict, addData (good, then bad), refund the good one, report the bad."""
    from ape import chain

    from ape_sum.core.incentives import IncentiveKind

    say = progress or (lambda message: None)
    owner, author, other = accounts[0], accounts[1], accounts[2]
    rows: list[Measurement] = []

    say(f"{w.key}: deploying ({w.description})")
    start = _head() + 1
    trainer = _deploy(w, owner, registry_dir)
    txs = _txs_between(start, _head())
    rows.append(Measurement(f"{w.key} deploy total", sum(g for _, g in txs), [h for h, _ in txs]))

    contracts = {
        str(trainer.address).lower(): "CollaborativeTrainer",
        str(trainer.classifier()).lower(): w.model.contract_name,
        str(trainer.incentiveMechanism()).lower(): IncentiveKind.DEPOSIT.contract_name,
    }
    _expect(trainer.predict(w.good) == w.good_label, f"{w.key}: good sample is not predicted")
    gas, call = _estimate_view(trainer, "predict", [w.good], str(author.address))
    rows.append(Measurement(f"{w.key} predict", gas, call=call))

    say(f"{w.key}: addData, refund, report")
    good_row, bad_row = w.add_rows
    balance = trainer.balance
    receipt = trainer.addData(w.good, w.good_label, sender=author, value=ONE_ETHER)
    _expect(trainer.balance - balance < ONE_ETHER, f"{w.key}: the excess was not returned")
    good_time = receipt.timestamp
    rows.append(Measurement(good_row, receipt.gas_used, [_hex(receipt.txn_hash)]))

    bad_time = None
    if w.bad is not None:
        _expect(trainer.predict(w.bad) != w.bad_label, f"{w.key}: bad sample already agrees")
        receipt = trainer.addData(w.bad, w.bad_label, sender=other, value=ONE_ETHER)
        bad_time = receipt.timestamp
        if bad_row is not None:
            rows.append(Measurement(bad_row, receipt.gas_used, [_hex(receipt.txn_hash)]))

    chain.mine(deltatime=REFUND_WAIT_S + 1)
    _expect(trainer.predict(w.good) == w.good_label, f"{w.key}: model turned against good data")
    receipt = trainer.refund(w.good, w.good_label, good_time, sender=author)
    rows.append(Measurement(f"{w.key} refund", receipt.gas_used, [_hex(receipt.txn_hash)]))

    if f"{w.key} report" in w.rows and w.bad is not None:
        _expect(trainer.predict(w.bad) != w.bad_label, f"{w.key}: model agrees with bad data")
        receipt = trainer.report(w.bad, w.bad_label, bad_time, other.address, sender=author)
        rows.append(Measurement(f"{w.key} report", receipt.gas_used, [_hex(receipt.txn_hash)]))
    for m in rows:
        m.contracts = contracts
    return rows


def code_sizes(contracts: dict[str, str]) -> dict[str, int]:
    """Deployed code size (bytes) per contract name."""
    return {
        name: (len(str(_rpc("eth_getCode", [address, "latest"]))) - 2) // 2
        for address, name in contracts.items()
    }


def breakdown(m: Measurement):
    """The per-opcode-class breakdown of a measured row (deploy totals: summed over their txs)."""
    from ape_sum.gas.breakdown import trace_call, trace_transaction

    if m.call is not None:
        return trace_call(_rpc, m.call)
    parts = [trace_transaction(_rpc, h) for h in m.txs]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def run(
    keys: Sequence[str] = ("S", "D", "N", "C"),
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> list[Measurement]:
    """Measure the rows of the workloads `keys` on the connected provider, in table order."""
    from ape import accounts

    test_accounts = list(accounts.test_accounts)[:3]
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="ape-sum-gas-") as tmp:
        for key in keys:
            measured = measure_workload(build(key, seed), test_accounts, Path(tmp), progress)
            results.extend(measured)
    order = {row: i for i, row in enumerate(BUDGET_BY_ROW)}
    return sorted(results, key=lambda m: order[m.row])
