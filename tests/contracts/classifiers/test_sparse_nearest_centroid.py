"""SparseNearestCentroid: exact cross-multiplied distances, O(k) updates, sorted inputs."""

from __future__ import annotations

import ape
import pytest
from support.deploy_reverts import deploy_reverts

from ape_sum.core.models import SparseNearestCentroid

E9 = 10**9


@pytest.fixture
def model():
    # class a: 2 samples, feature 0 in both, feature 1 in one; class b: 1 sample with feature 2
    return SparseNearestCentroid(
        ["a", "b", "empty"], 4, [2, 1, 0], [{0: 2 * E9, 1: E9}, {2: E9}, {}]
    )


@pytest.fixture
def contract(deploy_model, model, trainer):
    return deploy_model(model, trainer, chunk_size=5)


def test_init(contract):
    assert contract.classInfo(0) == (2, 5 * 10**18)
    assert contract.classInfo(1) == (1, 10**18)
    assert contract.featureSum(0, 0) == 2 * E9
    assert contract.featureSum(2, 1) == E9


def test_predict(contract):
    assert contract.predict([0]) == 0  # a: 0.25, b: 2
    assert contract.predict([2]) == 1  # b: 0
    assert contract.predict([0, 1]) == 0
    assert contract.predict([3]) == 1  # a: 1 + 1.25 = 2.25 vs b: 2


def test_all_empty_predicts_0(deploy_model):
    assert deploy_model(SparseNearestCentroid(["a", "b"], 3)).predict([1]) == 0


def test_update(contract, model, trainer):
    receipt = contract.update([1, 3], 2, sender=trainer)
    assert receipt.events == [contract.Updated(classification=2)]
    assert contract.classInfo(2) == (1, 2 * 10**18)
    assert contract.predict([1, 3]) == 2
    contract.update([0, 1], 0, sender=trainer)
    model.update([1, 3], 2)
    model.update([0, 1], 0)
    assert contract.classInfo(0) == (3, model.q[0]) == (3, 9 * 10**18 + 4 * 10**18)


def test_bad_inputs(contract, trainer):
    with ape.reverts(contract.NotSortedUnique, position=1, previous=2, index=2):
        contract.predict([2, 2])
    with ape.reverts(contract.NotSortedUnique, position=1, previous=3, index=1):
        contract.update([3, 1], 0, sender=trainer)
    with ape.reverts(contract.IndexOutOfRange, index=4, numFeatures=4):
        contract.predict([1, 4])
    with ape.reverts(contract.IndexOutOfRange, index=-1, numFeatures=4):
        contract.predict([-1])
    with ape.reverts(contract.UnknownClass):
        contract.update([1], 3, sender=trainer)


def test_init_errors(project, owner):
    deploy_reverts(
        project.SparseNearestCentroid, "InvalidParameter", ["string", "int256"],
        ["dataCount", 2**32], ["a"], 3, [2**32], 3, sender=owner,
    )  # fmt: skip
    deploy_reverts(
        project.SparseNearestCentroid, "InvalidParameter", ["string", "int256"],
        ["maxInputFeatures", 0], ["a"], 3, [1], 0, sender=owner,
    )  # fmt: skip
    c = project.SparseNearestCentroid.deploy(["a", "b"], 3, [1, 1], 3, sender=owner)
    with ape.reverts(c.ValueOutOfRange, index=0, value=2**63):
        c.initializeSums(0, [2**63], sender=owner)
    with ape.reverts(c.InitOutOfRange):
        c.initializeSums(5, [1, 1], sender=owner)
    receipt = c.initializeSums(0, [3, 4], sender=owner)
    assert receipt.events == [c.SumsInitialized(startIndex=0, count=2)]
    assert c.classInfo(0) == (1, 9)
    assert c.classInfo(1) == (1, 16)


def test_access_control(deploy_model, model, owner, trainer, stranger):
    c = deploy_model(model)
    with ape.reverts(c.NotTrainer, caller=trainer):
        c.update([0], 0, sender=trainer)
    with ape.reverts(c.NotDeployer, caller=stranger):
        c.initializeSums(0, [1], sender=stranger)
    c.setTrainer(trainer, sender=owner)
    with ape.reverts(c.TrainerAlreadySet):
        c.initializeSums(0, [1], sender=owner)
    c.update([0], 0, sender=trainer)
