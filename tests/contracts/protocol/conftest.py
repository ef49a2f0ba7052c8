"""Fixtures of the protocol tests: full stacks (sparse perceptron + incentive mechanism + trainer).

The model, its constants and the checked claim helpers live in `support.protocol`.
"""

from __future__ import annotations

import pytest
from support.protocol import (
    ANY_WAIT,
    CLASSES,
    COST_WEIGHT,
    LEARNING_RATE,
    OWNER_WAIT,
    REFUND_WAIT,
    WEIGHTS,
    Stack,
)

from ape_sum.core.incentives import DepositRefundTake, IncentiveMechanism, Points


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
            CLASSES, len(weights), intercept, LEARNING_RATE, len(weights), sender=owner
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
