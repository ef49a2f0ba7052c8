"""Mirror == contract: random inputs and random update sequences for every model (seeded)."""

from __future__ import annotations

import random

import ape
import pytest
from support.models import unit_vector

from ape_sum.core.models import (
    TO_FLOAT,
    DensePerceptron,
    ModelInputError,
    NaiveBayes,
    NearestCentroid,
    SparseNearestCentroid,
    SparsePerceptron,
)

STEPS = 25


def sparse_input(rng: random.Random, n: int, k: int, *, unique: bool, bias: int = 0) -> list[int]:
    """`k` distinct indices, or (not `unique`) up to `k` draws from the lower half (+ `bias`) with
    repeats merged: the contracts take sorted, duplicate-free inputs only."""
    if unique:
        return sorted(rng.sample(range(n), k))
    return sorted({min(n - 1, rng.randrange(n // 2) + bias) for _ in range(k)})


def run_sequence(model, contract, trainer, make_input, labels: int, rng: random.Random) -> None:
    for _ in range(STEPS):
        x = make_input()
        expected = model.predict(x)
        assert contract.predict(x) == expected, x
        # the refund and report path skips the input checks; same answer on accepted data
        assert contract.predictAccepted(x) == expected, x
        y = rng.randrange(labels)
        contract.update(x, y, sender=trainer)
        model.update(x, y)
    for _ in range(10):
        x = make_input()
        assert contract.predict(x) == contract.predictAccepted(x) == model.predict(x), x


def test_sparse_perceptron(deploy_model, trainer):
    rng = random.Random(1)
    n = 64
    weights = [rng.randrange(-3 * TO_FLOAT, 3 * TO_FLOAT) for _ in range(n)]
    model = SparsePerceptron(
        ["a", "b"], n, rng.randrange(-TO_FLOAT, TO_FLOAT), TO_FLOAT // 3, weights
    )
    contract = deploy_model(model, trainer, chunk_size=17)
    run_sequence(model, contract, trainer, lambda: sparse_input(rng, n, 8, unique=False), 2, rng)
    assert [contract.weights(i) for i in range(n)] == model.weights


def test_dense_perceptron(deploy_model, trainer):
    rng = random.Random(2)
    n = 30
    weights = [rng.randrange(-2 * TO_FLOAT, 2 * TO_FLOAT) for _ in range(n)]
    model = DensePerceptron(["a", "b"], n, rng.randrange(-TO_FLOAT, TO_FLOAT), 777_777_777, weights)
    contract = deploy_model(model, trainer, chunk_size=7)
    run_sequence(model, contract, trainer, lambda: unit_vector(rng, n), 2, rng)
    assert [contract.weights(i) for i in range(n)] == model.weights


def test_naive_bayes(deploy_model, trainer):
    rng = random.Random(3)
    n, classes = 50, 3
    counts = [{f: rng.randrange(0, 20) for f in range(n) if rng.random() < 0.5} for _ in range(3)]
    model = NaiveBayes(["a", "b", "c"], n, 10**9, [5, 9, 7], counts)
    contract = deploy_model(model, trainer, chunk_size=33)
    for c in range(classes):
        assert contract.classCounts(c) == (model.class_counts[c], model.totals[c])
    run_sequence(
        model, contract, trainer, lambda: sparse_input(rng, n, 20, unique=False), classes, rng
    )


def test_naive_bayes_empty_class(deploy_model, trainer):
    model = NaiveBayes(["a", "b"], 10, 10**8)
    contract = deploy_model(model, trainer)
    assert contract.predict([1, 2]) == model.predict([1, 2]) == 0
    contract.update([1, 2], 1, sender=trainer)
    model.update([1, 2], 1)
    assert contract.predict([1, 2]) == model.predict([1, 2]) == 1


def test_nearest_centroid(deploy_model, trainer):
    rng = random.Random(4)
    dim, classes = 21, 3
    centroids = [unit_vector(rng, dim) for _ in range(classes)]
    model = NearestCentroid(["a", "b", "c"], dim, [3, 0, 1], centroids)
    contract = deploy_model(model, trainer, chunk_size=8)
    run_sequence(model, contract, trainer, lambda: unit_vector(rng, dim), classes, rng)
    for c in range(classes):
        assert contract.classInfo(c) == (model.data_counts[c], model.norms[c])
        assert [contract.centroid(c, i) for i in range(dim)] == model.centroids[c]


def test_sparse_nearest_centroid(deploy_model, trainer):
    rng = random.Random(5)
    n, classes = 40, 3
    sums = [
        {f: rng.randrange(0, 4) * TO_FLOAT for f in range(n) if rng.random() < 0.3}
        for _ in range(classes)
    ]
    model = SparseNearestCentroid(["a", "b", "c"], n, [4, 0, 3], sums)
    contract = deploy_model(model, trainer, chunk_size=13)
    run_sequence(
        model, contract, trainer, lambda: sparse_input(rng, n, 6, unique=True), classes, rng
    )
    for c in range(classes):
        assert contract.classInfo(c) == (model.data_counts[c], model.q[c])


@pytest.mark.parametrize(
    ("model", "bad"),
    [
        (SparsePerceptron(["a", "b"], 5, 0, 1), [[5], [-1], [0, 7]]),
        (NaiveBayes(["a", "b"], 5, 1), [[5], [-3]]),
        (SparseNearestCentroid(["a", "b"], 5), [[5], [-1], [2, 2], [3, 1]]),
        (
            DensePerceptron(["a", "b"], 2, 0, 1),
            [[TO_FLOAT], [TO_FLOAT, 400_000], [TO_FLOAT // 2] * 2],
        ),
        (NearestCentroid(["a", "b"], 2), [[0, 0], [TO_FLOAT, TO_FLOAT], [TO_FLOAT]]),
    ],
)
def test_validate_matches_reverts(deploy_model, model, bad):
    contract = deploy_model(model)
    for x in bad:
        with pytest.raises(ModelInputError) as info:
            model.validate(x)
        with ape.reverts(getattr(contract, info.value.error)):
            contract.predict(x)


def test_nearest_centroid_extreme_lanes(project, trainer, owner):
    """Full slots only (dim 16), lanes near +-2^31 and a never-written class (reads as zeros)."""
    rng = random.Random(6)
    dim = 16
    big = 2**31 - 1
    centroids = [[rng.choice([-big, big, rng.randrange(-big, big)]) for _ in range(dim)], [0] * dim]
    model = NearestCentroid(["a", "b"], dim, [5, 7], centroids)
    contract = project.NearestCentroid.deploy(*model.constructor_args(), sender=owner)
    words = model.packed_words()
    contract.initializePacked(0, [*words[:2], 0, 0], sender=owner)  # class 1 never written
    contract.setTrainer(trainer, sender=owner)
    run_sequence(model, contract, trainer, lambda: unit_vector(rng, dim), 2, rng)
    for c in range(2):
        assert contract.classInfo(c) == (model.data_counts[c], model.norms[c])
    outside = [2**40] + [0] * (dim - 1)  # a valid int64 outside [-2^31, 2^31): slow path
    with pytest.raises(ModelInputError, match="NotNormalized"):
        model.validate(outside)
    with ape.reverts(contract.NotNormalized):
        contract.predict(outside)
