"""Access control, re-entrancy and failing payouts."""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak
from support.protocol import ANY_WAIT, NEG, ONE_ETH, OWNER_WAIT, POS, REFUND_WAIT, set_time

REENTRANT_CALL = keccak(text="ReentrantCall()")[:4]
NONE, REFUND, REPORT, ADD_DATA = 0, 1, 2, 3


def _add(stack, sender, data, label):
    """addData outside the mirror; returns the AddData event."""
    receipt = stack.trainer.addData(data, label, sender=sender, value=ONE_ETH)
    return receipt.decode_logs(stack.trainer.AddData)[0]


#: A record with 1 wei deposited and claimable (ContributionRecord layout), as the trainer sends it.
RECORD = 1 | (1 << 96) | (1 << 225)


def test_incentive_mechanism_refuses_calls_not_from_trainer(stack_drt, stack_pts, alice, bob):
    for stack in (stack_drt, stack_pts):
        with ape.reverts(stack.im.NotTrainer, caller=alice):
            stack.im.handleAddData(ONE_ETH, sender=alice)
        with ape.reverts(stack.im.NotTrainer, caller=alice):
            stack.im.handleRefund(alice, 0, RECORD, 0, 0, sender=alice)
        with ape.reverts(stack.im.NotTrainer, caller=alice):
            stack.im.handleReport(alice, bob, alice, 0, RECORD, 0, 1, sender=alice)


def test_classifier_refuses_updates_not_from_trainer(stack_drt, alice):
    with ape.reverts(stack_drt.classifier.NotTrainer, caller=alice):
        stack_drt.classifier.update(POS, 0, sender=alice)


def test_unwired_mechanism_refuses_the_trainer(project, owner, alice, deploy_classifier):
    im = project.DepositRefundTake.deploy(1, 2, 3, 1, sender=owner)
    classifier = deploy_classifier()
    trainer = project.CollaborativeTrainer.deploy("n", "d", "e", classifier, im, sender=owner)
    classifier.setTrainer(trainer, sender=owner)
    with ape.reverts(trainer.NotTrainer, caller=trainer):
        trainer.addData(POS, 1, sender=alice, value=ONE_ETH)


def test_reentrant_refund_cannot_claim_twice(stack_drt, project, owner):
    attacker = project.ReentrantReceiver.deploy(stack_drt.trainer, sender=owner)
    receipt = attacker.addData(POS, 1, sender=owner, value=ONE_ETH)  # unarmed: takes the excess
    event = receipt.decode_logs(stack_drt.trainer.AddData)[0]
    assert attacker.balance == ONE_ETH - event.cost
    attacker.arm(REFUND, POS, 1, event.t, attacker, False, sender=owner)
    set_time(event.t + REFUND_WAIT)
    attacker.refund(POS, 1, event.t, sender=owner)
    assert attacker.attempts() == 1
    assert not attacker.lastSucceeded()
    assert bytes(attacker.lastRevertData()) == REENTRANT_CALL
    assert attacker.balance == ONE_ETH  # the deposit once, not twice
    assert stack_drt.trainer.balance == 0
    assert stack_drt.im.numValidForAddress(attacker) == 1


def test_reentrant_refund_that_bubbles_is_undone(stack_drt, project, owner):
    attacker = project.ReentrantReceiver.deploy(stack_drt.trainer, sender=owner)
    event = attacker.addData(POS, 1, sender=owner, value=ONE_ETH).decode_logs(
        stack_drt.trainer.AddData
    )[0]
    attacker.arm(REFUND, POS, 1, event.t, attacker, True, sender=owner)
    set_time(event.t + REFUND_WAIT)
    with ape.reverts(stack_drt.trainer.PayoutFailed, to=attacker, amount=event.cost):
        attacker.refund(POS, 1, event.t, sender=owner)
    assert stack_drt.trainer.balance == event.cost
    assert stack_drt.trainer.getClaimableAmount(POS, 1, event.t, attacker) == event.cost
    assert stack_drt.im.numValidForAddress(attacker) == 0


