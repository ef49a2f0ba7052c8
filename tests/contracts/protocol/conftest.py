"""Full stacks (sparse perceptron + incentive mechanism + trainer) for the protocol tests.

The model is tiny and its answers are known in advance (intercept 0, learning rate 1):
* `POS = [0]`: weight +10, the model predicts 1 (label 1 is "good", label 0 is "bad");
* `NEG = [1]`: weight -10, the model predicts 0 (label 0 is "good", label 1 is "bad");
* `FLIP = [2]`: weight 0, the model predicts 0 until one contribution labelled 1 trains it to 1.
A bad contribution moves its weight by only 1, so the model keeps disagreeing with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ape_sum.incentives import (
    Contribution,
    DepositRefundTake,
    IncentiveMechanism,
    Points,
    contribution_key,
)

TO_FLOAT = 1_000_000_000
HOUR = 3600
DAY = 24 * HOUR
REFUND_WAIT = DAY
OWNER_WAIT = 7 * DAY
ANY_WAIT = 30 * DAY
COST_WEIGHT = 10**12  # 0.0036 ETH after one second, 0.000012 ETH after a day
ONE_ETH = 10**18
CLASSES = ["negative", "positive"]
NUM_FEATURES = 8
WEIGHTS = [10 * TO_FLOAT, -10 * TO_FLOAT, 0, 0, 0, 0, 0, 0]
LEARNING_RATE = TO_FLOAT

POS = [0]
NEG = [1]
FLIP = [2]


@dataclass
class Stack:
    """A deployed trainer with its classifier and mechanism, plus the off-chain mirror."""

    trainer: Any
    im: Any
    classifier: Any
    mirror: IncentiveMechanism
    contributions: list[Contribution]

    def add(self, sender: Any, data: list[int], label: int, value: int = ONE_ETH) -> Any:
        """addData checked against the mirror: exact cost, event, balances. Returns the record."""
        before = sender.balance
        self.sync()
        receipt = self.trainer.addData(data, label, sender=sender, value=value)
        now = receipt.timestamp
        contribution = self.mirror.contribute(sender, label, value, now, tuple(data))
        events = receipt.decode_logs(self.trainer.AddData)
        assert len(events) == 1
        event = events[0]
        assert list(event.d) == data
        assert event.c == label
        assert event.t == now
        assert event.sender == sender.address
        assert event.cost == contribution.initial_deposit
        assert sender.balance == before - contribution.initial_deposit - receipt.total_fees_paid
        self.contributions.append(contribution)
        self.check_invariant()
        return contribution

    def sync(self) -> None:
        """Align the mirror's counters with the chain (they must already agree)."""
        assert self.mirror.total_submitted == self.im.totalSubmitted()
        assert self.mirror.total_good_data_count == self.im.totalGoodDataCount()
        if isinstance(self.mirror, DepositRefundTake):
            assert self.mirror.last_update_time == self.im.lastUpdateTime()

    def args(self, c: Contribution) -> list[Any]:
        return [list(c.data), c.classification, c.added_time]

    def check_invariant(self) -> None:
        """The trainer holds exactly the claimable deposits, record by record."""
        total = 0
        for c in self.contributions:
            key = contribution_key(c.data, c.classification, c.added_time, c.author)
            record = self.trainer.getContribution(key)
            assert record.exists
            assert record.initialDeposit == c.initial_deposit
            assert record.claimable == c.claimable
            assert record.numClaims == c.num_claims
            assert record.authorClaimed == (c.author.lower() in c.claimed_by)
            total += c.claimable
        assert self.trainer.balance == total


