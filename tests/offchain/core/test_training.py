"""Off-chain training of initial models (`ape_sum.core.models.training`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ape_sum.core.datasets import Dataset, load_dataset
from ape_sum.core.encoding import (
    BinsEncoder,
    DenseL2Encoder,
    HashedDenseEncoder,
    MurmurHash3Encoder,
    parse_encoder_spec,
)
from ape_sum.core.models import MODEL_TYPES, DensePerceptron, ModelInputError
from ape_sum.core.models.files import load_model_file, model_to_dict, save_model_file
from ape_sum.core.models.training import (
    TrainingError,
    _perceptron_from_floats,
    default_encoder,
    encode_dataset,
    evaluate,
    train_model,
)

KINDS = sorted(MODEL_TYPES)


@pytest.fixture(scope="module")
def breast_cancer() -> Dataset:
    return load_dataset("breast-cancer")


@pytest.fixture(scope="module")
def reviews() -> Dataset:
    full = load_dataset("rotten-tomatoes")
    rng = np.random.default_rng(0)
    return full.subset(rng.permutation(len(full))[:800], "reviews-800")


MIN_BREAST_CANCER = {
    "dense perceptron": 0.95,
    "sparse perceptron": 0.9,
    "naive bayes": 0.85,
    "nearest centroid classifier": 0.9,
    "sparse nearest centroid classifier": 0.85,
}


@pytest.mark.parametrize("kind", KINDS)
def test_breast_cancer_every_kind(kind: str, breast_cancer: Dataset, tmp_path: Path) -> None:
    result = train_model(kind, breast_cancer, train_fraction=0.8, seed=0)
    assert result.model.kind == kind
    assert result.train_size + result.test_size == len(breast_cancer)
    assert result.skipped == 0
    assert result.accuracy >= MIN_BREAST_CANCER[kind]
    expected = BinsEncoder if MODEL_TYPES[kind].sparse else DenseL2Encoder
    assert isinstance(result.encoder, expected)
    _check_file_round_trip(result, breast_cancer, tmp_path)


@pytest.mark.parametrize("kind", KINDS)
def test_reviews_every_kind(kind: str, reviews: Dataset, tmp_path: Path) -> None:
    result = train_model(kind, reviews, seed=1, epochs=2)
    assert 0.5 <= result.accuracy <= 1.0
    expected = MurmurHash3Encoder if MODEL_TYPES[kind].sparse else HashedDenseEncoder
    assert isinstance(result.encoder, expected)
    _check_file_round_trip(result, reviews, tmp_path)


def _check_file_round_trip(result, dataset: Dataset, tmp_path: Path) -> None:
    """What a deployer would do: save, load, encode with the spec: same predictions."""
    path = tmp_path / "model.json"
    save_model_file(path, result.model, result.encoder)
    model, spec = load_model_file(path)
    assert spec == result.encoder_spec
    assert model_to_dict(model) == model_to_dict(result.model)
    encoder = parse_encoder_spec(spec)
    vectors, labels, _ = encode_dataset(encoder, dataset.subset(range(60)))
    for x in vectors:
        model.validate(x)
        assert model.predict(x) == result.model.predict(x)
    assert evaluate(model, vectors, labels) == evaluate(result.model, vectors, labels)


def test_deterministic(breast_cancer: Dataset) -> None:
    a = train_model("dense perceptron", breast_cancer, seed=3)
    b = train_model("dense perceptron", breast_cancer, seed=3)
    assert model_to_dict(a.model) == model_to_dict(b.model)
    assert a.accuracy == b.accuracy and a.method == b.method
    assert a.encoder_spec == b.encoder_spec


@pytest.mark.parametrize("method", ["logistic", "averaged", "integer"])
def test_perceptron_methods(method: str, breast_cancer: Dataset) -> None:
    result = train_model("dense perceptron", breast_cancer, method=method, seed=0)
    assert result.method.startswith(method)
    assert result.accuracy > 0.85
    # several logistic strengths are validated against each other; the others fit once
    assert len(result.details["validation"]) == (3 if method == "logistic" else 0)


def test_auto_reports_validation_scores(breast_cancer: Dataset) -> None:
    result = train_model("dense perceptron", breast_cancer, seed=0)
    scores = result.details["validation"]
    assert result.method in scores and scores[result.method] == max(scores.values())


def test_integer_rule_matches_the_mirror(reviews: Dataset) -> None:
    """The integer method is the contract's own update rule, from a zero model."""
    result = train_model("sparse perceptron", reviews, method="integer", epochs=1, seed=0)
    assert result.model.intercept == 0
    assert result.model.learning_rate == 500_000_000
    assert all(w % 500_000_000 == 0 for w in result.model.weights)


