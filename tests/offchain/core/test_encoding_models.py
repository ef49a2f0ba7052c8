"""Property: whatever the input, an encoder's output is accepted by its model, or the encoder
raises `EncodingError` (never another exception, never a vector the contract would reject)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ape_sum.core.encoding import (
    BinsEncoder,
    DenseL2Encoder,
    Encoder,
    EncodingError,
    HashedDenseEncoder,
    MurmurHash3Encoder,
    VocabularyEncoder,
    check_compatible,
)
from ape_sum.core.models import MODEL_TYPES, Classifier

CLASSES = ["no", "yes"]
LR = 500_000_000


def _model(kind: str, n: int) -> Classifier:
    cls = MODEL_TYPES[kind]
    if kind.endswith("perceptron"):
        return cls(CLASSES, n, 0, LR)
    if kind == "naive bayes":
        return cls(CLASSES, n, 1_000_000_000)
    return cls(CLASSES, n)


_SPARSE = [
    MurmurHash3Encoder(64),
    MurmurHash3Encoder(64, "words"),
    VocabularyEncoder(["good", "bad", "movie"], split="words"),
    BinsEncoder([0.0, 5.0, -1.0], [1.0, 2.0, 0.5], [-1.0, 0.0, 1.0]),
]
_DENSE = [
    DenseL2Encoder(3),
    DenseL2Encoder(3, mean=[0.0, 5.0, -1.0], std=[1.0, 2.0, 0.5]),
    HashedDenseEncoder(16, "words"),
]
PAIRS = [
    (kind, enc)
    for kind, cls in sorted(MODEL_TYPES.items())
    for enc in (_SPARSE if cls.sparse else _DENSE)
]

_inputs = st.one_of(
    st.text(),
    st.binary(max_size=20),
    st.lists(st.floats(), min_size=0, max_size=5),
    st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=3, max_size=3),
    st.lists(st.one_of(st.integers(), st.text(max_size=5), st.none()), max_size=4),
)


@pytest.mark.parametrize(("kind", "encoder"), PAIRS, ids=lambda v: str(v)[:40])
@given(raw=_inputs)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_encoded_inputs_are_accepted(kind: str, encoder: Encoder, raw: object) -> None:
    model = _model(kind, encoder.num_features or 1)
    check_compatible(encoder, model)
    try:
        data = encoder.encode(raw)
    except EncodingError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    model.validate(data)
    assert 0 <= model.predict(data) < len(CLASSES)


@pytest.mark.parametrize(("kind", "encoder"), PAIRS, ids=lambda v: str(v)[:40])
@given(text=st.text())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_cli_text_is_accepted(kind: str, encoder: Encoder, text: str) -> None:
    model = _model(kind, encoder.num_features or 1)
    try:
        data = encoder.encode(encoder.parse_input(text))
    except EncodingError:
        return
    model.validate(data)
    model.update(data, 1)
