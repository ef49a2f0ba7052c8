"""The four gas workloads, built from seeded random data with the model mirrors.

Each workload is a model (an integer-exact mirror, which knows its contract's constructor and
initialiser calls), a "good" sample whose label the model predicts (addData agree, then refund),
and for S, D and N a "bad" sample whose label the model does not predict, before or after training
on it (addData update, then report). The mirror checks both stories before anything is sent.

* S: sparse perceptron, 1,000 non-zero weights |w| <= 1e9 (x 1e9), intercept 500, learning rate
  0.5, samples of k = 20 distinct indices. With intercept 500 the margin stays positive, so the
  model predicts 1 throughout: "agree" is label 1, "update" is label 0 (20 weights change).
* D: dense perceptron, 400 non-zero weights, L2-normalised Gaussian samples, intercept 100
  (|w . x| <= 20, the update moves the margin by 0.5): the update contribution does not flip it.
* N: multinomial naive Bayes, 1,000 features, counts 1..20 on 50 (disjoint) features per class,
  20 samples per class seen; samples of k = 20 distinct class-0 features.
* C: dense nearest centroid, 512 dimensions, L2-normalised centroids and samples, 10 samples each.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ape_sum.core.models import (
    TO_FLOAT,
    Classifier,
    DensePerceptron,
    NaiveBayes,
    NearestCentroid,
    SparsePerceptron,
)
from ape_sum.exceptions import SumError
from ape_sum.gas.budgets import rows_of

DEFAULT_SEED = 5
CLASSES = ("negative", "positive")
K = 20

S_FEATURES = 1000
S_INTERCEPT = 500 * TO_FLOAT
LEARNING_RATE = TO_FLOAT // 2
D_DIMENSION = 400
D_INTERCEPT = 100 * TO_FLOAT
N_FEATURES = 1000
N_FEATURES_PER_CLASS = 50
N_MAX_COUNT = 20
N_SAMPLES_PER_CLASS = 20
C_DIMENSION = 512
C_SAMPLES_PER_CLASS = 10


class WorkloadError(SumError, RuntimeError):
    """The seeded data does not tell the intended story (try another seed)."""


@dataclass
class Workload:
    key: str
    """"S", "D", "N" or "C"."""
    model: Classifier
    good: list[int]
    good_label: int
    bad: list[int] | None
    bad_label: int | None
    description: str

    @property
    def rows(self) -> list[str]:
        return rows_of(self.key)

    @property
    def add_rows(self) -> tuple[str, str | None]:
        """Rows of the good and the bad addData (None: not a row of the table)."""
        if self.key in ("S", "D"):
            return f"{self.key} addData agree", f"{self.key} addData update"
        return f"{self.key} addData", None


def _nonzero_weight(rng: random.Random) -> int:
    while True:
        w = rng.randint(-TO_FLOAT, TO_FLOAT)
        if w != 0:
            return w


def _unit_vector(rng: random.Random, dimension: int) -> list[int]:
    """A Gaussian vector, L2-normalised, in fixed point (rounding keeps the norm within 1e11)."""
    while True:
        g = [rng.gauss(0.0, 1.0) for _ in range(dimension)]
        norm = math.sqrt(sum(v * v for v in g))
        x = [round(v / norm * TO_FLOAT) for v in g]
        if abs(sum(v * v for v in x) - TO_FLOAT * TO_FLOAT) < 10**11 and all(x):
            return x


def _check_story(w: Workload) -> None:
    """Mirror check: good agrees before and after training; bad disagrees before and after."""
    model = w.model.copy()
    if model.predict(w.good) != w.good_label:
        raise WorkloadError(f"{w.key}: the good sample is not predicted as its label")
    model.update(w.good, w.good_label)
    if w.bad is not None:
        if model.predict(w.bad) == w.bad_label:
            raise WorkloadError(f"{w.key}: the bad sample already has its label")
        model.update(w.bad, w.bad_label)
        if model.predict(w.bad) == w.bad_label:
            raise WorkloadError(f"{w.key}: training on the bad sample flipped the model")
    if model.predict(w.good) != w.good_label:
        raise WorkloadError(f"{w.key}: the model no longer agrees with the good sample")


def sparse_perceptron(seed: int = DEFAULT_SEED) -> Workload:
    rng = random.Random(f"S-{seed}")
    weights = [_nonzero_weight(rng) for _ in range(S_FEATURES)]
    model = SparsePerceptron(list(CLASSES), S_FEATURES, S_INTERCEPT, LEARNING_RATE, weights)
    # the contracts take sparse inputs sorted (the same draws as before, in order)
    good = sorted(rng.sample(range(S_FEATURES), K))
    bad = sorted(rng.sample(range(S_FEATURES), K))
    label = model.predict(good)
    return Workload(
        "S", model, good, label, bad, 1 - model.predict(bad),
        f"sparse perceptron: {S_FEATURES} non-zero weights, intercept 500, lr 0.5, k={K}",
    )  # fmt: skip


def dense_perceptron(seed: int = DEFAULT_SEED) -> Workload:
    rng = random.Random(f"D-{seed}")
    weights = [_nonzero_weight(rng) for _ in range(D_DIMENSION)]
    model = DensePerceptron(list(CLASSES), D_DIMENSION, D_INTERCEPT, LEARNING_RATE, weights)
    good = _unit_vector(rng, D_DIMENSION)
    bad = _unit_vector(rng, D_DIMENSION)
    return Workload(
        "D", model, good, model.predict(good), bad, 1 - model.predict(bad),
        f"dense perceptron: {D_DIMENSION} non-zero weights, intercept 100, lr 0.5",
    )  # fmt: skip


def naive_bayes(seed: int = DEFAULT_SEED) -> Workload:
    rng = random.Random(f"N-{seed}")
    features = rng.sample(range(N_FEATURES), 2 * N_FEATURES_PER_CLASS)
    per_class = [features[:N_FEATURES_PER_CLASS], features[N_FEATURES_PER_CLASS:]]
    counts = [{f: rng.randint(1, N_MAX_COUNT) for f in fs} for fs in per_class]
    model = NaiveBayes(list(CLASSES), N_FEATURES, TO_FLOAT, [N_SAMPLES_PER_CLASS] * 2, counts)
    good = sorted(rng.sample(per_class[0], K))
    bad = sorted(rng.sample(per_class[0], K))
    return Workload(
        "N", model, good, 0, bad, 1,
        f"naive bayes: {N_FEATURES} features, counts on {N_FEATURES_PER_CLASS} per class, k={K}",
    )  # fmt: skip


def nearest_centroid(seed: int = DEFAULT_SEED) -> Workload:
    rng = random.Random(f"C-{seed}")
    centroids = [_unit_vector(rng, C_DIMENSION) for _ in CLASSES]
    model = NearestCentroid(list(CLASSES), C_DIMENSION, [C_SAMPLES_PER_CLASS] * 2, centroids)
    good = _unit_vector(rng, C_DIMENSION)
    return Workload(
        "C", model, good, model.predict(good), None, None,
        f"dense nearest centroid: {C_DIMENSION} dimensions, normalised centroids",
    )  # fmt: skip


BUILDERS = {"S": sparse_perceptron, "D": dense_perceptron, "N": naive_bayes, "C": nearest_centroid}


def build(key: str, seed: int = DEFAULT_SEED) -> Workload:
    """The workload `key` with its story checked on the mirror."""
    workload = BUILDERS[key](seed)
    _check_story(workload)
    return workload


def build_all(
    keys: Sequence[str] = ("S", "D", "N", "C"), seed: int = DEFAULT_SEED
) -> list[Workload]:
    return [build(k, seed) for k in keys]


def summary(w: Workload) -> dict[str, Any]:
    return {"key": w.key, "description": w.description, "k": len(w.good)}
