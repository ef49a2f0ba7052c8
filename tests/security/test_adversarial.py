"""Adversarial tests: re-entrancy, receivers that refuse payment, front-running, same-block
contributions, forced ether, extreme values, gas limits and overflows.

The model is a 16-feature sparse perceptron with zero weights and intercept: it predicts 0 for
everything, so a contribution labelled 0 is "good" (refundable) and one labelled 1 trains the
model towards 1; a later contribution labelled 0 on the same features trains it back, after which
the first one is "bad" (reportable).
"""

from __future__ import annotations

import ape
import pytest
from ape.exceptions import ContractLogicError
from support.security import (
    ANY_ADDRESS_CLAIM_WAIT_S,
    DEPOSIT,
    OWNER_CLAIM_WAIT_S,
    POINTS,
    REFUND_WAIT_S,
    advance,
    deploy_system,
    get_storage,
    paid,
    raw_fee,
    send_in_one_block,
    set_storage,
)

from ape_sum.core.models import SparsePerceptron

NUM_FEATURES = 16
ONE = 10**9
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def perceptron(weights: list[int] | None = None, intercept: int = 0) -> SparsePerceptron:
    return SparsePerceptron(["neg", "pos"], NUM_FEATURES, intercept, ONE, weights)


@pytest.fixture(scope="module")
def system(project, owner):
    return deploy_system(project, owner, perceptron(), DEPOSIT)


@pytest.fixture(scope="module")
def points_system(project, owner):
    return deploy_system(project, owner, perceptron(), POINTS)


@pytest.fixture(scope="module")
def attacker(project, system, owner):
    return project.AdversarialReceiver.deploy(system.trainer.address, sender=owner)


def add(system, account, data, label, extra: int = 0):
    """addData with the current cost (+ `extra`); returns (receipt, addedTime, deposit kept)."""
    cost = int(system.mechanism.getNextAddDataCost())
    receipt = system.trainer.addData(data, label, sender=account, value=cost + extra)
    log = next(iter(receipt.decode_logs(system.trainer.AddData)))
    return receipt, int(log.t), int(log.cost)


def add_via(system, contract, caller, data, label, extra: int | None = None):
    """addData through a contract wallet (the contract is the author): with `extra` wei over the
    cost, or (None) exactly the cost at the mined block, so that nothing is paid back."""
    cost = int(system.mechanism.getNextAddDataCost())
    if extra is None:
        receipt = contract.addDataExact(data, label, sender=caller, value=cost)
    else:
        receipt = contract.addData(data, label, sender=caller, value=cost + extra)
    log = next(iter(receipt.decode_logs(system.trainer.AddData)))
    assert log.sender == contract.address
    return receipt, int(log.t), int(log.cost)


def claimable(system, data, label, t, author) -> int:
    return int(system.trainer.getClaimableAmount(data, label, t, author))


def make_validated(system, account, data=(9,)):
    """Give `account` one validated (refunded) contribution; returns its deposit."""
    _, t, cost = add(system, account, list(data), 0)
    advance(ape.chain, REFUND_WAIT_S)
    system.trainer.refund(list(data), 0, t, sender=account)
    return cost


def make_bad(system, author, helper, data=(3,)):
    """A contribution by `author` that the model disagrees with afterwards: (addedTime, cost)."""
    _, t, cost = add(system, author, list(data), 1)
    add(system, helper, list(data), 0)  # trains the weight back: the model now predicts 0
    assert int(system.trainer.predict(list(data))) == 0
    return t, cost


def reverts_with(error_name, name: str, call, *args, **kwargs) -> None:
    with pytest.raises(ContractLogicError) as info:
        call(*args, **kwargs)
    assert error_name(info.value) == name, info.value


# ------------------------------------------------------------------------------ re-entrancy


