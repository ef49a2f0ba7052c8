"""NaiveBayes: exact float scores, 20-feature inputs, counts, init, reverts, access control."""

from __future__ import annotations

import random

import ape
import pytest
from support.deploy_reverts import deploy_reverts

from ape_sum.core.models import NaiveBayes

E9 = 10**9


@pytest.fixture
def model():
    return NaiveBayes(["spam", "ham"], 3, E9, [1, 1], [{0: 2}, {1: 2}])


@pytest.fixture
def contract(deploy_model, model, trainer):
    return deploy_model(model, trainer, chunk_size=4)


def test_init(contract):
    assert contract.classCounts(0) == (1, 2)
    assert contract.classCounts(1) == (1, 2)
    assert contract.featureCount(0, 0) == 2
    assert contract.featureCount(1, 1) == 2
    assert contract.featureCount(1, 0) == 0
    assert contract.smoothingFactor() == E9
    assert contract.getNumClassifications() == 2
    assert contract.classifications(0) == "spam"


def test_predict(contract):
    assert contract.predict([0]) == 0  # 3/5 vs 1/5
    assert contract.predict([1]) == 1
    assert contract.predict([2]) == 0  # tie -> lowest class
    assert contract.predict([0, 1]) == 0  # 3/25 each: a tie -> lowest class


def test_update(contract, trainer):
    receipt = contract.update([0, 2], 1, sender=trainer)
    assert receipt.events == [contract.Updated(classification=1)]
    assert contract.classCounts(1) == (2, 4)
    assert contract.featureCount(2, 1) == 1
    assert contract.featureCount(0, 1) == 1
    assert contract.predict([2]) == 1


def test_twenty_features_do_not_underflow(deploy_model, trainer):
    """The original's integer product hit 0 for every class after a few features; ours does not."""
    rng = random.Random(11)
    n = 1000
    vocab = [range(0, 500), range(500, 1000)]
    counts = [{f: rng.randrange(1, 30) for f in rng.sample(v, 200)} for v in vocab]
    model = NaiveBayes(["a", "b"], n, E9, [400, 600], counts)
    c = deploy_model(model, trainer)
    for label in (0, 1):
        x = sorted(rng.sample(sorted(counts[label]), 20))
        assert model.predict(x) == label
        assert c.predict(x) == label
    # mostly class 0 words, a few class 1 words: still class 0 despite class 1's larger prior
    x = sorted(rng.sample(sorted(counts[0]), 17) + rng.sample(sorted(counts[1]), 3))
    assert c.predict(x) == model.predict(x) == 0


def test_bad_inputs(contract, trainer):
    with ape.reverts(contract.IndexOutOfRange, index=3, numFeatures=3):
        contract.predict([0, 3])
    with ape.reverts(contract.IndexOutOfRange, index=-2, numFeatures=3):
        contract.update([-2], 0, sender=trainer)
    with ape.reverts(contract.UnknownClass, classification=2, numClasses=2):
        contract.update([0], 2, sender=trainer)
    with ape.reverts(contract.ClassIndexOutOfRange):
        contract.classCounts(2)


def test_init_errors(project, owner):
    deploy_reverts(
        project.NaiveBayes, "LengthMismatch", ["uint256", "uint256"], [1, 2],
        ["a", "b"], [1], 3, E9, 3, sender=owner,
    )  # fmt: skip
    deploy_reverts(
        project.NaiveBayes, "InvalidParameter", ["string", "int256"], ["smoothingFactor", 0],
        ["a", "b"], [1, 1], 3, 0, 3, sender=owner,
    )  # fmt: skip
    deploy_reverts(
        project.NaiveBayes, "InvalidParameter", ["string", "int256"], ["maxInputFeatures", 4],
        ["a", "b"], [1, 1], 3, E9, 4, sender=owner,
    )  # fmt: skip
    c = project.NaiveBayes.deploy(["a", "b"], [1, 1], 3, E9, 3, sender=owner)
    with ape.reverts(c.InitOutOfRange, startIndex=1, count=1, size=1):
        c.initializePacked(1, [1], sender=owner)

    def word(flat):  # 8 uint32 lanes, count + 1
        return sum((v + 1) << (32 * i) for i, v in enumerate(flat + [0] * (8 - len(flat))))

    with ape.reverts(c.InvalidPackedWord, slotIndex=0):
        c.initializePacked(0, [word([0, 4]) - 1], sender=owner)  # lane 0 would be count -1
    with ape.reverts(c.InvalidPackedWord, slotIndex=0):
        c.initializePacked(0, [word([0, 4, 5, 0, 0, 0, 1])], sender=owner)  # past flat index 5
    # feature 0 class 1, feature 1 class 0
    receipt = c.initializePacked(0, [word([0, 4, 5])], sender=owner)
    assert receipt.events == [c.PackedInitialized(startSlot=0, count=1)]
    assert c.classCounts(0) == (1, 5)
    assert c.classCounts(1) == (1, 4)
    assert c.featureCount(0, 1) == 4 and c.featureCount(1, 0) == 5
    c.initializePacked(0, [word([2, 1])], sender=owner)  # overwrite adjusts the totals
    assert c.classCounts(0) == (1, 2)
    assert c.classCounts(1) == (1, 1)
    c.initializePacked(0, [0], sender=owner)  # a zero word leaves the slot as it is
    assert c.classCounts(0) == (1, 2)
    assert c.featureCount(0, 0) == 2


def test_access_control(deploy_model, model, owner, trainer, stranger):
    c = deploy_model(model)
    with ape.reverts(c.NotTrainer, caller=trainer):
        c.update([0], 0, sender=trainer)
    with ape.reverts(c.NotDeployer, caller=stranger):
        c.initializePacked(0, [1], sender=stranger)
    c.setTrainer(trainer, sender=owner)
    with ape.reverts(c.TrainerAlreadySet):
        c.initializePacked(0, [1], sender=owner)
    with ape.reverts(c.TrainerAlreadySet):
        c.setTrainer(trainer, sender=owner)
    c.update([0], 0, sender=trainer)
