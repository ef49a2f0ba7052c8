"""Deployment and wiring: constructor checks, one-time binding, public views."""

from __future__ import annotations

import ape
import pytest
from support.deploy_reverts import deploy_reverts
from support.protocol import ANY_WAIT, COST_WEIGHT, OWNER_WAIT, REFUND_WAIT


def test_trainer_views(stack_drt, owner):
    t = stack_drt.trainer
    assert t.name() == "test model"
    assert t.description() == "a tiny sparse perceptron"
    assert t.encoder() == "sparse:test"
    assert t.classifier() == stack_drt.classifier.address
    assert t.incentiveMechanism() == stack_drt.im.address
    assert t.owner() == owner.address
    assert stack_drt.classifier.trainer() == t.address
    assert stack_drt.im.trainer() == t.address
    assert stack_drt.im.costWeight() == COST_WEIGHT
    assert stack_drt.im.refundWaitTimeS() == REFUND_WAIT
    assert stack_drt.im.ownerClaimWaitTimeS() == OWNER_WAIT
    assert stack_drt.im.anyAddressClaimWaitTimeS() == ANY_WAIT
    assert stack_drt.im.totalSubmitted() == 0
    assert stack_drt.im.totalGoodDataCount() == 0


@pytest.mark.parametrize(
    "waits", [(2, 1, 3), (1, 3, 2), (3, 2, 1), (1, 1, 2), (1, 2, 2), (0, 0, 0)]
)
@pytest.mark.parametrize("kind", ["DepositRefundTake", "Points"])
def test_wait_time_ordering_enforced_at_deployment(project, owner, kind, waits):
    container = getattr(project, kind)
    args = [*waits, 1] if kind == "DepositRefundTake" else list(waits)
    types = ["uint256"] * 3
    deploy_reverts(container, "InvalidWaitTimes", types, list(waits), *args, sender=owner)


def test_strictly_increasing_wait_times_allowed(project, owner):
    im = project.DepositRefundTake.deploy(5, 6, 7, 1, sender=owner)
    assert (im.refundWaitTimeS(), im.ownerClaimWaitTimeS(), im.anyAddressClaimWaitTimeS()) == (
        5,
        6,
        7,
    )


def test_cost_weight_too_large(project, owner):
    too_large = 2**256 // 3600 + 1
    deploy_reverts(
        project.DepositRefundTake,
        "CostWeightTooLarge",
        ["uint256"],
        [too_large],
        1,
        2,
        3,
        too_large,
        sender=owner,
    )


def test_set_trainer_once_by_deployer(project, owner, alice, stack_drt):
    im = project.Points.deploy(1, 2, 3, sender=owner)
    with ape.reverts(im.NotDeployer, caller=alice):
        im.setTrainer(stack_drt.trainer, sender=alice)
    with ape.reverts(im.ZeroTrainer):
        im.setTrainer("0x" + "00" * 20, sender=owner)
    receipt = im.setTrainer(stack_drt.trainer, sender=owner)
    assert receipt.decode_logs(im.TrainerSet) == [im.TrainerSet(trainer=stack_drt.trainer)]
    with ape.reverts(im.TrainerAlreadySet, trainer=stack_drt.trainer):
        im.setTrainer(alice, sender=owner)


def test_trainer_needs_contracts(project, owner, alice, stack_drt):
    container = project.CollaborativeTrainer
    for wiring in ((alice, stack_drt.im), (stack_drt.classifier, alice)):
        deploy_reverts(
            container,
            "NotAContract",
            ["address"],
            [alice.address],
            "n",
            "d",
            "e",
            *wiring,
            sender=owner,
        )


def test_views_of_unknown_contribution_revert(stack_drt, alice):
    key = stack_drt.trainer.contributionKey([0], 1, 5, alice)
    for view in ("getClaimableAmount", "getInitialDeposit", "getNumClaims"):
        with ape.reverts(stack_drt.trainer.ContributionNotFound, key=key):
            getattr(stack_drt.trainer, view)([0], 1, 5, alice)
    with ape.reverts(stack_drt.trainer.ContributionNotFound, key=key):
        stack_drt.trainer.hasClaimed([0], 1, 5, alice, alice)
    assert not stack_drt.trainer.getContribution(key).exists
