"""One registry per kind: model kinds by any spelling, incentive kinds as an enum, one error."""

from __future__ import annotations

import inspect
import json

import click
import pytest
from ape.exceptions import ApeException

from ape_sum.core.incentives import DepositRefundTake, IncentiveKind, IncentiveKindError, Points
from ape_sum.core.models import MODEL_KINDS, ModelKindError, SparsePerceptron, model_kind
from ape_sum.exceptions import SumError


@pytest.mark.parametrize("cls", MODEL_KINDS, ids=lambda c: c.__name__)
def test_every_name_of_a_model_kind_finds_it(cls):
    for name in cls.names():
        for spelling in (name, name.upper(), name.replace(" ", "-"), name.replace("-", "_")):
            assert model_kind(spelling) is cls
    assert model_kind(cls) is cls


def test_model_kinds_are_complete_and_distinct():
    assert len({c.kind for c in MODEL_KINDS}) == len({c.alias for c in MODEL_KINDS}) == 5
    for cls in MODEL_KINDS:
        assert not inspect.isabstract(cls)
        assert cls.contract_name and cls.alias == cls.alias.lower()
        assert (cls.default_buckets is not None) == cls.sparse
    assert model_kind("sparse perceptron").noop_when_right
    assert not model_kind("naive-bayes").noop_when_right


def test_unknown_model_lists_the_valid_names():
    with pytest.raises(ModelKindError, match="unknown model type 'forest'") as info:
        model_kind("forest")
    for cls in MODEL_KINDS:
        assert cls.alias in str(info.value)
    assert isinstance(info.value, SumError) and isinstance(info.value, ApeException)


def test_incentive_kinds():
    deposit, points = IncentiveKind.DEPOSIT, IncentiveKind.POINTS
    assert (deposit.contract_name, points.contract_name) == ("DepositRefundTake", "Points")
    assert (deposit.mirror, points.mirror) == (DepositRefundTake, Points)
    assert deposit.constructor_args(1, 2, 3, 4) == [1, 2, 3, 4]
    assert points.constructor_args(1, 2, 3, 4) == [1, 2, 3]
    assert isinstance(points.make_mirror(5, (1, 2, 3)), Points)
    assert deposit.make_mirror(5, (1, 2, 3)).cost_weight == 5
    assert IncentiveKind.parse(" Points ") is points
    assert json.dumps({"kind": deposit}) == '{"kind": "deposit"}' and f"{points}" == "points"
    with pytest.raises(IncentiveKindError, match="expected deposit or points"):
        IncentiveKind.parse("bounty")


def test_cli_types_accept_every_spelling():
    from ape_sum._cli.click_ext import INCENTIVE_KIND, MODEL_KIND, SumAbort

    for name in ("sparse-perceptron", "sparse perceptron", "Sparse_Perceptron"):
        assert MODEL_KIND.convert(name, None, None) is SparsePerceptron
    with pytest.raises(SumAbort, match="unknown model type"):
        MODEL_KIND.convert("forest", None, None)
    assert INCENTIVE_KIND.convert("POINTS", None, None) is IncentiveKind.POINTS
    with pytest.raises(click.BadParameter):
        INCENTIVE_KIND.convert("bounty", None, None)