def test_reentrant_refund_is_blocked(chain, system, attacker, users, revert_data_name):
    data, label = [1, 2], 0
    _, t, cost = add_via(system, attacker, users[0], data, label)
    assert cost > 0
    attacker.setTarget(data, label, t, attacker.address, sender=users[0])
    attacker.setMode(3, sender=users[0])  # ReenterRefund: the same contribution again
    advance(chain, REFUND_WAIT_S)
    before = system.trainer.balance
    attacker.refund(data, label, t, sender=users[0])
    assert attacker.reentryAttempted() and not attacker.reentrySucceeded()
    assert revert_data_name(attacker.reentryError()) == "ReentrantCall"
    assert int(attacker.received()) == cost and int(attacker.receiveCount()) == 1
    assert system.trainer.balance == before - cost
    assert claimable(system, data, label, t, attacker.address) == 0
    assert int(system.mechanism.numValidForAddress(attacker.address)) == 1


def test_reentrant_report_and_cross_function_are_blocked(
    chain, system, attacker, users, revert_data_name
):
    victim, helper, admin = users[1], users[2], users[0]
    # The attacker needs a validated contribution to report.
    _, t_good, _ = add_via(system, attacker, admin, [9], 0)
    advance(chain, REFUND_WAIT_S)
    attacker.refund([9], 0, t_good, sender=admin)
    t_bad, deposit = make_bad(system, victim, helper)
    advance(chain, REFUND_WAIT_S)
    # Re-enter report on the same contribution during the report's payout.
    attacker.setTarget([3], 1, t_bad, victim.address, sender=admin)
    attacker.setMode(4, sender=admin)
    received_before = int(attacker.received())
    attacker.report([3], 1, t_bad, victim.address, sender=admin)
    assert not attacker.reentrySucceeded()
    assert revert_data_name(attacker.reentryError()) == "ReentrantCall"
    share = int(attacker.received()) - received_before
    good, valid = int(system.mechanism.totalGoodDataCount()), 1
    expected = deposit * valid // good or deposit
    assert share == min(expected, deposit)
    assert claimable(system, [3], 1, t_bad, victim.address) == deposit - share
    assert bool(system.trainer.hasClaimed([3], 1, t_bad, victim.address, attacker.address))


def test_reentrant_add_data_during_excess_refund_is_blocked(
    system, attacker, users, revert_data_name
):
    attacker.setTarget([5], 0, 0, attacker.address, sender=users[0])
    attacker.setMode(5, sender=users[0])  # ReenterAddData when the excess comes back
    submitted = int(system.mechanism.totalSubmitted())
    balance = system.trainer.balance
    _, _, cost = add_via(system, attacker, users[0], [4], 0, extra=12345)
    assert revert_data_name(attacker.reentryError()) == "ReentrantCall"
    assert int(system.mechanism.totalSubmitted()) == submitted + 1
    assert system.trainer.balance == balance + cost


# ------------------------------------------------------------------------------ refusing receivers


def test_reverting_receiver_cannot_lock_anyone_else(chain, system, attacker, users, error_name):
    admin, other = users[0], users[1]
    attacker.setMode(1, sender=admin)  # Revert on every payment
    # Excess value cannot be returned: the contribution is refused as a whole, nothing is kept.
    submitted, balance = int(system.mechanism.totalSubmitted()), system.trainer.balance
    reverts_with(error_name, "PayoutFailed", add_via, system, attacker, admin, [6], 0, extra=1)
    assert int(system.mechanism.totalSubmitted()) == submitted
    assert system.trainer.balance == balance
    # With the exact cost, nothing is paid back and the contribution is accepted.
    _, t, cost = add_via(system, attacker, admin, [6], 0)
    _, t_other, cost_other = add(system, other, [7], 0)
    advance(chain, REFUND_WAIT_S)
    # The refund's payout fails: the claim is undone, the deposit stays claimable.
    reverts_with(error_name, "PayoutFailed", attacker.refund, [6], 0, t, sender=admin)
    assert claimable(system, [6], 0, t, attacker.address) == cost
    assert int(system.mechanism.numValidForAddress(attacker.address)) == 0
    assert not system.trainer.hasClaimed([6], 0, t, attacker.address, attacker.address)
    # Someone else's refund is unaffected.
    before = other.balance
    receipt = system.trainer.refund([7], 0, t_other, sender=other)
    assert other.balance == before + cost_other - paid(receipt)
    # Out-of-gas receivers are treated the same way.
    attacker.setMode(2, sender=admin)  # BurnGas
    reverts_with(error_name, "PayoutFailed", attacker.refund, [6], 0, t, sender=admin)
    # Once it accepts payments again, its refund works; nothing was lost meanwhile.
    attacker.setMode(0, sender=admin)
    attacker.refund([6], 0, t, sender=admin)
    assert claimable(system, [6], 0, t, attacker.address) == 0


