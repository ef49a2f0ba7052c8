"""Fixed point, encoders and encoder specs (`ape_sum.core.encoding`)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ape_sum.core.encoding import (
    INT64_MAX,
    INT64_MIN,
    LEGACY_FIXED,
    TO_FLOAT,
    BinsEncoder,
    DenseL2Encoder,
    EncodingError,
    FixedPointEncoder,
    HashedDenseEncoder,
    IndicesEncoder,
    MurmurHash3Encoder,
    RawInt64Encoder,
    SelectEncoder,
    VocabularyEncoder,
    check_compatible,
    check_normalised,
    from_fixed,
    from_fixed_array,
    hash_token,
    is_normalised,
    parse_encoder_spec,
    parse_numbers,
    to_fixed,
    to_fixed_array,
    tokenize,
)

HYPOTHESIS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- fixed point


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, 0),
        (1.0, TO_FLOAT),
        (-0.5, -500_000_000),
        (1.5e-9, 2),  # half to even: 1.5 -> 2
        (2.5e-9, 2),  # 2.5 -> 2
        (3, 3 * TO_FLOAT),
        (0.123456789, 123_456_789),
    ],
)
def test_to_fixed_values(x: float, expected: int) -> None:
    assert to_fixed(x) == expected


@pytest.mark.parametrize(
    ("x", "reason"),
    [
        (math.nan, "NaN"),
        (math.inf, "not finite"),
        (-math.inf, "not finite"),
        (1e10, "does not fit int64"),
        (-1e10, "does not fit int64"),
        (10**10, "does not fit int64"),
        (1e300, "too large"),
        ("1.0", "not a number"),
        (True, "not a number"),
        (None, "not a number"),
    ],
)
def test_to_fixed_rejects(x: object, reason: str) -> None:
    with pytest.raises(EncodingError, match=reason):
        to_fixed(x)  # type: ignore[arg-type]


def test_to_fixed_range_edges() -> None:
    assert to_fixed(9.2) == 9_200_000_000
    assert to_fixed(-9.223372036e9) == -9_223_372_036_000_000_000
    assert INT64_MIN <= to_fixed(-9.223372036854775e9) <= INT64_MAX
    assert to_fixed(-9_223_372_036) == -9_223_372_036_000_000_000
    with pytest.raises(EncodingError):
        to_fixed(9.3e9)
    with pytest.raises(EncodingError):
        to_fixed(-9_223_372_037)


def test_fixed_array_matches_scalar() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(0, 3, size=200)
    assert to_fixed_array(values).tolist() == [to_fixed(float(v)) for v in values]
    assert from_fixed(to_fixed(0.25)) == 0.25
    np.testing.assert_allclose(from_fixed_array(to_fixed_array(values)), values, atol=1e-9)


@pytest.mark.parametrize("bad", [[1.0, math.nan], [math.inf], [1e10], ["x"]])
def test_fixed_array_rejects(bad: list[object]) -> None:
    with pytest.raises(EncodingError):
        to_fixed_array(bad)


@given(st.floats(allow_nan=True, allow_infinity=True))
@HYPOTHESIS
def test_to_fixed_total(x: float) -> None:
    try:
        value = to_fixed(x)
    except EncodingError:
        assert not math.isfinite(x) or abs(x) > 9.2e9
        return
    assert INT64_MIN <= value <= INT64_MAX
    assert abs(value - x * TO_FLOAT) <= 0.5 + abs(x) * TO_FLOAT * 1e-15


# --------------------------------------------------------------------------- dense


def test_dense_l2_normalises_and_standardises() -> None:
    rng = np.random.default_rng(0)
    train = rng.normal([1.0, 1000.0, 0.001], [0.1, 100.0, 0.0001], size=(50, 3))
    enc = DenseL2Encoder.fit(train)
    assert enc.num_features == 3
    out = enc.encode(train[0])
    assert len(out) == 3 and is_normalised(out)
    # standardised features have comparable weight: no single column dominates
    raw = DenseL2Encoder(3).encode(train[0])
    assert abs(raw[1]) > 0.99 * TO_FLOAT
    assert max(abs(v) for v in out) < 0.99 * TO_FLOAT


def test_dense_l2_fix_up_keeps_check_for_large_dimensions() -> None:
    rng = np.random.default_rng(1)
    for dim in (1, 2, 30, 4096, 50_000):
        out = DenseL2Encoder(dim).encode(rng.normal(size=dim))
        check_normalised(out)


def test_dense_l2_tiny_and_huge_values() -> None:
    assert is_normalised(DenseL2Encoder(2).encode([1e-300, 3e-300]))
    assert is_normalised(DenseL2Encoder(2).encode([5e-324, 0.0]))
    assert is_normalised(DenseL2Encoder(2).encode([1e300, -1e300]))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ([0.0, 0.0, 0.0], "all-zero"),
        ([1.0, 2.0], "wrong dimension"),
        ([1.0, math.nan, 2.0], "not finite"),
        ([1.0, "abc", 2.0], "not a number"),
        ([1.0, None, 2.0], "not a number"),
        ([[1.0], [2.0], [3.0]], "not a number"),
        ("", "no numbers"),
        (b"1,2,3", "expected a sequence"),
        (np.zeros((3, 1)), "1-d"),
        ([1.0, 10**400, 2.0], "not finite"),
    ],
)
def test_dense_l2_rejects(raw: object, reason: str) -> None:
    with pytest.raises(EncodingError, match=reason):
        DenseL2Encoder(3).encode(raw)


def test_dense_standardised_zero_vector_is_an_error() -> None:
    enc = DenseL2Encoder(2, mean=[1.0, 2.0], std=[1.0, 1.0])
    with pytest.raises(EncodingError, match="after standardisation"):
        enc.encode([1.0, 2.0])
    with pytest.raises(EncodingError, match="overflows"):
        DenseL2Encoder(1, mean=[0.0], std=[1e-300]).encode([1e300])


def test_fixed_point_encoder() -> None:
    enc = FixedPointEncoder()
    assert enc.spec() == LEGACY_FIXED
    assert enc.encode([0.5, -1.25, 2]) == [500_000_000, -1_250_000_000, 2 * TO_FLOAT]
    assert enc.encode_text("0.5, -1.25 2") == [500_000_000, -1_250_000_000, 2 * TO_FLOAT]
    with pytest.raises(EncodingError, match="does not fit int64"):
        enc.encode([1e12])
    with pytest.raises(EncodingError, match="wrong dimension"):
        FixedPointEncoder(2).encode([1.0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,2,3", [1.0, 2.0, 3.0]),
        (" 1 2\t3 ", [1.0, 2.0, 3.0]),
        ("[1.5, -2e-3; .5]", [1.5, -0.002, 0.5]),
        ("+4", [4.0]),
    ],
)
def test_parse_numbers(text: str, expected: list[float]) -> None:
    assert parse_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no numbers"),
        (" , ", "no numbers"),
        ("1, two", "value 2 is not a number"),
        ("nan", "not finite"),
        ("1,-inf", "not finite"),
        ("1e999", "too large"),
        ("1_000", "not a number"),
        ("0x10", "not a number"),
        ("1,\udcff", "UTF-8"),
    ],
)
def test_parse_numbers_rejects(text: str, reason: str) -> None:
    with pytest.raises(EncodingError, match=reason):
        parse_numbers(text)


# --------------------------------------------------------------------------- text


def test_tokenize_and_hash() -> None:
    assert tokenize("Hello  WORLD\thello\n") == ["hello", "world", "hello"]
    # Reference values of MurmurHash3_x86_32, seed 0, unsigned.
    assert hash_token("hello") == 613153351
    assert hash_token("") == 0
    assert hash_token("héllo") == 3164577896


def test_murmurhash3_encoder() -> None:
    legacy = MurmurHash3Encoder()
    assert legacy.spec() == "MurmurHash3"
    assert legacy.encode("Hello hello") == [613153351]
    assert legacy.num_features == 2**32
    enc = MurmurHash3Encoder(1000)
    out = enc.encode("the movie was great , the acting was great")
    assert out == sorted(set(out)) and all(0 <= i < 1000 for i in out)
    assert enc.encode(b"Hello") == [613153351 % 1000]
    assert enc.parse_input("a b") == "a b"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty text"),
        ("  \n\t ", "no tokens"),
        ("caf\udce9", "UTF-8"),
        (b"caf\xe9", "UTF-8"),
        (42, "expected text"),
        (["a"], "expected text"),
    ],
)
def test_text_encoders_reject(raw: object, reason: str) -> None:
    for enc in (MurmurHash3Encoder(), MurmurHash3Encoder(10), VocabularyEncoder(["a"])):
        with pytest.raises(EncodingError, match=reason):
            enc.encode(raw)


def test_word_split() -> None:
    assert tokenize("Don't STOP, it's great!! a_b 42", "words") == [
        "don't",
        "stop",
        "it's",
        "great",
        "a",
        "b",
        "42",
    ]
    enc = MurmurHash3Encoder(1000, "words")
    assert enc.encode("great!") == enc.encode("GREAT") == MurmurHash3Encoder(1000).encode("great")
    with pytest.raises(EncodingError, match="no tokens: the text has no letters or digits"):
        enc.encode("!!! ...")
    with pytest.raises(EncodingError, match="'split'"):
        parse_encoder_spec('{"v":1,"type":"murmurhash3","split":"chars"}')


def test_hashed_dense_encoder() -> None:
    enc = HashedDenseEncoder(8, "words")
    out = enc.encode("good good movie")
    assert len(out) == 8 and is_normalised(out)
    nonzero = sorted(v for v in out if v)
    assert nonzero in ([707_106_781, 707_106_781], [TO_FLOAT])
    with pytest.raises(EncodingError, match="no tokens"):
        enc.encode("  ")


def test_bins_encoder() -> None:
    enc = BinsEncoder([0.0, 10.0], [1.0, 2.0], [-1.0, 0.0, 1.0])
    assert enc.num_features == 8
    # z = (-5, 0): feature 0 in bin 0; feature 1 at the edge 0 -> bin 2
    assert enc.encode([-5.0, 10.0]) == [0, 6]
    assert enc.encode([0.5, 13.0]) == [2, 7]
    fitted = BinsEncoder.fit(np.asarray([[1.0, 2.0], [3.0, 4.0]]))
    assert fitted.num_features == 2 * 6
    with pytest.raises(EncodingError, match="wrong dimension"):
        enc.encode([1.0])
    with pytest.raises(EncodingError, match="increasing"):
        BinsEncoder([0.0], [1.0], [1.0, 0.0])


def test_vocabulary_encoder(tmp_path) -> None:
    enc = VocabularyEncoder(["good", "bad", "movie"])
    assert enc.encode("Good GOOD movie unknown") == [0, 2]
    with pytest.raises(EncodingError, match="no known tokens"):
        enc.encode("nothing here")
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps({"Good": 5, "bad": 1}))
    enc2 = VocabularyEncoder.from_file(path, name="vocab.json")
    assert enc2.num_features == 6
    assert enc2.encode("bad good") == [1, 5]
    again = parse_encoder_spec(enc2.spec(), base_dir=tmp_path)
    assert again.encode("bad good") == [1, 5]
    assert again.spec() == enc2.spec()
    txt = tmp_path / "vocab.txt"
    txt.write_text("alpha\nbeta\n")
    assert VocabularyEncoder.from_file(txt).encode("beta") == [1]
    path.write_text(json.dumps({"good": 5}))
    with pytest.raises(EncodingError, match="does not match"):
        parse_encoder_spec(enc2.spec(), base_dir=tmp_path)
    with pytest.raises(EncodingError, match="cannot read"):
        parse_encoder_spec('{"v":1,"type":"vocab","file":"missing.txt"}', base_dir=tmp_path)
    with pytest.raises(EncodingError, match="non-negative"):
        VocabularyEncoder({"a": -1})


def test_raw_and_indices_encoders() -> None:
    assert RawInt64Encoder().encode_text("3, -1 2") == [3, -1, 2]
    with pytest.raises(EncodingError, match="not an integer"):
        RawInt64Encoder().encode_text("1.5")
    with pytest.raises(EncodingError, match="int64"):
        RawInt64Encoder().encode([2**63])
    enc = IndicesEncoder(10)
    assert enc.encode([3, 1, 3]) == [1, 3]
    with pytest.raises(EncodingError, match="negative"):
        enc.encode([-1])
    with pytest.raises(EncodingError, match="out of range"):
        enc.encode([10])


def test_select_encoder() -> None:
    dense = SelectEncoder([2, 0], DenseL2Encoder(2))
    assert dense.encode([3.0, 99.0, 4.0]) == [800_000_000, 600_000_000]
    with pytest.raises(EncodingError, match="wrong dimension"):
        dense.encode([1.0, 2.0])
    sparse = SelectEncoder([7, 3], IndicesEncoder())
    assert sparse.encode([3, 5, 7]) == [0, 1]
    with pytest.raises(EncodingError, match="none of the input"):
        sparse.encode([5])
    for enc in (dense, sparse):
        assert parse_encoder_spec(enc.spec()).spec() == enc.spec()


# --------------------------------------------------------------------------- specs


@pytest.mark.parametrize(
    "encoder",
    [
        RawInt64Encoder(),
        IndicesEncoder(),
        IndicesEncoder(100),
        FixedPointEncoder(),
        FixedPointEncoder(4),
        DenseL2Encoder(),
        DenseL2Encoder(3),
        DenseL2Encoder(2, mean=[1.23456789, -1000.5], std=[0.000123456, 1e6]),
        MurmurHash3Encoder(),
        MurmurHash3Encoder(1024),
        VocabularyEncoder(["a", "b"]),
        VocabularyEncoder(["a", "b"], split="words"),
        SelectEncoder([1, 0], FixedPointEncoder(2)),
        MurmurHash3Encoder(split="words"),
        HashedDenseEncoder(64, "words"),
        BinsEncoder([0.0, 10.0], [1.0, 2.0], [-1.0, 0.0, 1.0]),
    ],
)
def test_spec_round_trip(encoder) -> None:
    spec = encoder.spec()
    again = parse_encoder_spec(spec)
    assert type(again) is type(encoder)
    assert again.spec() == spec
    assert again == encoder
    assert len(spec) < 200


def test_spec_is_compact_json() -> None:
    spec = DenseL2Encoder(2, mean=[1.23456789, 1000.0], std=[2.0, 3.5]).spec()
    assert spec == '{"v":1,"type":"dense-l2","dim":2,"mean":[1.235,1000],"std":[2,3.5]}'
    assert MurmurHash3Encoder(1000).spec() == '{"v":1,"type":"murmurhash3","buckets":1000}'


def test_legacy_names() -> None:
    assert isinstance(parse_encoder_spec("none"), RawInt64Encoder)
    assert isinstance(parse_encoder_spec("Multiply by 1E9, then round"), FixedPointEncoder)
    assert isinstance(parse_encoder_spec(" murmurhash3 "), MurmurHash3Encoder)
    with pytest.raises(EncodingError, match="not supported"):
        parse_encoder_spec("universal sentence encoder")


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "empty"),
        ("base64", "unknown encoder spec"),
        ("{", "not valid JSON"),
        ("[1]", "unknown encoder spec"),
        ('{"type":"murmurhash3"}', "version"),
        ('{"v":2,"type":"murmurhash3"}', "version"),
        ('{"v":1,"type":"sha3"}', "unknown encoder type"),
        ('{"v":1,"type":"murmurhash3","bucket":5}', "unknown key"),
        ('{"v":1,"type":"murmurhash3","buckets":0}', "buckets"),
        ('{"v":1,"type":"murmurhash3","buckets":1.5}', "buckets"),
        ('{"v":1,"type":"murmurhash3","buckets":true}', "buckets"),
        ('{"v":1,"type":"dense-l2","dim":-1}', "dim"),
        ('{"v":1,"type":"dense-l2","dim":2,"mean":[0,0]}', "both"),
        ('{"v":1,"type":"dense-l2","dim":2,"mean":[0],"std":[1]}', "need 2 values"),
        ('{"v":1,"type":"dense-l2","dim":1,"mean":[0],"std":[0]}', "> 0"),
        ('{"v":1,"type":"dense-l2","mean":"x","std":[1]}', "must be a list"),
        ('{"v":1,"type":"dense-l2","mean":["a"],"std":[1]}', "finite numbers"),
        ('{"v":1,"type":"vocab"}', "exactly one"),
        ('{"v":1,"type":"vocab","tokens":[]}', "empty"),
        ('{"v":1,"type":"select","indices":[0]}', "missing"),
        ('{"v":1,"type":"select","indices":[],"then":"none"}', "empty"),
        ('{"v":1,"type":"select","indices":[0],"then":"none"}', "dense or sparse"),
        ('{"v":1,"type":"select","indices":[-1],"then":{"v":1,"type":"indices"}}', "index"),
    ],
)
def test_bad_specs(spec: str, reason: str) -> None:
    with pytest.raises(EncodingError, match=reason):
        parse_encoder_spec(spec)


class _Model:
    def __init__(self, sparse: bool, num_features: int) -> None:
        self.sparse = sparse
        self.num_features = num_features


def test_check_compatible() -> None:
    check_compatible(MurmurHash3Encoder(100), _Model(True, 100))
    check_compatible(DenseL2Encoder(3), _Model(False, 3))
    with pytest.raises(EncodingError, match="indices up to"):
        check_compatible(MurmurHash3Encoder(), _Model(True, 100))
    with pytest.raises(EncodingError, match="model is dense"):
        check_compatible(MurmurHash3Encoder(10), _Model(False, 10))
    with pytest.raises(EncodingError, match="takes 4"):
        check_compatible(DenseL2Encoder(3), _Model(False, 4))


# --------------------------------------------------------------------------- properties

_anything = st.one_of(
    st.text(),
    st.binary(),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=8),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=8),
    st.lists(st.one_of(st.text(max_size=6), st.floats(), st.none(), st.booleans()), max_size=8),
    st.integers(),
    st.none(),
)

_ENCODERS = [
    RawInt64Encoder(),
    IndicesEncoder(64),
    FixedPointEncoder(),
    FixedPointEncoder(3),
    DenseL2Encoder(3),
    DenseL2Encoder(3, mean=[1.0, -2.0, 1e5], std=[0.5, 3.0, 1e-4]),
    MurmurHash3Encoder(),
    MurmurHash3Encoder(97),
    VocabularyEncoder(["the", "good", "bad"]),
    SelectEncoder([2, 0], DenseL2Encoder(2)),
    MurmurHash3Encoder(50, "words"),
    HashedDenseEncoder(16, "words"),
    BinsEncoder([0.0, 1.0, -1.0], [1.0, 0.5, 2.0], [-1.0, 0.0, 1.0]),
]


def _check_output(encoder, out: list[int]) -> None:
    assert isinstance(out, list) and out
    assert all(type(v) is int and INT64_MIN <= v <= INT64_MAX for v in out)
    if encoder.sparse:
        assert out == sorted(set(out)) and out[0] >= 0
        assert encoder.num_features is None or out[-1] < encoder.num_features
    elif encoder.sparse is False and encoder.num_features is not None:
        assert len(out) == encoder.num_features
    if isinstance(encoder, (DenseL2Encoder, SelectEncoder, HashedDenseEncoder)) and not (
        encoder.sparse
    ):
        check_normalised(out)


@given(st.sampled_from(_ENCODERS), _anything)
@HYPOTHESIS
def test_encode_is_total(encoder, raw) -> None:
    """Any input encodes to a valid vector or raises EncodingError, never anything else."""
    try:
        out = encoder.encode(raw)
    except EncodingError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    _check_output(encoder, out)


@given(st.sampled_from(_ENCODERS), st.text())
@HYPOTHESIS
def test_parse_input_is_total(encoder, text: str) -> None:
    try:
        out = encoder.encode(encoder.parse_input(text))
    except EncodingError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    _check_output(encoder, out)


@given(
    st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=300,
    )
)
@HYPOTHESIS
def test_dense_l2_always_passes_norm_check(values: list[float]) -> None:
    try:
        out = DenseL2Encoder(len(values)).encode(values)
    except EncodingError as exc:
        assert "all-zero" in str(exc)
        assert not any(values)
        return
    check_normalised(out)


@given(st.text(min_size=1))
@HYPOTHESIS
def test_spec_parser_is_total(text: str) -> None:
    try:
        enc = parse_encoder_spec(text)
    except EncodingError:
        return
    assert parse_encoder_spec(enc.spec()).spec() == enc.spec()


@given(
    st.dictionaries(
        st.sampled_from(["v", "type", "buckets", "dim", "mean", "std", "tokens", "n"]),
        st.one_of(
            st.integers(-5, 5),
            st.sampled_from(["murmurhash3", "dense-l2", "vocab", "fixed", "indices"]),
            st.lists(st.floats(), max_size=3),
            st.lists(st.text(max_size=3), max_size=3),
            st.none(),
        ),
    )
)
@HYPOTHESIS
def test_json_spec_parser_is_total(obj: dict) -> None:
    try:
        enc = parse_encoder_spec(json.dumps(obj))
    except EncodingError:
        return
    assert parse_encoder_spec(enc.spec()).spec() == enc.spec()
