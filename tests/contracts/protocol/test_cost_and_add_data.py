"""addData: the cost formula over time, excess returned, duplicates, insufficient deposits."""

from __future__ import annotations

from math import isqrt

import ape
import pytest
from ape.exceptions import ContractLogicError
from support.protocol import COST_WEIGHT, NEG, ONE_ETH, POS, set_time

from ape_sum.chain.reverts import explain
from ape_sum.core.records import contribution_key


@pytest.mark.parametrize("elapsed", [1, 2, 3, 4, 15, 16, 17, 99, 3600, 86_399, 86_400, 10**7])
def test_cost_formula_over_time(stack_drt, alice, bob, elapsed):
    last = stack_drt.add(bob, NEG, 0).added_time
    assert stack_drt.im.lastUpdateTime() == last
    set_time(last + elapsed)
    c = stack_drt.add(alice, POS, 1)  # checks the event's cost against the mirror
    assert c.added_time == last + elapsed
    assert c.initial_deposit == COST_WEIGHT * 3600 // isqrt(elapsed)
    assert stack_drt.im.lastUpdateTime() == c.added_time
    assert stack_drt.im.totalSubmitted() == 2


def test_cost_view_matches_mirror(stack_drt, alice, chain):
    stack_drt.add(alice, POS, 1)
    for step in (1, 5, 600, 86_400):
        chain.mine(deltatime=step)
        now = chain.blocks.head.timestamp
        assert stack_drt.im.getNextAddDataCost() == stack_drt.mirror.next_add_data_cost(now)


def test_cost_when_no_time_has_passed(stack_drt, project, owner):
    wallet = project.ContractWallet.deploy(stack_drt.trainer, sender=owner)
    receipt = wallet.addDataTwice(POS, 1, NEG, 0, sender=owner, value=2 * ONE_ETH)
    first, second = receipt.decode_logs(stack_drt.trainer.AddData)
    assert second.t == first.t
    assert second.cost == COST_WEIGHT * 3600  # divisor 1
    assert stack_drt.trainer.balance == first.cost + second.cost
    assert wallet.received() == 2 * ONE_ETH - first.cost - second.cost


def test_cost_weight_zero_is_free(deploy_stack, alice):
    stack = deploy_stack("deposit", cost_weight=0)
    assert stack.im.getNextAddDataCost() == 0
    c = stack.add(alice, POS, 1, value=ONE_ETH)  # checks alice got everything back
    assert c.initial_deposit == 0
    assert stack.trainer.balance == 0


def test_excess_value_returned(stack_drt, alice):
    before = alice.balance
    c = stack_drt.add(alice, POS, 1, value=5 * ONE_ETH)
    assert 0 < c.initial_deposit < ONE_ETH
    assert stack_drt.trainer.balance == c.initial_deposit
    assert alice.balance > before - ONE_ETH


def test_insufficient_deposit(stack_drt, alice):
    when = stack_drt.im.lastUpdateTime() + 100
    cost = stack_drt.mirror.next_add_data_cost(when)
    set_time(when)
    with ape.reverts(stack_drt.trainer.InsufficientDeposit, sent=cost - 1, cost=cost):
        stack_drt.trainer.addData(POS, 1, sender=alice, value=cost - 1)


def test_exact_deposit_accepted(stack_drt, alice):
    when = stack_drt.im.lastUpdateTime() + 100
    cost = stack_drt.mirror.next_add_data_cost(when)
    set_time(when)
    stack_drt.add(alice, POS, 1, value=cost)
    assert stack_drt.trainer.balance == cost


def test_duplicate_contribution_rejected(stack_drt, project, owner):
    wallet = project.ContractWallet.deploy(stack_drt.trainer, sender=owner)
    set_time(stack_drt.im.lastUpdateTime() + 1000)
    # Same data, label, time (same block) and author: the same key.
    with ape.reverts(stack_drt.trainer.AlreadyAdded):
        wallet.addDataTwice(POS, 1, POS, 1, sender=owner, value=2 * ONE_ETH)
    # A different label is a different contribution.
    receipt = wallet.addDataTwice(POS, 1, POS, 0, sender=owner, value=2 * ONE_ETH)
    assert len(receipt.decode_logs(stack_drt.trainer.AddData)) == 2


def test_add_data_trains_the_model(stack_drt, alice):
    flip = [2]
    assert stack_drt.trainer.predict(flip) == 0
    stack_drt.add(alice, flip, 1)
    assert stack_drt.trainer.predict(flip) == 1


def test_contribution_key_matches_python(stack_drt, alice):
    data = [0, -1, 2**63 - 1, -(2**63)]
    on_chain = stack_drt.trainer.contributionKey(data, 7, 1_700_000_000, alice)
    assert bytes(on_chain) == contribution_key(data, 7, 1_700_000_000, alice.address)


def test_add_data_rejected_by_classifier_reverts_everything(stack_drt, alice):
    # The classifier's error bubbles up through the trainer, whose ABI names it.
    with pytest.raises(ContractLogicError) as info:
        stack_drt.trainer.addData([99], 1, sender=alice, value=ONE_ETH)
    assert "feature index 99 is outside [0, " in explain(info.value)
    assert stack_drt.im.totalSubmitted() == 0
    assert stack_drt.trainer.balance == 0


def test_isqrt(project, owner):
    harness = project.MathHarness.deploy(sender=owner)
    values = [0, 1, 2, 3, 4, 5, 8, 9, 10, 15, 16, 17, 24, 25, 26, 99, 100, 10**6, 10**18]
    values += [2**k + d for k in range(1, 256) for d in (-1, 0, 1) if 2**k + d < 2**256]
    values += [2**256 - 1, (2**128 - 1) ** 2, (2**128 - 1) ** 2 - 1]
    for v in values:
        assert harness.isqrt(v) == isqrt(v), v