def test_unpayable_author_deposit_still_reachable(chain, system, attacker, users):
    """A reverting author's bad contribution can still be reported, and its remainder taken."""
    admin, reporter, helper = users[0], users[1], users[2]
    attacker.setMode(1, sender=admin)
    _, t, cost = add_via(system, attacker, admin, [3], 1)
    add(system, helper, [3], 0)
    make_validated(system, reporter)
    advance(chain, REFUND_WAIT_S)
    before = reporter.balance
    receipt = system.trainer.report([3], 1, t, attacker.address, sender=reporter)
    gained = reporter.balance - before + paid(receipt)
    assert 0 < gained <= cost
    left = claimable(system, [3], 1, t, attacker.address)
    assert left == cost - gained
    if left:
        advance(chain, OWNER_CLAIM_WAIT_S)
        owner_before = system.owner.balance
        receipt = system.trainer.report([3], 1, t, attacker.address, sender=system.owner)
        assert system.owner.balance == owner_before + left - paid(receipt)
    assert claimable(system, [3], 1, t, attacker.address) == 0


def test_reporter_that_refuses_payment_keeps_nothing_locked(
    chain, system, attacker, users, error_name
):
    admin, victim, helper = users[0], users[1], users[2]
    _, t_good, _ = add_via(system, attacker, admin, [9], 0)
    advance(chain, REFUND_WAIT_S)
    attacker.refund([9], 0, t_good, sender=admin)
    t_bad, deposit = make_bad(system, victim, helper)
    advance(chain, REFUND_WAIT_S)
    attacker.setMode(1, sender=admin)
    reverts_with(
        error_name, "PayoutFailed", attacker.report, [3], 1, t_bad, victim.address, sender=admin
    )
    assert claimable(system, [3], 1, t_bad, victim.address) == deposit
    assert not system.trainer.hasClaimed([3], 1, t_bad, victim.address, attacker.address)


def test_forced_ether_is_inert(chain, project, system, users, owner):
    """Ether forced in by selfdestruct raises the balance; no rule reads it, nothing breaks."""
    forced = 10**15
    before = system.trainer.balance
    project.ForceSender.deploy(system.trainer.address, sender=owner, value=forced)
    assert system.trainer.balance == before + forced
    _, t, cost = add(system, users[3], [11], 0)
    advance(chain, REFUND_WAIT_S)
    start = users[3].balance
    receipt = system.trainer.refund([11], 0, t, sender=users[3])
    assert users[3].balance == start + cost - paid(receipt)
    assert system.trainer.balance == before + forced


# ------------------------------------------------------------------------------ front-running


def _wait_past_refund(chain):
    advance(chain, REFUND_WAIT_S)


def test_front_run_refund_with_report_fails_cleanly(chain, system, users):
    """A report sent before the author's refund in the same block: at most one succeeds."""
    author, attacker_eoa = users[1], users[2]
    make_validated(system, attacker_eoa)
    _, t, cost = add(system, author, [12], 0)
    _wait_past_refund(chain)
    a0, b0 = author.balance, attacker_eoa.balance
    receipts = send_in_one_block(
        chain,
        [
            (attacker_eoa, system.trainer.report, ([12], 0, t, author.address), 0),
            (author, system.trainer.refund, ([12], 0, t), 0),
        ],
    )
    assert receipts[0]["blockNumber"] == receipts[1]["blockNumber"]
    assert [r["status"] for r in receipts] == [0, 1]  # ModelAgrees, then the refund
    assert author.balance == a0 + cost - raw_fee(receipts[1])
    assert attacker_eoa.balance == b0 - raw_fee(receipts[0])
    assert claimable(system, [12], 0, t, author.address) == 0


