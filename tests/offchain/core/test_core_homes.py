"""One home per concept in the pure core: refusal wording, the contribution record and key,
accuracy, and the encoder spec registry."""

from __future__ import annotations

import pytest

from ape_sum.core.encoding import ENCODER_TYPES, Encoder, parse_encoder_spec
from ape_sum.core.incentives import DepositRefundTake, Points, RuleViolation
from ape_sum.core.metrics import Score, accuracy, score
from ape_sum.core.records import NEVER, Contribution, contribution_key
from ape_sum.core.refusals import ARGUMENTS, describe, refusal

A, B = "0x" + "aa" * 20, "0x" + "bb" * 20
DAY = 86_400


def _violation(call) -> RuleViolation:
    with pytest.raises(RuleViolation) as info:
        call()
    return info.value


def test_the_mirror_words_refusals_like_the_revert_explanation():
    drt = DepositRefundTake(1, DAY, 7 * DAY, 30 * DAY, owner=B)
    record = drt.contribute(A, 1, 10**6, now=1000, data=(3,))
    cases = [
        (lambda: drt.check_refund(record, A, 1000, 1), {"now": 1000, "action": "refund"}),
        (lambda: drt.check_refund(record, A, 1000 + DAY, 0), {}),
        (lambda: drt.check_report(record, B, 1000 + DAY, 1), {}),
        (lambda: drt.check_refund(record, B, 1000 + DAY, 1), {}),
    ]
    for call, context in cases:
        err = _violation(call)
        named = dict(zip(ARGUMENTS[err.code], err.args_, strict=True))
        assert err.message == describe(err.code, named, **context), err.code
    assert _violation(cases[1][0]).message == (
        "the model disagrees with your label: it predicts class 0, not class 1, so no refund"
    )


def test_points_own_report_never_offers_a_take():
    pts = Points(DAY, 2 * DAY, 3 * DAY)
    record = pts.contribute(A, 0, 0, now=0)
    err = _violation(lambda: pts.check_report(record, A, DAY, 1))
    assert err.args_ == (NEVER,)
    assert err.message == "you cannot report your own contribution"


def test_unknown_errors_show_name_and_arguments():
    assert describe("Mystery", {"x": 1}) == "Mystery(x=1)"
    assert refusal("NothingToClaim") == "nothing is left to claim on this contribution"
    assert refusal("TooEarly", 160, now=100) == "too early: allowed in 1m"


def test_record_key_is_the_contract_key_and_hex_is_one_call_away():
    record = Contribution(A, 2, 3, 0, 0, data=(1, -1))
    assert record.key == contribution_key([1, -1], 2, 3, A)
    assert isinstance(record.key, bytes) and len(record.key) == 32
    assert ("0x" + record.key.hex()).startswith("0x") and len(record.key.hex()) == 64
    record.claimed_by.add(A.upper().replace("0X", "0x"))
    assert Contribution(A, 2, 3, 0, 0, claimed_by={A.upper()}).author_claimed


def test_accuracy():
    assert score([1, 0, 1], [1, 1, 1]) == Score(2, 3)
    assert accuracy([], []) == 0.0
    assert accuracy(iter([0, 1]), iter([0, 1])) == 1.0
    with pytest.raises(ValueError):
        accuracy([1], [1, 2])


def test_every_encoder_class_declares_its_spec_once():
    for kind, cls in ENCODER_TYPES.items():
        assert issubclass(cls, Encoder) and cls.spec_type == kind
        assert not cls.spec_required & cls.spec_optional
    assert parse_encoder_spec('{"v":1,"type":"indices","n":4}').spec() == (
        '{"v":1,"type":"indices","n":4}'
    )
