"""The pure-Python mirror on its own (no chain needed)."""

from __future__ import annotations

from math import isqrt

import pytest

from ape_sum.core.incentives import DepositRefundTake, Points, RuleViolation
from ape_sum.core.records import Contribution, contribution_key
from ape_sum.core.units import format_duration

A, B, C, OWNER = "0x" + "aa" * 20, "0x" + "bb" * 20, "0x" + "cc" * 20, "0x" + "0e" * 20
DAY = 86_400


def _drt(cost_weight=10**12):
    return DepositRefundTake(cost_weight, DAY, 7 * DAY, 30 * DAY, owner=OWNER, deployed_at=1000)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (59, "59s"),
        (60, "1m"),
        (61, "1m 1s"),
        (3725, "1h 2m"),
        (3 * 3600 + 12 * 60, "3h 12m"),
        (2 * DAY + 3 * 3600, "2d 3h"),
        (DAY, "1d"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_wait_ordering():
    with pytest.raises(RuleViolation) as info:
        DepositRefundTake(1, 2, 1, 3)
    assert info.value.code == "InvalidWaitTimes"
    with pytest.raises(RuleViolation):
        Points(1, 3, 2)


def test_cost_formula():
    m = _drt()
    assert m.next_add_data_cost(1000) == 10**12 * 3600
    for elapsed in (1, 2, 3, 4, 100, 10**6):
        assert m.next_add_data_cost(1000 + elapsed) == 10**12 * 3600 // isqrt(elapsed)
    assert _drt(0).next_add_data_cost(5000) == 0
    with pytest.raises(RuleViolation) as info:
        m.add_data(A, 10, 1001)
    assert info.value.code == "InsufficientDeposit"
    assert m.add_data(A, 10**18, 1100) == 10**12 * 3600 // 10
    assert m.last_update_time == 1100 and m.total_submitted == 1


def test_checks_do_not_change_state():
    m = _drt()
    c = m.contribute(A, 1, 10**18, 2000)
    assert m.check_refund(c, A, 2000 + DAY, 1) == c.initial_deposit
    assert c.claimable == c.initial_deposit and m.total_good_data_count == 0
    assert m.refund(c, A, 2000 + DAY, 1) == c.initial_deposit
    assert c.claimable == 0 and m.num_valid_for(A) == 1 and c.has_claimed(A)


def test_refund_refusals():
    m = _drt()
    c = m.contribute(A, 1, 10**18, 2000)
    with pytest.raises(RuleViolation) as info:
        m.check_refund(c, A, 2000 + DAY - 3 * 3600 - 12 * 60, 1)
    assert (info.value.code, info.value.message) == (
        "TooEarly",
        "too early: refund allowed in 3h 12m",
    )
    with pytest.raises(RuleViolation) as info:
        m.check_refund(c, A, 2000 + DAY, 0)
    assert info.value.code == "ModelDisagrees"
    assert "the model disagrees with your label" in info.value.message
    with pytest.raises(RuleViolation) as info:
        m.check_refund(c, B, 2000 + DAY, 1)
    assert info.value.code == "ContributionNotFound"


def test_report_share_and_cap():
    m = _drt()
    for who, t in ((B, 2000), (C, 3000), (C, 4000)):
        g = m.contribute(who, 0, 10**18, t)
        m.refund(g, who, t + DAY, 0)
    c = m.contribute(A, 0, 10**18, 5000)
    d = c.initial_deposit
    assert m.report(c, B, 5000 + DAY, 1) == d // 3
    with pytest.raises(RuleViolation) as info:
        m.check_report(c, B, 5000 + DAY, 1)
    assert info.value.code == "AlreadyClaimed"
    assert m.report(c, C, 5000 + DAY, 1) == d * 2 // 3
    assert c.claimable == d - d // 3 - d * 2 // 3


def test_takes():
    m = _drt()
    c = m.contribute(A, 1, 10**18, 2000)
    with pytest.raises(RuleViolation) as info:
        m.check_report(c, A, 2000 + DAY, 0)
    assert info.value.code == "CannotReportOwnContribution"
    assert m.check_report(c, OWNER, 2000 + 7 * DAY, 1) == c.initial_deposit
    assert m.report(c, A, 2000 + 30 * DAY, 1) == c.initial_deposit
    with pytest.raises(RuleViolation) as info:
        m.check_report(c, B, 2000 + 30 * DAY, 0)
    assert info.value.code == "NothingToClaim"


def test_points_rules():
    m = Points(DAY, 2 * DAY, 3 * DAY)
    c = m.contribute(A, 0, 10**18, 100)
    assert c.initial_deposit == 0
    assert m.report(c, B, 100 + DAY, 1) == 0
    assert m.points(B) == (0, 1)
    with pytest.raises(RuleViolation) as info:
        m.check_refund(c, A, 100 + DAY, 0)
    assert info.value.code == "AlreadySettled"


def test_contribution_key_layout():
    key = contribution_key([1, -1], 2, 3, A)
    assert len(key) == 32
    assert key != contribution_key([1, -1], 2, 4, A)
    assert Contribution(A, 0, 0, 0, 0).is_author(A.upper().replace("0X", "0x"))