def test_front_run_refund_by_flipping_the_model(chain, system, users):
    """An attacker adds data that flips the model just before the refund (documented limit):
    the refund fails, the deposit stays claimable, and the author can still get it back by
    retraining the model."""
    author, attacker_eoa = users[1], users[2]
    _, t, cost = add(system, author, [13], 0)
    _wait_past_refund(chain)
    flip_cost = int(system.mechanism.getNextAddDataCost())
    receipts = send_in_one_block(
        chain,
        [
            (attacker_eoa, system.trainer.addData, ([13], 1), flip_cost),
            (author, system.trainer.refund, ([13], 0, t), 0),
        ],
    )
    assert [r["status"] for r in receipts] == [1, 0]
    assert claimable(system, [13], 0, t, author.address) == cost
    # Retrain (label 0 again) and the refund goes through.
    add(system, author, [13], 0)
    assert int(system.trainer.predict([13])) == 0
    before = author.balance
    receipt = system.trainer.refund([13], 0, t, sender=author)
    assert author.balance == before + cost - paid(receipt)


def test_competing_reporters_in_one_block_never_overdraw(chain, system, users):
    victim, helper, r1, r2 = users[1], users[2], users[3], users[4]
    make_validated(system, r1, (9,))
    make_validated(system, r2, (10,))
    t_bad, deposit = make_bad(system, victim, helper)
    _wait_past_refund(chain)
    b1, b2, tb = r1.balance, r2.balance, system.trainer.balance
    receipts = send_in_one_block(
        chain,
        [
            (r1, system.trainer.report, ([3], 1, t_bad, victim.address), 0),
            (r2, system.trainer.report, ([3], 1, t_bad, victim.address), 0),
            (r1, system.trainer.report, ([3], 1, t_bad, victim.address), 0),  # twice: refused
        ],
    )
    assert [r["status"] for r in receipts] == [1, 1, 0]
    g1 = r1.balance - b1 + raw_fee(receipts[0]) + raw_fee(receipts[2])
    g2 = r2.balance - b2 + raw_fee(receipts[1])
    good = int(system.mechanism.totalGoodDataCount())
    share = deposit * 1 // good
    assert g1 == (share or deposit)
    assert g2 == min(share or deposit - g1, deposit - g1)
    assert g1 + g2 <= deposit
    assert system.trainer.balance == tb - g1 - g2
    assert claimable(system, [3], 1, t_bad, victim.address) == deposit - g1 - g2


# ------------------------------------------------------------------ same data, same block


@pytest.mark.parametrize("kind", [DEPOSIT, POINTS])
def test_same_data_same_block_different_accounts(chain, system, points_system, users, kind):
    target = system if kind == DEPOSIT else points_system
    a, b = users[5], users[6]
    value = 10**18  # covers the cost at any elapsed time; the rest is returned
    submitted = int(target.mechanism.totalSubmitted())
    balance = target.trainer.balance
    a0, b0 = a.balance, b.balance
    receipts = send_in_one_block(
        chain,
        [
            (a, target.trainer.addData, ([14, 15], 1), value),
            (b, target.trainer.addData, ([14, 15], 1), value),
            (b, target.trainer.addData, ([14, 15], 1), value),  # same author, same block
        ],
    )
    assert len({r["blockNumber"] for r in receipts}) == 1
    assert [r["status"] for r in receipts] == [1, 1, 0]  # the third: AlreadyAdded
    t = int(chain.blocks[receipts[0]["blockNumber"]].timestamp)
    key_a = target.trainer.contributionKey([14, 15], 1, t, a.address)
    key_b = target.trainer.contributionKey([14, 15], 1, t, b.address)
    assert key_a != key_b
    deposit_a = int(target.trainer.getContribution(key_a)[0])
    deposit_b = int(target.trainer.getContribution(key_b)[0])
    assert int(target.mechanism.totalSubmitted()) == submitted + 2
    assert target.trainer.balance == balance + deposit_a + deposit_b
    assert a.balance == a0 - deposit_a - raw_fee(receipts[0])
    assert b.balance == b0 - deposit_b - raw_fee(receipts[1]) - raw_fee(receipts[2])
    if kind == DEPOSIT:
        # The second contribution in the block pays the full cost (no time has passed).
        assert deposit_b == int(target.mechanism.costWeight()) * 3600


# ------------------------------------------------------------------------------ extremes and gas


