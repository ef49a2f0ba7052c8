"""Replay a simulated run through the real contracts and check that both agree exactly.

The mirror run starts at the deployed mechanism's `deployedAt`, so its cost formula sees the same
times as the chain. Every logged transaction is then sent at its simulated timestamp (one block
each), from test account 1, 2, ... for the agents (account 0 deploys and owns the trainer).
Checked: every transaction's outcome (cost kept, refund / report amount), every contribution's
record (initial deposit, claimable, number of claims, author claimed), each agent's balance change
(gas fees added back), the trainer's balance, and the final model (predictions on every
contributed and held-out sample; perceptron weights of every touched feature).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ape_sum.exceptions import SumError
from ape_sum.simulation.config import Scenario, SimulationError
from ape_sum.simulation.data import prepare
from ape_sum.simulation.run import SimulationResult, run_scenario

MAX_TEST_PREDICTIONS = 200
"""Held-out samples whose on-chain prediction is compared (view calls cost wall time)."""


class ReplayMismatch(SumError, AssertionError):
    """The chain and the mirror disagree; the message says where."""


def _expect(what: str, chain_value: Any, mirror_value: Any) -> None:
    if chain_value != mirror_value:
        raise ReplayMismatch(f"{what}: chain {chain_value!r} != mirror {mirror_value!r}")


def replay_on_chain(
    scenario: Scenario,
    *,
    registry_dir: Path | None = None,
    test_predictions: int = MAX_TEST_PREDICTIONS,
):
    """Deploy, simulate from the deployment time, replay, compare. Needs a connected provider.

    Returns `(report, result)`; raises `ReplayMismatch` on any difference.
    """
    from ape import accounts, chain

    from ape_sum.chain.deployment import IncentiveConfig, deploy_model
    from ape_sum.chain.registry import Registry

    scenario.validate()
    test_accounts = accounts.test_accounts
    if len(scenario.agents) + 1 > len(test_accounts):
        raise SimulationError(
            f"--on-chain needs {len(scenario.agents) + 1} test accounts, "
            f"the network has {len(test_accounts)}"
        )
    owner = test_accounts[0]
    agent_accounts = {a.name: test_accounts[i + 1] for i, a in enumerate(scenario.agents)}
    prepared = prepare(scenario)
    data, initial_model, _ = prepared
    incentive = IncentiveConfig(
        kind=scenario.mechanism,
        refund_wait_s=scenario.refund_wait_s,
        owner_claim_wait_s=scenario.owner_claim_wait_s,
        any_address_claim_wait_s=scenario.any_address_claim_wait_s,
        cost_weight=scenario.cost_weight_wei,
    )
    with tempfile.TemporaryDirectory(prefix="ape-sum-sim-") as tmp:
        registry = Registry(Path(registry_dir or tmp) / "registry.json")
        record = deploy_model(
            initial_model.copy(), data.encoder_spec,
            name=f"simulation-{scenario.seed}-{time.time_ns()}",
            description="ape sum simulate --on-chain", incentive=incentive, sender=owner,
            registry=registry,
        )  # fmt: skip
    from ape_sum.chain.contracts import container

    trainer = container("CollaborativeTrainer").at(record.trainer)
    mechanism = container(scenario.mechanism.contract_name).at(record.incentive_mechanism)
    classifier = container(initial_model.contract_name).at(record.classifier)
    deployed_at = int(mechanism.deployedAt())
    result = run_scenario(
        scenario, start_time=deployed_at, owner=str(owner.address), prepared=prepared
    )
    actions = result.outcome.actions
    head = chain.blocks.head.timestamp
    if actions and actions[0].time <= head:
        raise SimulationError(
            "the first simulated transaction would be before the chain's head block; "
            "use longer agent intervals"
        )
    starting = {name: int(acct.balance) for name, acct in agent_accounts.items()}
    fees = dict.fromkeys(agent_accounts, 0)
    records = result.outcome.trainer.contributions
    started = time.perf_counter()
    for action in actions:
        acct = agent_accounts[action.agent]
        c = records[action.contribution]
        data_arg = list(c.data)
        chain.pending_timestamp = action.time
        if action.kind == "add":
            receipt = trainer.addData(data_arg, c.classification, value=action.value, sender=acct)
            logs = list(trainer.AddData.from_receipt(receipt))
            _expect(f"cost of contribution {c.cid}", int(logs[0].cost), action.amount)
            _expect(f"time of contribution {c.cid}", int(logs[0].t), c.added_time)
        elif action.kind == "refund":
            receipt = trainer.refund(data_arg, c.classification, c.added_time, sender=acct)
            logs = list(trainer.Refund.from_receipt(receipt))
            _expect(f"refund on contribution {c.cid}", int(logs[0].amount), action.amount)
        else:
            author = agent_accounts[c.author]
            receipt = trainer.report(
                data_arg, c.classification, c.added_time, author.address, sender=acct
            )
            logs = list(trainer.Report.from_receipt(receipt))
            _expect(f"report on contribution {c.cid}", int(logs[0].amount), action.amount)
        _expect(f"timestamp of the {action.kind} at {action.time}", receipt.timestamp, action.time)
        fees[action.agent] += int(receipt.total_fees_paid)
    seconds = time.perf_counter() - started

    for a in result.outcome.agents:
        change = int(agent_accounts[a.name].balance) - starting[a.name] + fees[a.name]
        _expect(f"balance change of agent '{a.name}'", change, a.balance - a.start)
    _expect("trainer balance", int(trainer.balance), result.outcome.trainer.held)
    for c in records:
        author = agent_accounts[c.author].address
        key = trainer.contributionKey(list(c.data), c.classification, c.added_time, author)
        initial, claimable, num_claims, author_claimed, exists = trainer.getContribution(key)
        mirror = (c.initial_deposit, c.claimable, c.num_claims, c.author_claimed, True)
        chain_side = (int(initial), int(claimable), int(num_claims), bool(author_claimed), exists)
        _expect(f"record of contribution {c.cid}", chain_side, mirror)
    checked = _compare_model(result, classifier, trainer, test_predictions)
    report = {
        "transactions": len(actions),
        "seconds": round(seconds, 3),
        "tx_per_second": len(actions) / seconds if seconds > 0 else 0.0,
        "contributions": len(records),
        "claims": sum(1 for a in actions if a.kind != "add"),
        "predictions_compared": checked,
        "trainer": str(trainer.address),
    }
    return report, result


def _compare_model(result: SimulationResult, classifier: Any, trainer: Any, limit: int) -> int:
    model = result.model
    samples = [(list(c.data), c.classification) for c in result.outcome.trainer.contributions]
    samples += [(list(d), y) for d, y in result.prepared.test[:limit]]
    for i, (data, _) in enumerate(samples):
        _expect(f"prediction for sample {i}", int(trainer.predict(data)), model.predict(data))
    weights = getattr(model, "weights", None)
    if isinstance(weights, list) and hasattr(classifier, "weights"):
        touched = sorted({i for data, _ in samples for i in data}) if model.sparse else None
        indices = touched if touched is not None else range(len(weights))
        for i in indices:
            _expect(f"weight {i}", int(classifier.weights(i)), weights[i])
    return len(samples)