def test_dense_perceptron_weights_stay_in_the_contract_range() -> None:
    """At this learning rate one update moves a weight past int40 (the contract reverts
    ParameterOverflow): training clamps instead, so the model deploys."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    data = Dataset("wide", "dense", x, (x[:, 0] > 0).astype(int), ["neg", "pos"])
    bound = DensePerceptron.max_weight
    result = train_model(
        "dense perceptron",
        data,
        method="integer",
        learning_rate=200_000.0,  # x 1e9 = 2e14 > bound (about 1.4e14)
        encoder=DenseL2Encoder(2),
        seed=0,
    )
    model = result.model
    assert isinstance(model, DensePerceptron)
    assert max(abs(w) for w in model.weights) == bound  # reached, and clamped
    assert model.init_calls()  # encodable: no ValueOutOfRange
    # the mirror still refuses, like the contract, an update past the bound
    x0 = result.encoder.encode(data.samples[0])
    with pytest.raises(ModelInputError, match="ParameterOverflow"):
        DensePerceptron(["neg", "pos"], 2, 0, model.learning_rate).update(x0, 1)
    # float fits are scaled (same predictions) into the range, the bias into int64
    fitted = _perceptron_from_floats(
        DensePerceptron, ["neg", "pos"], np.array([1.0e6, -2.0e5]), 3.0e5, 1
    )
    assert isinstance(fitted, DensePerceptron)
    w0, w1 = fitted.weights
    assert w0 <= bound and w0 == pytest.approx(-5 * w1)
    assert fitted.intercept == pytest.approx(0.3 * w0)
    assert fitted.init_calls()


def test_naive_bayes_counts_are_exact() -> None:
    data = Dataset("t", "text", ["a b", "a", "c", "c c d"], [0, 0, 1, 1], ["x", "y"])
    enc = MurmurHash3Encoder(8)
    result = train_model("naive bayes", data, train_fraction=0.5, seed=0, encoder=enc.spec())
    model = result.model
    assert sum(model.class_counts) == result.train_size == 2
    totals = [sum(row[c] for row in model.counts) for c in range(2)]
    assert totals == model.totals


def test_centroids_are_means() -> None:
    data = Dataset(
        "d", "dense", [[3.0, 4.0], [4.0, 3.0], [-1.0, 0.0], [0.0, -1.0]], [0, 0, 1, 1], ["p", "n"]
    )
    enc = DenseL2Encoder(2)
    result = train_model(
        "nearest centroid classifier", data, train_fraction=0.5, seed=0, encoder=enc
    )
    model = result.model
    assert model.data_counts == [1, 1]
    assert model.centroids[0] in ([600_000_000, 800_000_000], [800_000_000, 600_000_000])
    assert result.accuracy == 1.0


def test_sparse_centroid_sums() -> None:
    data = Dataset("t", "text", ["a b", "a", "c", "c d"], [0, 0, 1, 1], ["x", "y"])
    enc = MurmurHash3Encoder(16)
    result = train_model(
        "sparse nearest centroid classifier", data, train_fraction=0.5, seed=0, encoder=enc
    )
    model = result.model
    assert model.data_counts == [1, 1]
    assert all(v % 1_000_000_000 == 0 for v in model.flat_sums())


def test_skipped_samples_are_counted() -> None:
    data = Dataset(
        "t",
        "text",
        ["good", "bad", "!!!", "fine", "awful", "...", "nice", "poor"],
        [1, 0, 1, 1, 0, 0, 1, 0],
        ["neg", "pos"],
    )
    result = train_model("naive bayes", data, seed=0, buckets=32)
    assert result.skipped == 2
    assert result.train_size + result.test_size == 6


def test_default_encoders(breast_cancer: Dataset, reviews: Dataset) -> None:
    assert default_encoder("naive bayes", reviews).spec() == (
        '{"v":1,"type":"murmurhash3","buckets":4096,"split":"words"}'
    )
    assert default_encoder(
        "sparse perceptron", reviews, buckets=100, split="whitespace"
    ).spec() == ('{"v":1,"type":"murmurhash3","buckets":100}')
    enc = default_encoder("dense perceptron", breast_cancer)
    assert isinstance(enc, DenseL2Encoder) and enc.num_features == 30 and enc.mean is not None
    assert len(enc.spec()) < 600
    plain = default_encoder("dense perceptron", breast_cancer, standardise=False)
    assert plain.spec() == '{"v":1,"type":"dense-l2","dim":30}'


def test_training_errors(breast_cancer: Dataset) -> None:
    three = Dataset(
        "three", "dense", np.eye(3).repeat(4, axis=0), [0] * 4 + [1] * 4 + [2] * 4, ["a", "b", "c"]
    )
    with pytest.raises(TrainingError, match="binary"):
        train_model("dense perceptron", three)
    assert train_model("nearest centroid classifier", three, encoder=DenseL2Encoder(3)).accuracy
    with pytest.raises(TrainingError, match="unknown model type"):
        train_model("svm", breast_cancer)
    with pytest.raises(TrainingError, match="unknown method"):
        train_model("dense perceptron", breast_cancer, method="adam")
    with pytest.raises(TrainingError, match="encoder"):
        train_model("dense perceptron", breast_cancer, encoder="bogus")
    with pytest.raises(TrainingError, match="learning rate"):
        train_model("dense perceptron", breast_cancer, learning_rate=0.0)
    with pytest.raises(TrainingError, match="smoothing"):
        train_model("naive bayes", breast_cancer, smoothing=0.0)
    with pytest.raises(TrainingError, match="does not say how many"):
        train_model("sparse perceptron", breast_cancer, encoder="none")
    with pytest.raises(TrainingError, match="between 0 and 1"):
        train_model("naive bayes", breast_cancer, train_fraction=1.5)
    one = Dataset("one", "text", ["a", "b"], [0, 0], ["only"])
    with pytest.raises(TrainingError, match="two classes"):
        train_model("naive bayes", one)
