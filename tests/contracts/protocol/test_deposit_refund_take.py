"""Deposit, Refund and Take: every rule of PROTOCOL.md and every refusal, against the mirror."""

from __future__ import annotations

from support.protocol import (
    ANY_WAIT,
    NEG,
    OWNER_WAIT,
    POS,
    REFUND_WAIT,
    do_refund,
    do_report,
    refund_refused,
    report_refused,
)


def test_refund_returns_whole_deposit_when_model_agrees(stack_drt, alice):
    c = stack_drt.add(alice, POS, 1)
    assert c.initial_deposit > 0
    amount = do_refund(stack_drt, c, alice, c.added_time + REFUND_WAIT)
    assert amount == c.initial_deposit
    assert stack_drt.im.numValidForAddress(alice) == 1
    assert stack_drt.im.totalGoodDataCount() == 1


def test_refund_too_early(stack_drt, alice):
    c = stack_drt.add(alice, POS, 1)
    ready = c.added_time + REFUND_WAIT
    err = refund_refused(stack_drt, c, alice, ready - 1, "TooEarly", readyAt=ready)
    assert err.message == "too early: refund allowed in 1s"
    do_refund(stack_drt, c, alice, ready)


def test_refund_model_disagrees(stack_drt, alice):
    c = stack_drt.add(alice, POS, 0)
    err = refund_refused(
        stack_drt,
        c,
        alice,
        c.added_time + REFUND_WAIT,
        "ModelDisagrees",
        prediction=1,
        classification=0,
    )
    assert err.message.startswith("the model disagrees with your label")


def test_refund_claimed_twice(stack_drt, alice):
    c = stack_drt.add(alice, POS, 1)
    do_refund(stack_drt, c, alice, c.added_time + REFUND_WAIT)
    refund_refused(
        stack_drt, c, alice, c.added_time + REFUND_WAIT + 1, "AlreadyClaimed", claimer=alice
    )


def test_refund_by_someone_else_finds_no_contribution(stack_drt, alice, bob):
    c = stack_drt.add(alice, POS, 1)
    key = stack_drt.trainer.contributionKey(*stack_drt.args(c), bob)
    err = refund_refused(
        stack_drt, c, bob, c.added_time + REFUND_WAIT, "ContributionNotFound", key=key
    )
    assert "only the author" in err.message


def test_refund_with_wrong_time_finds_no_contribution(stack_drt, alice):
    import ape

    c = stack_drt.add(alice, POS, 1)
    key = stack_drt.trainer.contributionKey(list(c.data), 1, c.added_time + 1, alice)
    with ape.reverts(stack_drt.trainer.ContributionNotFound, key=key):
        stack_drt.trainer.refund(list(c.data), 1, c.added_time + 1, sender=alice)


def test_refund_nothing_left_after_any_address_take(stack_drt, alice, dave):
    c = stack_drt.add(alice, POS, 0)
    do_report(stack_drt, c, dave, c.added_time + ANY_WAIT)
    refund_refused(stack_drt, c, alice, c.added_time + ANY_WAIT + 1, "NothingToClaim")


def _validate(stack, account, count=1, data=NEG, label=0):
    """Give `account` `count` validated contributions (good data, refunded)."""
    from ape import chain

    for _ in range(count):
        c = stack.add(account, data, label)
        do_refund(stack, c, account, c.added_time + REFUND_WAIT)
        chain.mine(deltatime=1)


def test_report_own_contribution(stack_drt, alice):
    c = stack_drt.add(alice, POS, 0)
    _validate(stack_drt, alice)
    err = report_refused(
        stack_drt,
        c,
        alice,
        c.added_time + REFUND_WAIT + 10,
        "CannotReportOwnContribution",
        anyAddressTakeAt=c.added_time + ANY_WAIT,
    )
    assert "your own contribution" in err.message


def test_report_without_validated_data(stack_drt, alice, bob):
    c = stack_drt.add(alice, POS, 0)
    report_refused(
        stack_drt, c, bob, c.added_time + REFUND_WAIT, "NoValidatedContributions", reporter=bob
    )


def test_report_model_agrees(stack_drt, alice, bob):
    c = stack_drt.add(alice, POS, 1)
    _validate(stack_drt, bob)
    report_refused(stack_drt, c, bob, c.added_time + 2 * REFUND_WAIT, "ModelAgrees", prediction=1)


def test_report_too_early(stack_drt, alice, bob):
    _validate(stack_drt, bob)
    c = stack_drt.add(alice, POS, 0)
    ready = c.added_time + REFUND_WAIT
    err = report_refused(stack_drt, c, bob, ready - 3600 * 3 - 60 * 12, "TooEarly", readyAt=ready)
    assert err.message == "too early: reports allowed in 3h 12m"


def test_report_claimed_twice(stack_drt, alice, bob, carol):
    _validate(stack_drt, bob)
    _validate(stack_drt, carol)
    c = stack_drt.add(alice, POS, 0)
    when = c.added_time + REFUND_WAIT
    do_report(stack_drt, c, bob, when)
    report_refused(stack_drt, c, bob, when + 1, "AlreadyClaimed", claimer=bob)