@pytest.fixture(scope="session")
def alice(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def bob(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def carol(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def dave(accounts):
    return accounts[4]


@pytest.fixture(scope="session", autouse=True)
def _accounts_first(owner, alice, bob, carol, dave):
    """Create the session-scoped account fixtures before any isolation snapshot is taken."""


@pytest.fixture(scope="session")
def deploy_classifier(project, owner):
    def deploy(weights: list[int] | None = None, intercept: int = 0, bind_to=None):
        weights = WEIGHTS if weights is None else weights
        model = project.SparsePerceptron.deploy(
            CLASSES, len(weights), intercept, LEARNING_RATE, sender=owner
        )
        chunk = 500
        for start in range(0, len(weights), chunk):
            model.initializeWeights(start, weights[start : start + chunk], sender=owner)
        if bind_to is not None:
            model.setTrainer(bind_to, sender=owner)
        return model

    return deploy


@pytest.fixture(scope="session")
def deploy_stack(project, owner, deploy_classifier):
    """Deploy classifier, mechanism and trainer, then wire them (setTrainer on both)."""

    def deploy(
        kind: str = "deposit",
        cost_weight: int = COST_WEIGHT,
        waits: tuple[int, int, int] = (REFUND_WAIT, OWNER_WAIT, ANY_WAIT),
        weights: list[int] | None = None,
    ) -> Stack:
        classifier = deploy_classifier(weights)
        if kind == "deposit":
            im = project.DepositRefundTake.deploy(*waits, cost_weight, sender=owner)
            mirror: IncentiveMechanism = DepositRefundTake(
                cost_weight, *waits, owner=owner, deployed_at=im.deployedAt()
            )
        else:
            im = project.Points.deploy(*waits, sender=owner)
            mirror = Points(*waits, owner=owner, deployed_at=im.deployedAt())
        trainer = project.CollaborativeTrainer.deploy(
            "test model", "a tiny sparse perceptron", "sparse:test", classifier, im, sender=owner
        )
        classifier.setTrainer(trainer, sender=owner)
        im.setTrainer(trainer, sender=owner)
        return Stack(trainer, im, classifier, mirror, [])

    return deploy


@pytest.fixture(scope="module")
def drt(deploy_stack) -> Stack:
    return deploy_stack("deposit")


@pytest.fixture(scope="module")
def pts(deploy_stack) -> Stack:
    return deploy_stack("points")


@pytest.fixture
def stack_drt(drt) -> Stack:
    """`drt` with a fresh mirror per test (the chain is reset between tests by Ape's isolation)."""
    return _fresh(drt)


@pytest.fixture
def stack_pts(pts) -> Stack:
    return _fresh(pts)


def _fresh(stack: Stack) -> Stack:
    m = stack.mirror
    if isinstance(m, DepositRefundTake):
        mirror: IncentiveMechanism = DepositRefundTake(
            m.cost_weight,
            m.refund_wait_s,
            m.owner_claim_wait_s,
            m.any_address_claim_wait_s,
            owner=m.owner,
            deployed_at=m.deployed_at,
        )
    else:
        mirror = Points(
            m.refund_wait_s,
            m.owner_claim_wait_s,
            m.any_address_claim_wait_s,
            owner=m.owner,
            deployed_at=m.deployed_at,
        )
    return Stack(stack.trainer, stack.im, stack.classifier, mirror, [])


@pytest.fixture
def at(chain):
    """`at(t)`: make the next transaction's block have timestamp `t` exactly."""

    def set_next(timestamp: int) -> None:
        chain.pending_timestamp = timestamp

    return set_next


# ---------------------------------------------------------------------- claim helpers


def set_time(timestamp: int) -> None:
    """Make the next transaction's block have timestamp `timestamp` exactly."""
    from ape import chain

    chain.pending_timestamp = timestamp


def do_refund(stack: Stack, c: Contribution, sender: Any, when: int) -> int:
    """refund at `when`, checked against the mirror: amount, event, balances, invariant."""
    prediction = stack.trainer.predict(list(c.data))
    expected = stack.mirror.check_refund(c, sender, when, prediction)
    before, trainer_before = sender.balance, stack.trainer.balance
    set_time(when)
    receipt = stack.trainer.refund(*stack.args(c), sender=sender)
    assert receipt.timestamp == when
    amount = stack.mirror.refund(c, sender, when, prediction)
    assert amount == expected
    key = stack.trainer.contributionKey(*stack.args(c), c.author)
    assert receipt.decode_logs(stack.trainer.Refund) == [
        stack.trainer.Refund(author=sender.address, key=key, amount=amount)
    ]
    assert sender.balance == before + amount - receipt.total_fees_paid
    assert stack.trainer.balance == trainer_before - amount
    assert stack.trainer.hasClaimed(*stack.args(c), c.author, sender)
    stack.check_invariant()
    return amount


def do_report(stack: Stack, c: Contribution, reporter: Any, when: int) -> int:
    """report at `when`, checked against the mirror: amount, event, balances, invariant."""
    prediction = stack.trainer.predict(list(c.data))
    expected = stack.mirror.check_report(c, reporter, when, prediction)
    before, trainer_before = reporter.balance, stack.trainer.balance
    set_time(when)
    receipt = stack.trainer.report(*stack.args(c), c.author, sender=reporter)
    assert receipt.timestamp == when
    amount = stack.mirror.report(c, reporter, when, prediction)
    assert amount == expected
    key = stack.trainer.contributionKey(*stack.args(c), c.author)
    assert receipt.decode_logs(stack.trainer.Report) == [
        stack.trainer.Report(reporter=reporter.address, author=c.author, key=key, amount=amount)
    ]
    assert reporter.balance == before + amount - receipt.total_fees_paid
    assert stack.trainer.balance == trainer_before - amount
    assert stack.trainer.hasClaimed(*stack.args(c), c.author, reporter)
    stack.check_invariant()
    return amount


def refund_refused(stack: Stack, c: Contribution, sender: Any, when: int, code: str, /, **inputs):
    """The mirror and the contract both refuse the refund with error `code` (and `inputs`)."""
    import ape

    from ape_sum.incentives import RuleViolation

    prediction = stack.trainer.predict(list(c.data))
    with pytest.raises(RuleViolation) as info:
        stack.mirror.check_refund(c, sender, when, prediction)
    assert info.value.code == code
    set_time(when)
    with ape.reverts(getattr(stack.trainer, code), **inputs):
        stack.trainer.refund(*stack.args(c), sender=sender)
    return info.value


def report_refused(stack: Stack, c: Contribution, reporter: Any, when: int, code: str, /, **inputs):
    """The mirror and the contract both refuse the report with error `code` (and `inputs`)."""
    import ape

    from ape_sum.incentives import RuleViolation

    prediction = stack.trainer.predict(list(c.data))
    with pytest.raises(RuleViolation) as info:
        stack.mirror.check_report(c, reporter, when, prediction)
    assert info.value.code == code
    set_time(when)
    with ape.reverts(getattr(stack.trainer, code), **inputs):
        stack.trainer.report(*stack.args(c), c.author, sender=reporter)
    return info.value
