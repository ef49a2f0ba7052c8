"""The `ape sum demo` story: train, deploy, contribute good and bad data, wait, refund, report.

Runs on a local or forked network with the test accounts and time travel. Nothing here prints:
`run_demo` reports each step through a callback and returns a `DemoReport` for the CLI to show.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ape_sum.core.incentives import IncentiveKind
from ape_sum.exceptions import SumError

__all__ = ["DEMO_DATASETS", "DemoError", "DemoReport", "run_demo"]

DEMO_DATASETS = {
    "breast-cancer": "dense perceptron",
    "rotten-tomatoes": "sparse perceptron",
}
HOUR = 3600
DAY = 24 * HOUR
INITIAL_FRACTION = 0.08
"""Share of the contribution pool the owner trains on before deploying."""
LEARNING_RATE = 0.1
COST_WEIGHT = 10**15
"""0.001 ether: a contribution an hour after the last one costs 0.06 ether."""
SPOT_CHECKS = 10


class DemoError(SumError, RuntimeError):
    """The demo cannot run here (a live network, too few accounts, ...)."""


@dataclass
class Actor:
    name: str
    role: str
    address: str
    start_balance: int
    end_balance: int = 0
    fees: int = 0
    deposits: int = 0
    received: int = 0

    @property
    def change(self) -> int:
        return self.end_balance - self.start_balance

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"change": self.change}


@dataclass
class DemoReport:
    dataset: str
    model_type: str
    network: str
    trainer: str
    train_size: int
    test_size: int
    accuracy_trained_off_chain: float
    accuracy_before: float
    accuracy_after: float
    contributions: int = 0
    refunds: int = 0
    reports: int = 0
    takes: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    actors: list[Actor] = field(default_factory=list)
    trainer_balance_end: int = 0
    story: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["actors"] = [a.to_json() for a in self.actors]
        return out


def _fees(receipt: Any) -> int:
    return int(getattr(receipt, "total_fees_paid", 0) or 0)


def run_demo(
    *,
    dataset: str = "breast-cancer",
    seed: int = 0,
    per_contributor: int = 4,
    log: Callable[[str], None] | None = None,
) -> DemoReport:
    """Play the whole SUM lifecycle on the connected (local or forked) network."""
    import numpy as np
    from ape import accounts, chain, networks

    from ape_sum.chain.contributions import (
        Contribution,
        RuleView,
        contribution_from_log,
        fill_contribution,
        rule_view,
    )
    from ape_sum.chain.deployment import IncentiveConfig, deploy_model
    from ape_sum.chain.registry import Registry
    from ape_sum.chain.trainer import open_trainer
    from ape_sum.core import metrics
    from ape_sum.core.datasets import load_dataset, train_test_split
    from ape_sum.core.models.training import train_model
    from ape_sum.core.units import format_wei

    say = log or (lambda _line: None)
    story: list[str] = []

    def tell(line: str) -> None:
        story.append(line)
        say(line)

    provider = networks.provider
    if not provider.network.is_dev:
        raise DemoError("the demo uses test accounts and time travel: run it on a local network")
    if dataset not in DEMO_DATASETS:
        raise DemoError(f"unknown demo data set {dataset!r}: one of {', '.join(DEMO_DATASETS)}")
    test_accounts = accounts.test_accounts
    if len(test_accounts) < 5:
        raise DemoError("the demo needs 5 test accounts")
    kind = DEMO_DATASETS[dataset]

    # 1. Data: a held-out test set, a small initial training set, and a pool to contribute from.
    data = load_dataset(dataset)
    pool, test = train_test_split(data, 0.7, seed)
    result = train_model(
        kind, pool, train_fraction=INITIAL_FRACTION, seed=seed, learning_rate=LEARNING_RATE
    )
    _, candidates = train_test_split(pool, INITIAL_FRACTION, seed)
    tell(
        f"The owner trains a {kind} on {result.train_size} {dataset} samples off chain "
        f"(exact fixed-point accuracy {result.accuracy:.1%} on the rest of its pool)."
    )

    # 2. Deploy (into a throw-away registry: the demo never touches the project's registry).
    owner, alice, bob, carol, dave = test_accounts[:5]
    roles = [
        (owner, "Owner", "deploys the model; takes what is left after 7 days"),
        (alice, "Alice", "adds good data, reports bad data"),
        (bob, "Bob", "adds mislabelled data"),
        (carol, "Carol", "adds good data, reports bad data"),
        (dave, "Dave", "only predicts (free)"),
    ]
    actors = {a.address: Actor(n, r, str(a.address), _balance(a.address)) for a, n, r in roles}
    incentive = IncentiveConfig(
        kind=IncentiveKind.DEPOSIT,
        refund_wait_s=DAY,
        owner_claim_wait_s=7 * DAY,
        any_address_claim_wait_s=9 * DAY,
        cost_weight=COST_WEIGHT,
    )
    with tempfile.TemporaryDirectory(prefix="ape-sum-demo-") as folder:
        registry = Registry(Path(folder) / "deployments.json")
        owner_before = _balance(owner.address)
        record = deploy_model(
            result.model,
            result.encoder_spec,
            name="demo",
            description=f"ape sum demo: {dataset}",
            incentive=incentive,
            sender=owner,
            registry=registry,
        )
        handle = open_trainer("demo", registry)
    # Deploying sends no value: the owner's balance drop is the gas it paid.
    actors[owner.address].fees += owner_before - _balance(owner.address)
    tell(
        f"It deploys the model, a Deposit-Refund-Take mechanism and the trainer at "
        f"{record.trainer} ({record.init_calls_total} initialisation transaction(s)); deposits "
        "come back after 1 day if the model agrees with them."
    )

    # 3. Accuracy on the held-out test set, with the exact off-chain mirror of the deployed model
    # (spot-checked against the contract's own free predictions).
    encoder = handle.encoder
    mirror = result.model.copy()
    test_x, test_y = [], []
    for sample, label in zip(test.samples, test.labels, strict=True):
        try:
            test_x.append(encoder.encode(sample))
        except ValueError:
            continue
        test_y.append(int(label))

    def accuracy() -> float:
        return metrics.accuracy(map(mirror.predict, test_x), test_y)

    def spot_check() -> int:
        checked = test_x[:SPOT_CHECKS]
        return sum(int(handle.predict(x) == mirror.predict(x)) for x in checked)

    before = accuracy()
    agree = spot_check()
    tell(
        f"Dave predicts for free: accuracy on {len(test_y)} held-out samples is {before:.1%} "
        f"(the contract and its off-chain mirror agree on {agree}/{min(SPOT_CHECKS, len(test_x))}"
        " checked samples)."
    )

    # 4. Contributions, one an hour: Alice and Carol label truthfully, Bob flips the label of
    # samples the model gets right (bad data it will disagree with).
    rng = np.random.default_rng(seed)
    good: list[tuple[list[int], int]] = []
    bad: list[tuple[list[int], int]] = []
    num_bad = max(1, per_contributor - 1)
    for i in rng.permutation(len(candidates)):
        try:
            x = encoder.encode(candidates.samples[i])
        except ValueError:
            continue
        y = int(candidates.labels[i])
        if len(bad) < num_bad and mirror.predict(x) == y:
            bad.append((x, 1 - y))
        elif len(good) < 2 * per_contributor:
            good.append((x, y))
        if len(good) >= 2 * per_contributor and len(bad) >= num_bad:
            break
    plan: list[tuple[Any, tuple[list[int], int]]] = []
    for k in range(per_contributor):
        plan.append((alice, good[2 * k]))
        if k < len(bad):
            plan.append((bob, bad[k]))
        plan.append((carol, good[2 * k + 1]))
    added: list[tuple[Any, Contribution]] = []
    for account, (x, y) in plan:
        chain.mine(deltatime=HOUR)
        cost = int(handle.mechanism.getNextAddDataCost())
        receipt = handle.trainer.addData(x, y, sender=account, value=cost)
        mirror.update(x, y)
        actor = actors[account.address]
        actor.fees += _fees(receipt)
        actor.deposits += int(cost)
        log_entry = next(iter(handle.trainer.AddData.from_receipt(receipt)))
        added.append((account, contribution_from_log(handle, log_entry, len(added) + 1)))
    after = accuracy()
    deposits = sum(a.deposits for a in actors.values())
    tell(
        f"Over {len(plan)} hours Alice and Carol add {len(good)} correctly labelled samples and "
        f"Bob {len(bad)} mislabelled ones, one an hour, paying {format_wei(deposits)} in deposits "
        f"(about {format_wei(deposits // len(plan))} each). Accuracy now: {after:.1%} "
        f"(contract and mirror agree on {spot_check()}/{min(SPOT_CHECKS, len(test_x))})."
    )

    report = DemoReport(
        dataset=dataset, model_type=kind, network=provider.network_choice,
        trainer=str(record.trainer), train_size=result.train_size, test_size=len(test_y),
        accuracy_trained_off_chain=result.accuracy, accuracy_before=before,
        accuracy_after=after, contributions=len(plan),
    )  # fmt: skip
    refused: dict[str, int] = {}

    def attempt(account: Any, item: Contribution, method: str, rules: RuleView) -> int | None:
        """Check the rules off chain; send only what they allow. The amount received, or None."""
        fill_contribution(handle, item, rules)
        verdict = item.assessment
        assert verdict is not None
        if not verdict.allowed or verdict.method != method:
            reason = verdict.reason.split(":")[0]
            refused[reason] = refused.get(reason, 0) + 1
            return None
        args = [list(item.data), item.classification, item.added_time]
        if method == "report":
            args.append(item.author)
        receipt = getattr(handle.trainer, method)(*args, sender=account)
        event = handle.trainer.Refund if method == "refund" else handle.trainer.Report
        amount = int(next(iter(event.from_receipt(receipt))).amount)
        actor = actors[account.address]
        actor.fees += _fees(receipt)
        actor.received += amount
        return amount

    # 5. A day later: everyone asks for their refunds; the model decides.
    chain.mine(deltatime=DAY + 1)
    rules = {a.address: rule_view(handle, a.address) for a in (alice, bob, carol)}
    for account, item in added:
        if attempt(account, item, "refund", rules[account.address]) is not None:
            report.refunds += 1
    bob_refused = sum(1 for a, _ in added if a.address == bob.address) - sum(
        1 for a, i in added if a.address == bob.address and i.assessment and i.assessment.allowed
    )
    tell(
        f"A day later {report.refunds} of {len(plan)} deposits are refunded: the model agrees "
        f"with those contributions. {bob_refused} of Bob's refunds are refused before any "
        "transaction is sent, because the model disagrees with his labels."
    )

    # 6. Alice and Carol, now with validated data, report Bob's bad contributions.
    taken = 0
    for reporter in (alice, carol):
        view = rule_view(handle, reporter.address)
        for account, item in added:
            if account.address == bob.address:
                amount = attempt(reporter, item, "report", view)
                if amount:
                    report.reports += 1
                    taken += amount
    tell(
        f"Alice and Carol, whose data is now validated, report Bob's contributions: "
        f"{report.reports} successful reports take {format_wei(taken)}, each reporter's share "
        "proportional to its validated contributions."
    )

    # 7. After 7 days the owner takes whatever deposit is left.
    chain.mine(deltatime=7 * DAY)
    view = rule_view(handle, owner.address)
    taken = 0
    for _account, item in added:
        if item.claimable and fill_contribution(handle, item, view).claimable:
            amount = attempt(owner, item, "report", view)
            if amount:
                report.takes += 1
                taken += amount
    if report.takes:
        tell(
            f"A week later the owner takes the {format_wei(taken)} left on {report.takes} "
            "contribution(s): no deposit stays stuck in the trainer."
        )
    else:
        tell("A week later nothing is left for the owner to take: every deposit was claimed.")

    for address, actor in actors.items():
        actor.end_balance = _balance(address)
    report.actors = list(actors.values())
    report.trainer_balance_end = int(handle.trainer.balance)
    report.refused = refused
    report.story = story
    return report


def _balance(address: str) -> int:
    from ape import networks

    return int(networks.provider.get_balance(address))
