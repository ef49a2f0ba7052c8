"""Model files in the original system's formats (`ape_sum.core.models.files`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ape_sum.core.encoding import TO_FLOAT, parse_encoder_spec
from ape_sum.core.models import MODEL_TYPES
from ape_sum.core.models.files import (
    MAX_SPARSE_FEATURES,
    ModelFileError,
    dumps_model,
    load_model_file,
    model_from_dict,
    model_to_dict,
    save_model_file,
)

DATA = Path(__file__).parent / "data"


def _needs(kind: str) -> None:
    if kind not in MODEL_TYPES:
        pytest.skip(f"the {kind} mirror is not registered yet")


def _write(tmp_path: Path, obj: Any, name: str = "model.json") -> Path:
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return path


def _round_trip(tmp_path: Path, model, encoder: str | None):
    path = tmp_path / "again.json"
    save_model_file(path, model, encoder)
    again, spec = load_model_file(path)
    assert spec == encoder
    assert model_to_dict(again) == model_to_dict(model)
    assert dumps_model(again, spec) == path.read_text(encoding="utf-8")
    return again


# --------------------------------------------------------------------------- perceptrons


def test_sparse_perceptron(tmp_path: Path) -> None:
    model, spec = load_model_file(DATA / "sparse_perceptron.json")
    assert model.kind == "sparse perceptron"
    assert model.classifications == ["negative", "positive"]
    assert model.num_features == 10  # from the encoder's buckets
    assert model.weights == [500_000_000, -250_000_000, 0, TO_FLOAT, 0, 0, -1_500_000_000, 0, 0, 1]
    assert model.intercept == 100_000_000 and model.learning_rate == 500_000_000
    assert spec == '{"v":1,"type":"murmurhash3","buckets":10}'
    assert model.predict([0, 3]) == 1 and model.predict([6]) == 0
    _round_trip(tmp_path, model, spec)


def test_sparse_perceptron_unbucketed_murmurhash3_is_compacted(tmp_path: Path) -> None:
    model, spec = load_model_file(DATA / "sparse_perceptron_murmurhash3.json")
    assert model.num_features == 2  # the non-zero weights only
    encoder = parse_encoder_spec(spec)
    assert encoder.num_features == 2
    assert model.predict(encoder.encode("a good movie")) == 1
    assert model.predict(encoder.encode("a bad movie")) == 0
    assert model.learning_rate == 500_000_000  # the original deployer's default
    again = _round_trip(tmp_path, model, spec)
    assert again.num_features == 2


def test_sparse_perceptron_num_features_field(tmp_path: Path) -> None:
    obj = {
        "type": "sparse perceptron",
        "classifications": ["a", "b"],
        "sparseWeights": {"3": 1},
        "intercept": 0,
        "numFeatures": 100,
    }
    model, spec = load_model_file(_write(tmp_path, obj))
    assert model.num_features == 100 and spec is None
    obj["numFeatures"] = 2
    with pytest.raises(ModelFileError, match="'numFeatures' is 2"):
        load_model_file(_write(tmp_path, obj))


def test_sparse_perceptron_without_encoder_uses_weight_count() -> None:
    model, spec = model_from_dict(
        {
            "type": "sparse perceptron",
            "classifications": ["a", "b"],
            "weights": [1, 2, 3],
            "intercept": 0,
        }
    )
    assert model.num_features == 3 and spec is None


def test_dense_perceptron_bias_alias(tmp_path: Path) -> None:
    model, spec = load_model_file(DATA / "dense_perceptron.json")
    assert model.kind == "dense perceptron" and spec is None
    assert model.weights == [1_250_000_000, -500_000_000, 750_000_000]
    assert model.intercept == -200_000_000 and model.learning_rate == TO_FLOAT
    again = _round_trip(tmp_path, model, None)
    assert "intercept" in model_to_dict(again)


def test_dense_perceptron_feature_indices() -> None:
    model, spec = load_model_file(DATA / "dense_perceptron_feature_indices.json")
    assert model.kind == "dense perceptron" and model.num_features == 2
    encoder = parse_encoder_spec(spec)
    x = encoder.encode([0.0, 4.0, 9.0, 3.0])  # selects [3.0, 4.0] -> [0.6, 0.8]
    assert x == [600_000_000, 800_000_000]
    assert model.predict(x) == 0


def test_exact_decimals_round_trip(tmp_path: Path) -> None:
    cls = MODEL_TYPES["dense perceptron"]
    big = 9_000_000_000_123_456_789
    model = cls(["a", "b"], 3, -7, 1, [big, -big, 1])
    path = tmp_path / "m.json"
    save_model_file(path, model)
    text = path.read_text()
    assert "9000000000.123456789" in text and "-0.000000007" in text
    again, _ = load_model_file(path)
    assert again.weights == [big, -big, 1] and again.intercept == -7


# --------------------------------------------------------------------------- naive Bayes, NCC


def test_naive_bayes(tmp_path: Path) -> None:
    _needs("naive bayes")
    model, spec = load_model_file(DATA / "naive_bayes.json")
    assert model.kind == "naive bayes" and spec is None
    assert model.classifications == ["ham", "spam", "eggs"]
    assert model.num_features == 8
    _round_trip(tmp_path, model, None)


def test_nearest_centroid(tmp_path: Path) -> None:
    _needs("nearest centroid classifier")
    model, _ = load_model_file(DATA / "nearest_centroid.json")
    assert model.classifications == ["cat", "dog", "fox"]
    assert model.num_features == 2
    assert model.predict([600_000_000, 800_000_000]) == 0
    assert model.predict([0, -TO_FLOAT]) == 2
    _round_trip(tmp_path, model, None)


def test_sparse_nearest_centroid(tmp_path: Path) -> None:
    _needs("sparse nearest centroid classifier")
    model, spec = load_model_file(DATA / "sparse_nearest_centroid.json")
    assert model.classifications == ["rotten", "fresh"]
    assert model.num_features == 16
    assert model.predict([1, 4]) == 0 and model.predict([2, 7]) == 1
    _round_trip(tmp_path, model, spec)


def test_sparse_centroid_means_round_trip_exactly(tmp_path: Path) -> None:
    cls = MODEL_TYPES["sparse nearest centroid classifier"]
    model = cls(["a", "b"], 5, [3, 7], [{0: 1_000_000_000, 4: 2_000_000_001}, {2: 5}])
    path = tmp_path / "m.json"
    save_model_file(path, model)
    text = json.loads(path.read_text())
    assert text["centroids"]["a"]["centroid"]["0"] == 1 / 3
    again, _ = load_model_file(path)
    assert again.flat_sums() == model.flat_sums()


def test_sparse_centroid_unbucketed_is_compacted() -> None:
    obj = {
        "type": "sparse nearest centroid classifier",
        "centroids": {
            "bad": {"centroid": {"286958595": 1}, "dataCount": 1},
            "good": {"centroid": {"115441729": 0.5}, "dataCount": 2},
        },
        "encoder": "MurmurHash3",
    }
    model, spec = model_from_dict(obj)
    assert model.num_features == 2
    encoder = parse_encoder_spec(spec)
    assert model.predict(encoder.encode("good")) == 1
    assert model.predict(encoder.encode("bad")) == 0


def test_naive_bayes_too_many_features() -> None:
    obj = dict(_NB, totalNumFeatures=2**32, encoder="MurmurHash3")
    with pytest.raises(ModelFileError, match="too large to deploy"):
        model_from_dict(obj)


# --------------------------------------------------------------------------- errors

_SP = {"type": "sparse perceptron", "classifications": ["a", "b"], "weights": [1], "intercept": 0}
_DP = {"type": "dense perceptron", "classifications": ["a", "b"], "weights": [1], "intercept": 0}
_NB = {
    "type": "naive bayes",
    "classifications": ["a", "b"],
    "classCounts": [1, 1],
    "featureCounts": [[[0, 1]], [[1, 1]]],
    "totalNumFeatures": 2,
}
_NC = {
    "type": "nearest centroid classifier",
    "centroids": {"a": {"centroid": [1, 0], "dataCount": 1}},
}


def _with(base: dict, **changes: Any) -> dict:
    out = dict(base)
    for key, value in changes.items():
        if value is _DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


_DROP = object()


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ([], "JSON object"),
        ({"classifications": ["a"]}, "missing field 'type'"),
        ({"type": "random forest"}, "unknown model type 'random forest'"),
        (_with(_SP, classifications=_DROP), "missing field 'classifications'"),
        (_with(_SP, classifications=[]), "'classifications' is empty"),
        (_with(_SP, classifications=["a", "a"]), "duplicate class names"),
        (_with(_SP, classifications=["a", 3]), "non-empty strings"),
        (_with(_SP, weights=_DROP), "'weights' or 'sparseWeights'"),
        (_with(_SP, weights="1,2"), "expected a list"),
        (_with(_SP, weights=["x"]), "expected a number"),
        (_with(_SP, weights=[1e10]), "too large"),
        (_with(_SP, intercept=_DROP), "missing field 'intercept'"),
        (_with(_SP, sparseWeights={"x": 1}), "feature index"),
        (_with(_SP, sparseWeights={"-1": 1}), "feature index"),
        (_with(_SP, featureIndices=[1, 2]), "2 featureIndices for 1 weights"),
        (_with(_SP, featureIndices=[1], sparseWeights={"0": 1}), "not sparse ones"),
        (_with(_SP, encoder="bogus"), "'encoder': unknown encoder spec"),
        (_with(_SP, encoder=5), "'encoder' must be"),
        (_with(_SP, encoder="Multiply by 1E9, then round"), "model is sparse"),
        (_with(_SP, classifications=["a", "b", "c"]), "WrongNumberOfClasses"),
        (_with(_SP, learningRate=0), "learningRate"),
        (_with(_DP, weights=[]), "'weights' is empty"),
        (_with(_DP, intercept=_DROP), "missing field 'intercept'"),
        (_with(_DP, bias=1), "disagree"),
        (_with(_DP, featureIndices=[0, 0]), "duplicates"),
        (_with(_DP, encoder='{"v":1,"type":"dense-l2","dim":3}'), "takes 1"),
        (_with(_NB, classCounts=[1]), "1 classCounts for 2 classes"),
        (_with(_NB, classCounts=[1, -1]), "out of range"),
        (_with(_NB, featureCounts=[[]]), "1 featureCounts lists"),
        (_with(_NB, featureCounts=[[[0]], []]), r"\[index, count\] pairs"),
        (_with(_NB, featureCounts=[[[0, 1], [0, 2]], []]), "listed twice"),
        (_with(_NB, featureCounts=[[[5, 1]], []]), "totalNumFeatures is 2"),
        (_with(_NB, totalNumFeatures=0), "out of range"),
        (_with(_NC, centroids={}), "'centroids' is empty"),
        (_with(_NC, centroids={"a": {"centroid": [1]}}), "missing field 'dataCount'"),
        (_with(_NC, centroids={"a": {"dataCount": 1}}), "missing field 'centroid'"),
        (
            _with(
                _NC,
                centroids={
                    "a": {"centroid": [1], "dataCount": 1},
                    "b": {"centroid": [1, 0], "dataCount": 1},
                },
            ),
            "has 2 dimensions, expected 1",
        ),
        (_with(_NC, centroids=[1]), "expected an object"),
        (_with(_NC, centroids={"a": {"centroid": [3], "dataCount": 1}}), "ValueOutOfRange"),
        (
            {
                "type": "sparse nearest centroid classifier",
                "centroids": {"a": {"centroid": {"1": -0.5}, "dataCount": 1}},
            },
            "cannot be negative",
        ),
    ],
)
def test_bad_model_dicts(obj: Any, reason: str) -> None:
    with pytest.raises(ModelFileError, match=reason):
        model_from_dict(obj)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "not valid JSON"),
        ('{"type": "dense perceptron", "weights": [NaN]}', "NaN is not a valid number"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_files(tmp_path: Path, content: str | bytes, reason: str) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ModelFileError, match=f"bad.json: .*{reason}"):
        load_model_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="not found"):
        load_model_file(tmp_path / "nope.json")


def test_save_checks_encoder(tmp_path: Path) -> None:
    model, _ = load_model_file(DATA / "dense_perceptron.json")
    with pytest.raises(ModelFileError, match="does not fit"):
        save_model_file(tmp_path / "x.json", model, '{"v":1,"type":"murmurhash3","buckets":4}')
    with pytest.raises(ModelFileError, match="does not fit"):
        save_model_file(tmp_path / "x.json", model, parse_encoder_spec("MurmurHash3"))


def test_encoder_as_json_object(tmp_path: Path) -> None:
    obj = _with(_SP, encoder={"v": 1, "type": "murmurhash3", "buckets": 4})
    model, spec = load_model_file(_write(tmp_path, obj))
    assert spec == '{"v":1,"type":"murmurhash3","buckets":4}' and model.num_features == 4


def test_compaction_threshold_constant() -> None:
    assert MAX_SPARSE_FEATURES < 2**32