def test_report_share_formula(stack_drt, alice, bob, carol):
    _validate(stack_drt, bob, 1)
    _validate(stack_drt, carol, 2)
    c = stack_drt.add(alice, POS, 0)
    deposit = c.initial_deposit
    when = c.added_time + REFUND_WAIT
    assert do_report(stack_drt, c, bob, when) == deposit * 1 // 3
    assert do_report(stack_drt, c, carol, when + 1) == deposit * 2 // 3
    assert c.claimable == deposit - deposit // 3 - deposit * 2 // 3


def test_report_capped_at_remaining_amount(stack_drt, alice, bob, carol, chain):
    _validate(stack_drt, bob, 1)
    _validate(stack_drt, carol, 1)
    c = stack_drt.add(alice, POS, 0)
    deposit = c.initial_deposit
    when = c.added_time + REFUND_WAIT
    assert do_report(stack_drt, c, bob, when) == deposit // 2
    _validate(stack_drt, carol, 2)  # carol now has 3 of 4: her share 3/4 > the half left
    assert stack_drt.im.numValidForAddress(carol) == 3
    left = c.claimable
    assert deposit * 3 // 4 > left
    assert do_report(stack_drt, c, carol, chain.blocks.head.timestamp + 1) == left
    assert c.claimable == 0


def test_report_zero_share_takes_everything_left(deploy_stack, alice, bob, carol, chain):
    stack = deploy_stack("deposit", cost_weight=1)
    # Good contributions with a deposit of 0 cannot be refunded (nothing claimable), so give the
    # reporters 1-wei contributions: 3600 / isqrt(elapsed) == 1 for elapsed in [1801^2, 3600^2].
    for account in (bob, carol):
        chain.mine(deltatime=1801**2)
        c = stack.add(account, NEG, 0)
        assert c.initial_deposit == 1
        do_refund(stack, c, account, c.added_time + REFUND_WAIT)
    chain.mine(deltatime=1801**2)
    c = stack.add(alice, POS, 0)
    assert c.initial_deposit == 1
    # bob's share: 1 * 1 // 2 == 0, so he takes the whole remaining deposit.
    assert do_report(stack, c, bob, c.added_time + REFUND_WAIT) == 1


def test_owner_take(stack_drt, owner, alice):
    c = stack_drt.add(alice, POS, 1)  # even a good contribution nobody refunded
    ready = c.added_time + OWNER_WAIT
    # Before the owner deadline the owner is an ordinary reporter, and the model agrees.
    report_refused(stack_drt, c, owner, ready - 1, "ModelAgrees", prediction=1)
    assert do_report(stack_drt, c, owner, ready) == c.initial_deposit
    assert c.claimable == 0


def test_owner_takes_what_reporters_left(stack_drt, owner, alice, bob, carol):
    _validate(stack_drt, bob)
    _validate(stack_drt, carol)
    c = stack_drt.add(alice, POS, 0)
    share = do_report(stack_drt, c, bob, c.added_time + REFUND_WAIT)
    assert share == c.initial_deposit // 2
    assert do_report(stack_drt, c, owner, c.added_time + OWNER_WAIT) == c.initial_deposit - share
    report_refused(stack_drt, c, carol, c.added_time + OWNER_WAIT + 1, "NothingToClaim")


def test_others_cannot_take_before_any_address_deadline(stack_drt, alice, bob, dave):
    _validate(stack_drt, bob)
    bad = stack_drt.add(alice, POS, 0)
    good = stack_drt.add(alice, NEG, 0)
    last_second = ANY_WAIT - 1
    report_refused(
        stack_drt,
        bad,
        dave,
        bad.added_time + last_second,
        "NoValidatedContributions",
        reporter=dave,
    )
    report_refused(stack_drt, good, bob, good.added_time + last_second, "ModelAgrees", prediction=0)


def test_any_address_take(stack_drt, alice, dave):
    c = stack_drt.add(alice, POS, 1)
    assert do_report(stack_drt, c, dave, c.added_time + ANY_WAIT) == c.initial_deposit
    report_refused(stack_drt, c, alice, c.added_time + ANY_WAIT + 1, "NothingToClaim")


def test_any_address_take_by_the_author(stack_drt, alice):
    c = stack_drt.add(alice, POS, 0)  # the model disagrees: no refund possible
    report_refused(
        stack_drt,
        c,
        alice,
        c.added_time + ANY_WAIT - 1,
        "CannotReportOwnContribution",
        anyAddressTakeAt=c.added_time + ANY_WAIT,
    )
    assert do_report(stack_drt, c, alice, c.added_time + ANY_WAIT) == c.initial_deposit
    assert stack_drt.trainer.hasClaimed(*stack_drt.args(c), alice, alice)
    assert stack_drt.im.numValidForAddress(alice) == 0


def test_any_address_take_after_partial_report(stack_drt, alice, bob, carol, dave):
    _validate(stack_drt, bob)
    _validate(stack_drt, carol)
    c = stack_drt.add(alice, POS, 0)
    share = do_report(stack_drt, c, bob, c.added_time + REFUND_WAIT)
    assert do_report(stack_drt, c, dave, c.added_time + ANY_WAIT) == c.initial_deposit - share