@pytest.mark.parametrize("attack", [REPORT, REFUND, ADD_DATA])
def test_reentrant_report_cannot_drain(stack_drt, project, owner, alice, bob, attack):
    attacker = project.ReentrantReceiver.deploy(stack_drt.trainer, sender=owner)
    # The attacker validates one contribution, a second one waits for a refund.
    good = attacker.addData(NEG, 0, sender=owner, value=ONE_ETH).decode_logs(
        stack_drt.trainer.AddData
    )[0]
    set_time(good.t + 1)
    other = attacker.addData(NEG, 0, sender=owner, value=ONE_ETH).decode_logs(
        stack_drt.trainer.AddData
    )[0]
    set_time(good.t + REFUND_WAIT)
    attacker.refund(NEG, 0, good.t, sender=owner)
    # Two bad contributions by alice and bob, worth reporting.
    bad = _add(stack_drt, alice, POS, 0)
    _add(stack_drt, bob, POS, 0)
    if attack == REFUND:
        attacker.arm(REFUND, NEG, 0, other.t, attacker, False, sender=owner)
    else:
        attacker.arm(attack, POS, 0, bad.t, alice, False, sender=owner)
    trainer_before = stack_drt.trainer.balance
    attacker_before = attacker.balance
    set_time(bad.t + REFUND_WAIT)
    attacker.report(POS, 0, bad.t, alice, sender=owner)
    assert not attacker.lastSucceeded()
    assert bytes(attacker.lastRevertData()) == REENTRANT_CALL
    # Reporter with 1 of 1 validated contributions: the whole deposit, exactly once.
    assert attacker.balance == attacker_before + bad.cost
    assert stack_drt.trainer.balance == trainer_before - bad.cost
    assert stack_drt.trainer.getClaimableAmount(POS, 0, bad.t, alice) == 0


def test_reverting_receiver_only_undoes_its_own_claim(stack_drt, project, owner, alice):
    wallet = project.RevertingReceiver.deploy(stack_drt.trainer, sender=owner)
    # Sending exactly the cost: no excess to refuse.
    event = wallet.addDataExact(POS, 1, sender=owner, value=ONE_ETH).decode_logs(
        stack_drt.trainer.AddData
    )[0]
    c = _add(stack_drt, alice, NEG, 0)
    set_time(c.t + REFUND_WAIT)
    with ape.reverts(stack_drt.trainer.PayoutFailed, to=wallet, amount=event.cost):
        wallet.refund(POS, 1, event.t, sender=owner)
    # Nothing changed for the wallet's contribution, and alice is unaffected.
    assert stack_drt.trainer.getClaimableAmount(POS, 1, event.t, wallet) == event.cost
    assert not stack_drt.trainer.hasClaimed(POS, 1, event.t, wallet, wallet)
    before = alice.balance
    set_time(c.t + REFUND_WAIT + 1)
    receipt = stack_drt.trainer.refund(NEG, 0, c.t, sender=alice)
    assert alice.balance == before + c.cost - receipt.total_fees_paid
    assert stack_drt.trainer.balance == event.cost
    # Once it accepts ether, the wallet gets its deposit.
    wallet.setAccepting(True, sender=owner)
    before = wallet.balance
    wallet.refund(POS, 1, event.t, sender=owner)
    assert wallet.balance == before + event.cost
    assert stack_drt.trainer.balance == 0


def test_reverting_receiver_cannot_get_excess_back(stack_drt, project, owner):
    wallet = project.RevertingReceiver.deploy(stack_drt.trainer, sender=owner)
    with ape.reverts(stack_drt.trainer.PayoutFailed, to=wallet):
        wallet.addData(POS, 1, sender=owner, value=ONE_ETH)
    assert stack_drt.trainer.balance == 0


def test_contract_wallet_receives_payouts_with_more_than_the_stipend(stack_drt, project, owner):
    wallet = project.ContractWallet.deploy(stack_drt.trainer, sender=owner)
    event = wallet.addData(POS, 1, sender=owner, value=ONE_ETH).decode_logs(
        stack_drt.trainer.AddData
    )[0]
    assert wallet.received() == ONE_ETH - event.cost
    set_time(event.t + REFUND_WAIT)
    wallet.refund(POS, 1, event.t, sender=owner)
    assert wallet.received() == ONE_ETH
    assert wallet.balance == ONE_ETH


def test_owner_is_the_deployer_not_a_contract(stack_drt, owner):
    assert stack_drt.trainer.owner() == owner.address
    assert stack_drt.im.ownerClaimWaitTimeS() == OWNER_WAIT
    assert stack_drt.im.anyAddressClaimWaitTimeS() == ANY_WAIT
