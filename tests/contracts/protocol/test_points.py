"""The points mechanism: free contributions, first claim decides, points per address."""

from __future__ import annotations

from support.protocol import NEG, ONE_ETH, POS, REFUND_WAIT, do_refund, do_report, refund_refused
from support.protocol import report_refused as _report_refused

from ape_sum.core.records import NEVER


def test_points_cost_is_zero_and_value_returned(stack_pts, alice):
    assert stack_pts.im.getNextAddDataCost() == 0
    c = stack_pts.add(alice, POS, 1, value=ONE_ETH)  # checks alice paid only gas
    assert c.initial_deposit == 0
    assert stack_pts.trainer.balance == 0
    assert stack_pts.im.totalSubmitted() == 1


def test_points_refund_gives_a_point(stack_pts, alice):
    c = stack_pts.add(alice, POS, 1)
    assert do_refund(stack_pts, c, alice, c.added_time + REFUND_WAIT) == 0
    assert stack_pts.im.numValidForAddress(alice) == 1
    assert stack_pts.im.getPoints(alice) == (1, 0)
    assert stack_pts.im.totalGoodDataCount() == 1


def test_points_refund_too_early(stack_pts, alice):
    c = stack_pts.add(alice, POS, 1)
    ready = c.added_time + REFUND_WAIT
    refund_refused(stack_pts, c, alice, ready - 1, "TooEarly", readyAt=ready)


def test_points_refund_model_disagrees(stack_pts, alice):
    c = stack_pts.add(alice, POS, 0)
    refund_refused(
        stack_pts,
        c,
        alice,
        c.added_time + REFUND_WAIT,
        "ModelDisagrees",
        prediction=1,
        classification=0,
    )


def test_points_refund_only_once(stack_pts, alice):
    c = stack_pts.add(alice, POS, 1)
    do_refund(stack_pts, c, alice, c.added_time + REFUND_WAIT)
    refund_refused(stack_pts, c, alice, c.added_time + REFUND_WAIT + 1, "AlreadyClaimed")
    assert stack_pts.im.getPoints(alice) == (1, 0)


def test_points_report_records_successful_report(stack_pts, alice, bob):
    c = stack_pts.add(alice, POS, 0)
    # No validated contribution is needed to report in the points mechanism.
    assert do_report(stack_pts, c, bob, c.added_time + REFUND_WAIT) == 0
    assert stack_pts.im.numSuccessfulReports(bob) == 1
    assert stack_pts.im.getPoints(bob) == (0, 1)


def test_points_first_claim_only(stack_pts, alice, bob, carol):
    c = stack_pts.add(alice, POS, 0)
    when = c.added_time + REFUND_WAIT
    do_report(stack_pts, c, bob, when)
    _report_refused(stack_pts, c, carol, when + 1, "AlreadySettled", numClaims=1)
    _report_refused(stack_pts, c, bob, when + 2, "AlreadyClaimed", claimer=bob)
    good = stack_pts.add(alice, NEG, 0)
    do_refund(stack_pts, good, alice, good.added_time + REFUND_WAIT)
    # After the refund the contribution is settled: a report is refused (the model agrees anyway,
    # but the first-claim rule comes first).
    _report_refused(
        stack_pts, good, bob, good.added_time + REFUND_WAIT + 1, "AlreadySettled", numClaims=1
    )


def test_points_refund_after_report_is_settled(stack_pts, alice, bob):
    c = stack_pts.add(alice, POS, 0)
    do_report(stack_pts, c, bob, c.added_time + REFUND_WAIT)
    refund_refused(stack_pts, c, alice, c.added_time + REFUND_WAIT + 1, "AlreadySettled")


def test_points_report_own_contribution(stack_pts, alice):
    c = stack_pts.add(alice, POS, 0)
    _report_refused(
        stack_pts,
        c,
        alice,
        c.added_time + REFUND_WAIT,
        "CannotReportOwnContribution",
        anyAddressTakeAt=NEVER,
    )


def test_points_report_model_agrees(stack_pts, alice, bob):
    c = stack_pts.add(alice, POS, 1)
    _report_refused(stack_pts, c, bob, c.added_time + REFUND_WAIT, "ModelAgrees", prediction=1)


def test_points_report_too_early(stack_pts, alice, bob):
    c = stack_pts.add(alice, POS, 0)
    ready = c.added_time + REFUND_WAIT
    _report_refused(stack_pts, c, bob, ready - 1, "TooEarly", readyAt=ready)
