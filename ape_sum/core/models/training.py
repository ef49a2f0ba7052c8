"""Fit an initial model off chain, then measure the exact fixed-point mirror on held-out data.

* Perceptrons: candidate fits (logistic regression at a few strengths, an averaged perceptron in
  floats, and the contract's own integer update rule) are converted to fixed point and scored
  with the exact mirror on a validation part of the training data; the best one is refitted on
  all training data. The reported accuracy is the mirror's on the held-out test data. Weights
  are kept within the contract's range (`max_weight`; int40 for the dense perceptron): float
  fits are scaled down, integer updates clamped, so a trained model always deploys.
* Naive Bayes: per-class document counts and per-feature counts (binary, as on chain).
* Nearest centroid: per-class means of the encoded vectors, in fixed point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ape_sum.core.datasets import Dataset, train_test_split
from ape_sum.core.encoding import (
    BinsEncoder,
    DenseL2Encoder,
    Encoder,
    EncodingError,
    HashedDenseEncoder,
    MurmurHash3Encoder,
    check_compatible,
    encoder_from_option,
    parse_encoder_spec,
    to_fixed,
)
from ape_sum.core.encoding.embedding import Progress
from ape_sum.core.encoding.frequent import fit_frequent_words
from ape_sum.core.fixedpoint import INT64_MAX, TO_FLOAT
from ape_sum.core.metrics import accuracy
from ape_sum.core.models.base import Classifier, ModelInputError, max_input_features_for
from ape_sum.core.models.naive_bayes import NaiveBayes
from ape_sum.core.models.perceptron import DensePerceptron, SparsePerceptron
from ape_sum.exceptions import SumError

__all__ = [
    "DEFAULT_LEARNING_RATE",
    "PERCEPTRON_METHODS",
    "TrainingError",
    "TrainingResult",
    "default_encoder",
    "encode_dataset",
    "evaluate",
    "train_model",
]

DEFAULT_TEXT_DIM = 512
"""Dense models on text: hashed dimensions (a dense model reads every weight per prediction)."""
DEFAULT_SPLIT = "words"
DEFAULT_LEARNING_RATE = 0.5
DEFAULT_SMOOTHING = 1.0
PERCEPTRON_METHODS = ("auto", "logistic", "averaged", "integer")
_LOGISTIC_C = (0.1, 1.0, 10.0)
_VALIDATION_FRACTION = 0.8
_FLOAT_FIT_RANGE = 0.975
"""Fraction of the on-chain parameter ranges a float fit may use (room for on-chain updates)."""


class TrainingError(SumError, ValueError):
    """Training cannot proceed (wrong data for the model, too few samples, ...)."""


@dataclass
class TrainingResult:
    """A trained mirror, its encoder and how well the exact fixed-point model does."""

    model: Classifier
    encoder: Encoder
    accuracy: float
    """Exact mirror accuracy on the held-out test data."""
    train_accuracy: float
    train_size: int
    test_size: int
    method: str
    skipped: int = 0
    """Samples the encoder rejected (for example a text with no word), left out."""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def encoder_spec(self) -> str:
        return self.encoder.spec()


# --------------------------------------------------------------------------- helpers


def _mirror(kind: str | type[Classifier]) -> type[Classifier]:
    from ape_sum.core.models import ModelKindError, model_kind

    try:
        return model_kind(kind)
    except ModelKindError as exc:
        raise TrainingError(str(exc)) from None


def default_encoder(
    kind: str | type[Classifier],
    dataset: Dataset,
    *,
    buckets: int | None = None,
    split: str = DEFAULT_SPLIT,
    standardise: bool = True,
    vocabulary: int | None = None,
) -> Encoder:
    """The encoder `train_model` uses when none is given (fitted on `dataset`).

    With `vocabulary`, sparse models on text get the research's features: presence of the
    `vocabulary` most frequent words of `dataset` (`fit_frequent_words`) instead of hashing.
    """
    cls = _mirror(kind)
    if cls.sparse and dataset.kind == "text" and vocabulary is not None:
        try:
            # Its spec names a file by hash; the words are held here, so no re-parse.
            return fit_frequent_words(dataset.samples, vocabulary, split)
        except EncodingError as exc:
            raise TrainingError(f"vocabulary: {exc}") from None
    if cls.sparse and dataset.kind == "text":
        return MurmurHash3Encoder(buckets or cls.default_buckets or 2048, split)
    if cls.sparse:
        # Numeric data for a sparse model: one-hot bins of the standardised features.
        enc: Encoder = BinsEncoder.fit(dataset.samples)
    elif dataset.kind == "text":
        # Text for a dense model: hashed token presence, L2-normalised.
        enc = HashedDenseEncoder(buckets or DEFAULT_TEXT_DIM, split)
    else:
        enc = DenseL2Encoder.fit(dataset.samples, standardise=standardise)
    # What is stored on chain is the spec: train with exactly what it rebuilds.
    return parse_encoder_spec(enc.spec())


def encode_dataset(
    encoder: Encoder, dataset: Dataset, progress: Progress | None = None
) -> tuple[list[list[int]], np.ndarray, int]:
    """`(vectors, labels, skipped)`: samples the encoder rejects, and sparse samples with no
    feature at all (the contracts refuse an empty input), are left out and counted.

    Slow encoders (embeddings) cache their outputs under the data set's name and call
    `progress(done, total)` as they go."""
    # Splits are named `<data set>[train]`, `[test]`: they share their data set's cache.
    source = dataset.name.partition("[")[0]
    encoded = encoder.encode_samples(dataset.samples, dataset=source, progress=progress)
    vectors: list[list[int]] = []
    labels: list[int] = []
    skipped = 0
    for vector, label in zip(encoded, dataset.labels, strict=True):
        if vector is None or (not vector and encoder.sparse):
            skipped += 1
            continue
        vectors.append(vector)
        labels.append(int(label))
    return vectors, np.asarray(labels, dtype=np.int64), skipped


def evaluate(model: Classifier, vectors: Sequence[Sequence[int]], labels: Sequence[int]) -> float:
    """Exact mirror accuracy of `model` on `vectors` (0.0 for no samples); an input the contract
    would refuse (e.g. longer than `max_input_features`) counts as a wrong prediction."""

    def predict(vector: Sequence[int]) -> int:
        try:
            return model.predict(vector)
        except ModelInputError:
            return -1

    return accuracy(map(predict, vectors), labels)


def _design(vectors: Sequence[Sequence[int]], sparse: bool, n: int) -> Any:
    """Float design matrix of what the contract sees (indicators, or values / 1e9)."""
    if sparse:
        from scipy.sparse import csr_matrix

        rows = [r for r, x in enumerate(vectors) for _ in x]
        cols = [c for x in vectors for c in x]
        return csr_matrix(
            (np.ones(len(cols)), (rows, cols)), shape=(len(vectors), n), dtype=np.float64
        )
    return np.asarray(vectors, dtype=np.float64) / TO_FLOAT


# --------------------------------------------------------------------------- perceptrons

_PerceptronMirror = SparsePerceptron | DensePerceptron
_Fit = Callable[[list[list[int]], np.ndarray], Classifier]


def _perceptron_from_floats(
    cls: type[_PerceptronMirror], classes: list[str], weights: np.ndarray, bias: float, lr: int
) -> Classifier:
    # Scale weights and bias together (same predictions) so that, x 1e9, the weights fit the
    # contract's lanes (`max_weight`: int40 for the dense perceptron) and the bias fits int64.
    w_limit = _FLOAT_FIT_RANGE * cls.max_weight / TO_FLOAT
    b_limit = _FLOAT_FIT_RANGE * INT64_MAX / TO_FLOAT
    excess = max(float(np.max(np.abs(weights), initial=0.0)) / w_limit, abs(bias) / b_limit)
    if excess > 1.0:
        weights, bias = weights / excess, bias / excess
    return cls(
        classes,
        len(weights),
        to_fixed(float(bias)),
        lr,
        [to_fixed(float(w)) for w in weights],
    )


def _fit_logistic(
    c: float, cls: type[_PerceptronMirror], classes: list[str], n: int, lr: int
) -> _Fit:
    def fit(vectors: list[list[int]], labels: np.ndarray) -> Classifier:
        from sklearn.linear_model import LogisticRegression

        x = _design(vectors, cls.sparse, n)
        reg = LogisticRegression(C=c, max_iter=5000)
        reg.fit(x, labels)
        return _perceptron_from_floats(
            cls, classes, np.asarray(reg.coef_[0]), float(reg.intercept_[0]), lr
        )

    return fit


def _fit_averaged(
    epochs: int, seed: int, cls: type[_PerceptronMirror], classes: list[str], n: int, lr: int
) -> _Fit:
    def fit(vectors: list[list[int]], labels: np.ndarray) -> Classifier:
        # Averaged perceptron with a bias, by the usual trick: avg = w - u / steps.
        rows: list[tuple[np.ndarray, np.ndarray]] = []
        for x in vectors:
            if cls.sparse:
                rows.append((np.asarray(x, dtype=np.int64), np.ones(len(x))))
            else:
                rows.append((np.arange(n), np.asarray(x, dtype=np.float64) / TO_FLOAT))
        rng = np.random.default_rng(seed)
        w = np.zeros(n)
        u = np.zeros(n)
        b = ub = 0.0
        step = 1
        for _ in range(epochs):
            for i in rng.permutation(len(labels)):
                idx, val = rows[i]
                sign = 1.0 if labels[i] == 1 else -1.0
                if sign * (float(w[idx] @ val) + b) <= 0:
                    np.add.at(w, idx, sign * val)
                    np.add.at(u, idx, step * sign * val)
                    b += sign
                    ub += step * sign
                step += 1
        return _perceptron_from_floats(cls, classes, w - u / step, b - ub / step, lr)

    return fit


def _fit_integer(
    epochs: int, seed: int, cls: type[_PerceptronMirror], classes: list[str], n: int, lr: int
) -> _Fit:
    def fit(vectors: list[list[int]], labels: np.ndarray) -> Classifier:
        model = cls(classes, n, 0, lr)
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            for i in rng.permutation(len(labels)):
                # Clamped where the contract would revert ParameterOverflow: always deployable.
                model.update(vectors[i], int(labels[i]), clamp=True)
        return model

    return fit


def _train_perceptron(
    cls: type[_PerceptronMirror],
    classes: list[str],
    n: int,
    vectors: list[list[int]],
    labels: np.ndarray,
    *,
    method: str,
    learning_rate: float,
    epochs: int,
    seed: int,
) -> tuple[Classifier, str, dict[str, float]]:
    if len(classes) != 2:
        raise TrainingError(f"perceptrons are binary; the data set has {len(classes)} classes")
    lr = to_fixed(learning_rate)
    if lr <= 0:
        raise TrainingError(f"learning rate must be positive, got {learning_rate}")
    candidates: dict[str, _Fit] = {}
    if method in ("auto", "logistic"):
        for c in _LOGISTIC_C:
            candidates[f"logistic(C={c:g})"] = _fit_logistic(c, cls, classes, n, lr)
    if method in ("auto", "averaged"):
        candidates["averaged"] = _fit_averaged(epochs, seed, cls, classes, n, lr)
    if method in ("auto", "integer"):
        candidates["integer"] = _fit_integer(epochs, seed, cls, classes, n, lr)
    if not candidates:
        raise TrainingError(
            f"unknown method {method!r}: expected one of {', '.join(PERCEPTRON_METHODS)}"
        )
    scores: dict[str, float] = {}
    if len(candidates) > 1:
        fit_idx, val_idx = _validation_split(labels, seed)
        fit_x = [vectors[i] for i in fit_idx]
        val_x = [vectors[i] for i in val_idx]
        for name, fit in candidates.items():
            scores[name] = evaluate(fit(fit_x, labels[fit_idx]), val_x, labels[val_idx])
        best = max(scores, key=lambda k: scores[k])  # first best: dict order breaks ties
    else:
        best = next(iter(candidates))
    return candidates[best](vectors, labels), best, scores


def _validation_split(labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    fit: list[int] = []
    val: list[int] = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)[rng.permutation(int(np.sum(labels == c)))]
        k = min(max(round(len(members) * _VALIDATION_FRACTION), 1), max(len(members) - 1, 1))
        fit.extend(members[:k].tolist())
        val.extend(members[k:].tolist())
    if not val:
        val = fit
    return np.asarray(sorted(fit)), np.asarray(sorted(val))


# --------------------------------------------------------------------------- counts and means


def _train_naive_bayes(
    cls: type[Classifier],
    classes: list[str],
    n: int,
    vectors: list[list[int]],
    labels: np.ndarray,
    smoothing: float,
) -> Classifier:
    class_counts = [0] * len(classes)
    feature_counts: list[dict[int, int]] = [{} for _ in classes]
    for x, y in zip(vectors, labels, strict=True):
        class_counts[int(y)] += 1
        counts = feature_counts[int(y)]
        for i in x:
            counts[i] = counts.get(i, 0) + 1
    alpha = to_fixed(smoothing)
    if alpha <= 0:
        raise TrainingError(f"smoothing must be positive, got {smoothing}")
    return cls(classes, n, alpha, class_counts, feature_counts)


def _train_centroids(
    cls: type[Classifier],
    classes: list[str],
    n: int,
    vectors: list[list[int]],
    labels: np.ndarray,
) -> Classifier:
    counts = [int(np.sum(labels == c)) for c in range(len(classes))]
    if cls.sparse:
        # The contract keeps per-class sums of the binary inputs (x 1e9): exact counts.
        sums: list[dict[int, int]] = [{} for _ in classes]
        for x, y in zip(vectors, labels, strict=True):
            row = sums[int(y)]
            for i in x:
                row[i] = row.get(i, 0) + TO_FLOAT
        return cls(classes, n, counts, sums)
    sums = [[0] * n for _ in classes]
    for x, y in zip(vectors, labels, strict=True):
        row = sums[int(y)]
        for i, v in enumerate(x):
            row[i] += v
    centroids = [
        [_round_div(s, count) if count else 0 for s in row]
        for row, count in zip(sums, counts, strict=True)
    ]
    return cls(classes, n, counts, centroids)


def _float_centroid_accuracy(
    train_x: list[list[int]], train_y: np.ndarray, test_x: list[list[int]], test_y: np.ndarray
) -> float:
    """Held-out accuracy of the same nearest centroid in floats (the reference the fixed-point
    model is compared with)."""
    x = np.asarray(train_x, dtype=np.float64) / TO_FLOAT
    t = np.asarray(test_x, dtype=np.float64) / TO_FLOAT
    classes = np.unique(train_y)
    centroids = np.stack([x[train_y == c].mean(axis=0) for c in classes])
    distances = ((t[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return accuracy(classes[np.argmin(distances, axis=1)].tolist(), test_y)


def _round_div(a: int, b: int) -> int:
    """`a / b` rounded to the nearest integer (halves away from zero)."""
    q, r = divmod(abs(a), b)
    q += 1 if 2 * r >= b else 0
    return q if a >= 0 else -q


# --------------------------------------------------------------------------- entry point


def train_model(
    kind: str | type[Classifier],
    dataset: Dataset,
    *,
    train_fraction: float = 0.8,
    seed: int = 0,
    encoder: Encoder | str | None = None,
    buckets: int | None = None,
    split: str = DEFAULT_SPLIT,
    standardise: bool = True,
    vocabulary: int | None = None,
    method: str = "auto",
    epochs: int = 5,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    smoothing: float = DEFAULT_SMOOTHING,
    progress: Progress | None = None,
) -> TrainingResult:
    """Train a `kind` model on part of `dataset` and score its exact mirror on the rest.

    The split is stratified and deterministic for a `seed`. `encoder` (an encoder or its spec)
    defaults to `default_encoder(kind, train part, buckets=..., split=..., standardise=...,
    vocabulary=...)`,
    fitted on the training part only. `method` picks the perceptron fit (`auto` validates the
    candidates); `epochs`, `learning_rate` (the on-chain one) and `smoothing` (naive Bayes) are
    the usual knobs. A text `encoder` may be a short name (`embedding`); `progress(done, total)`
    follows a slow encoder through the data set.
    """
    cls = _mirror(kind)
    if dataset.num_classes < 2:
        raise TrainingError(f"{dataset.name}: need at least two classes")
    try:
        train, test = train_test_split(dataset, train_fraction, seed)
    except ValueError as exc:
        raise TrainingError(str(exc)) from None
    if isinstance(encoder, str):
        try:
            encoder = encoder_from_option(encoder)
        except EncodingError as exc:
            raise TrainingError(f"encoder: {exc}") from None
    if encoder is None:
        encoder = default_encoder(
            kind, train, buckets=buckets, split=split, standardise=standardise,
            vocabulary=vocabulary,
        )  # fmt: skip
    if encoder.num_features is None or encoder.sparse is None:
        raise TrainingError(f"encoder {encoder.spec()!r} does not say how many features it makes")
    n = encoder.num_features
    classes = list(dataset.class_names)
    # One pass over the whole data set (a progress bar counts it once; the cache keeps it).
    if progress is not None and encoder.slow:
        encode_dataset(encoder, dataset, progress)
    train_x, train_y, skipped_train = encode_dataset(encoder, train)
    test_x, test_y, skipped_test = encode_dataset(encoder, test)
    if len(train_x) < 2 or len(set(train_y.tolist())) < 2:
        raise TrainingError(f"{dataset.name}: too few encodable training samples of each class")
    details: dict[str, Any] = {}
    if issubclass(cls, (SparsePerceptron, DensePerceptron)):
        model, method_used, scores = _train_perceptron(
            cls,
            classes,
            n,
            train_x,
            train_y,
            method=method,
            learning_rate=learning_rate,
            epochs=epochs,
            seed=seed,
        )
        details["validation"] = scores
    elif issubclass(cls, NaiveBayes):
        model = _train_naive_bayes(cls, classes, n, train_x, train_y, smoothing)
        method_used = "counts"
    else:
        model = _train_centroids(cls, classes, n, train_x, train_y)
        method_used = "means"
        if not cls.sparse and test_x:
            details["float_accuracy"] = _float_centroid_accuracy(train_x, train_y, test_x, test_y)
    if model.sparse:
        # The contract refuses longer inputs; see `max_input_features_for` for the headroom.
        longest = max((len(x) for x in train_x), default=0)
        model.set_max_input_features(max_input_features_for(longest, n))
    try:
        check_compatible(encoder, model)
    except EncodingError as exc:  # pragma: no cover - the encoder made the model
        raise TrainingError(str(exc)) from None
    return TrainingResult(
        model=model,
        encoder=encoder,
        accuracy=evaluate(model, test_x, test_y),
        train_accuracy=evaluate(model, train_x, train_y),
        train_size=len(train_x),
        test_size=len(test_x),
        method=method_used,
        skipped=skipped_train + skipped_test,
        details=details,
    )