@pytest.mark.parametrize("bad", [INT64_MAX, INT64_MIN, -1, NUM_FEATURES])
def test_extreme_sparse_indices_are_refused(system, users, error_name, bad):
    balance, submitted = system.trainer.balance, int(system.mechanism.totalSubmitted())
    reverts_with(error_name, "IndexOutOfRange", system.trainer.predict, [0, bad])
    reverts_with(error_name, "IndexOutOfRange", add, system, users[1], [0, bad], 1)
    assert system.trainer.balance == balance
    assert int(system.mechanism.totalSubmitted()) == submitted


def test_out_of_range_label_is_refused(system, users, error_name):
    reverts_with(error_name, "UnknownClass", add, system, users[1], [1], 2)
    with pytest.raises(Exception, match="64 bits"):
        add(system, users[1], [1], 2**64)


def test_weight_overflow_reverts_instead_of_wrapping(project, owner, users, error_name):
    big = SparsePerceptron.max_weight  # the contract's int48 lanes
    weights = [0] * NUM_FEATURES
    weights[0] = big - ONE // 2  # one more positive step would leave the lane's range
    weights[1] = -big
    weights[2] = -(big - ONE // 2)  # one more negative step would leave the lane's range
    weights[3] = big
    target = deploy_system(project, owner, perceptron(weights), DEPOSIT)
    balance = target.trainer.balance
    # margin(w0 + w1) < 0 predicts 0; label 1 pushes w0 up past the largest weight.
    assert int(target.trainer.predict([0, 1])) == 0
    reverts_with(error_name, "ParameterOverflow", add, target, users[1], [0, 1], 1)
    # margin(w2 + w3) > 0 predicts 1; label 0 pushes w2 down past the smallest weight.
    assert int(target.trainer.predict([2, 3])) == 1
    reverts_with(error_name, "ParameterOverflow", add, target, users[1], [2, 3], 0)
    assert [int(target.classifier.weights(i)) for i in range(4)] == weights[:4]
    assert target.trainer.balance == balance


def test_initialiser_refuses_weights_beyond_the_lanes(project, owner, error_name):
    model = perceptron()
    big = SparsePerceptron.max_weight
    contract = project.SparsePerceptron.deploy(*model.constructor_args(), sender=owner)
    for bad in (INT64_MIN, INT64_MAX, big + 1, -big - 1):
        reverts_with(
            error_name, "ValueOutOfRange", contract.initializeWeights, 0, [bad], sender=owner
        )
    contract.initializeWeights(0, [big, -big], sender=owner)
    assert int(contract.weights(0)) == big
    assert int(contract.weights(1)) == -big
    # Margins of many extreme weights do not overflow (int256 sum).
    contract.initializeWeights(2, [big] * (NUM_FEATURES - 2), sender=owner)
    assert int(contract.predict(list(range(NUM_FEATURES)))) == 1
    contract.initializeWeights(2, [-big] * (NUM_FEATURES - 2), sender=owner)
    assert int(contract.predict(list(range(NUM_FEATURES)))) == 0


def test_input_length_is_bounded_by_the_model(system, users, error_name):
    """The longest input a model takes is fixed at deployment; a longer one (a duplicate-padded
    one included) is refused before anything is written, and so is an empty one."""
    bound = int(system.classifier.maxInputFeatures())
    assert bound == NUM_FEATURES  # the mirror's default for a small model: every index once
    submitted = int(system.mechanism.totalSubmitted())
    balance = system.trainer.balance
    reverts_with(error_name, "TooManyFeatures", add, system, users[7], [0] * (bound + 1), 1)
    reverts_with(error_name, "EmptyInput", add, system, users[7], [], 1)
    assert int(system.mechanism.totalSubmitted()) == submitted
    assert system.trainer.balance == balance
    add(system, users[7], list(range(bound)), 1)  # the longest canonical input is accepted


def test_naive_bayes_count_overflow_reverts(project, owner, users, error_name):
    from ape_sum.core.models.naive_bayes import MAX_COUNT, NaiveBayes

    model = NaiveBayes(["a", "b"], 4, ONE, [1, 1], [{0: MAX_COUNT}, {}])
    target = deploy_system(project, owner, model, DEPOSIT)
    reverts_with(error_name, "ParameterOverflow", add, target, users[1], [0], 0)
    assert int(target.classifier.featureCount(0, 0)) == MAX_COUNT
    add(target, users[1], [1], 0)  # other features still train


# ------------------------------------------------------------------------------ counters


def _state_slot(chain, mechanism, trainer_address) -> int:
    """The mechanism's packed state word (trainer in the low 160 bits), found by its content."""
    for slot in range(8):
        word = get_storage(chain, mechanism.address, slot)
        if word & ((1 << 160) - 1) == int(trainer_address, 16):
            return slot
    pytest.fail("cannot find the mechanism's packed state slot (layout changed?)")


@pytest.mark.parametrize("kind", [DEPOSIT, POINTS])
def test_submitted_counter_overflow_reverts(chain, system, points_system, users, kind, error_name):
    target = system if kind == DEPOSIT else points_system
    slot = _state_slot(chain, target.mechanism, target.trainer.address)
    word = get_storage(chain, target.mechanism.address, slot)
    max32 = 2**32 - 1
    word = (word & ~(max32 << 192)) | (max32 << 192)
    set_storage(chain, target.mechanism.address, slot, word)
    assert int(target.mechanism.totalSubmitted()) == max32
    balance = target.trainer.balance
    reverts_with(error_name, "CounterOverflow", add, target, users[1], [2], 0)
    assert target.trainer.balance == balance
    assert int(target.mechanism.totalSubmitted()) == max32


def test_good_data_counter_overflow_reverts(chain, system, users, error_name):
    _, t, cost = add(system, users[1], [8], 0)
    slot = _state_slot(chain, system.mechanism, system.trainer.address)
    word = get_storage(chain, system.mechanism.address, slot)
    max32 = 2**32 - 1
    set_storage(chain, system.mechanism.address, slot, (word & ~(max32 << 224)) | (max32 << 224))
    advance(chain, REFUND_WAIT_S)
    reverts_with(error_name, "CounterOverflow", system.trainer.refund, [8], 0, t, sender=users[1])
    assert claimable(system, [8], 0, t, users[1].address) == cost


def test_claim_counter_overflow_reverts(chain, system, users, error_name):
    author = users[1]
    _, t, cost = add(system, author, [8, 9], 0)
    # the record lives at the slot named by the contribution key (see CollaborativeTrainer)
    key = bytes(system.trainer.contributionKey([8, 9], 0, t, author.address))
    slot = int.from_bytes(key, "big")
    word = get_storage(chain, system.trainer.address, slot)
    assert word & ((1 << 96) - 1) == cost, "the record is not at its key's slot (layout changed?)"
    max32 = 2**32 - 1
    set_storage(chain, system.trainer.address, slot, (word & ~(max32 << 192)) | (max32 << 192))
    assert int(system.trainer.getNumClaims([8, 9], 0, t, author.address)) == max32
    advance(chain, REFUND_WAIT_S)
    reverts_with(error_name, "TooManyClaims", system.trainer.refund, [8, 9], 0, t, sender=author)
    assert claimable(system, [8, 9], 0, t, author.address) == cost


# ------------------------------------------------------------------------------ deadlines


def test_deadlines_owner_then_anyone_including_author(chain, system, users, error_name):
    author, stranger = users[1], users[2]
    _, t, cost = add(system, author, [3], 1)
    add(system, users[3], [3], 0)  # now bad; nobody with validated data reports it
    advance(chain, REFUND_WAIT_S)
    reverts_with(
        error_name, "CannotReportOwnContribution",
        system.trainer.report, [3], 1, t, author.address, sender=author,
    )  # fmt: skip
    reverts_with(
        error_name, "NoValidatedContributions",
        system.trainer.report, [3], 1, t, author.address, sender=stranger,
    )  # fmt: skip
    advance(chain, ANY_ADDRESS_CLAIM_WAIT_S)
    before = author.balance
    receipt = system.trainer.report([3], 1, t, author.address, sender=author)
    assert author.balance == before + cost - paid(receipt)
    reverts_with(
        error_name, "NothingToClaim",
        system.trainer.report, [3], 1, t, author.address, sender=stranger,
    )  # fmt: skip
