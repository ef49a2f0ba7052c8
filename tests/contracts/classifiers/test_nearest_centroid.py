"""NearestCentroid (dense): distances, exact running mean, int32 packing, reverts, access."""

from __future__ import annotations

import ape
import pytest
from support.deploy_reverts import deploy_reverts

from ape_sum.core.models import NearestCentroid

E9 = 10**9
A = [E9, 0, 0]
B = [0, E9, 0]


@pytest.fixture
def model():
    return NearestCentroid(["a", "b", "c"], 3, [1, 1, 0], [A, B, [0, 0, 0]])


@pytest.fixture
def contract(deploy_model, model, trainer):
    return deploy_model(model, trainer, chunk_size=2)


def test_init(contract):
    assert [contract.centroid(0, i) for i in range(3)] == A
    assert contract.classInfo(0) == (1, 10**18)
    assert contract.classInfo(2) == (0, 0)
    assert contract.slotsPerClass() == 1
    assert contract.classifications(2) == "c"


@pytest.mark.parametrize("method", ["predict", "predictAccepted"])
def test_predict(contract, method):
    predict = getattr(contract, method)
    assert predict(A) == 0
    assert predict(B) == 1
    assert predict([0, 0, E9]) == 2  # zero centroid: distance 1 < 2
    assert predict([6 * 10**8, -8 * 10**8, 0]) == 0


@pytest.mark.parametrize("method", ["predict", "predictAccepted"])
def test_tie_goes_to_lowest(deploy_model, method):
    c = deploy_model(NearestCentroid(["a", "b"], 2, [1, 1], [[E9, 0], [0, E9]]))
    assert getattr(c, method)([707_106_781, 707_106_781]) == 0


def test_predict_accepted_skips_only_the_value_checks(contract):
    """Unnormalised input is rejected by predict, answered by predictAccepted (a view: no state is
    at stake, and the trainer only passes data update accepted); the dimension is still checked."""
    x = [E9, E9, 0]
    with ape.reverts(contract.NotNormalized):
        contract.predict(x)
    assert contract.predictAccepted(x) == 0
    with ape.reverts(contract.WrongDimension, got=2, expected=3):
        contract.predictAccepted([E9, 0])


def test_update_running_mean_truncates(contract, model, trainer):
    x = [-6 * 10**8, 0, 8 * 10**8]
    receipt = contract.update(x, 0, sender=trainer)  # always moves the labelled class
    assert receipt.events == [contract.Updated(classification=0)]
    expected = [(E9 - 6 * 10**8) // 2, 0, 4 * 10**8]
    assert [contract.centroid(0, i) for i in range(3)] == expected
    x2 = [0, -E9, 0]
    contract.update(x2, 0, sender=trainer)  # (c*2 + x)/3 with negative truncation
    expected = [int(2 * 2 * 10**8 / 3), -333_333_333, int(2 * 4 * 10**8 / 3)]
    assert [contract.centroid(0, i) for i in range(3)] == expected
    model.update(x, 0)
    model.update(x2, 0)
    assert model.centroids[0] == expected
    n, norm = contract.classInfo(0)
    assert (n, norm) == (3, sum(v * v for v in expected))


def test_bad_inputs(contract, trainer):
    with ape.reverts(contract.WrongDimension, got=2, expected=3):
        contract.predict([E9, 0])
    with ape.reverts(contract.NotNormalized):
        contract.predict([E9, E9, 0])
    with ape.reverts(contract.UnknownClass, classification=3, numClasses=3):
        contract.update(A, 3, sender=trainer)


def test_init_errors(project, owner):
    deploy_reverts(
        project.NearestCentroid, "LengthMismatch", ["uint256", "uint256"], [1, 2],
        ["a", "b"], 3, [1], sender=owner,
    )  # fmt: skip
    c = project.NearestCentroid.deploy(["a", "b"], 9, [1, 1], sender=owner)
    assert c.slotsPerClass() == 2
    values = [0] * 7 + [-(2**31 - 1), 5]
    model = NearestCentroid(["a", "b"], 9, [1, 1], [[3] + [0] * 8, values])
    words = model.packed_words()
    assert len(words) == 4
    with ape.reverts(c.InvalidPackedWord, slotIndex=1):
        c.initializePacked(0, [words[0], words[1] ^ (1 << 63)], sender=owner)  # int32.min lane
    with ape.reverts(c.InvalidPackedWord, slotIndex=3):
        c.initializePacked(2, [words[2], words[3] ^ (1 << 32)], sender=owner)  # past the end
    with ape.reverts(c.InitOutOfRange, startIndex=3, count=2, size=4):
        c.initializePacked(3, words[:2], sender=owner)
    receipt = c.initializePacked(2, words[2:], sender=owner)
    assert receipt.events == [c.PackedInitialized(startSlot=2, count=2)]
    assert c.centroid(1, 7) == -(2**31 - 1)
    assert c.centroid(1, 8) == 5
    assert c.classInfo(1) == (1, (2**31 - 1) ** 2 + 25)
    c.initializePacked(0, words, sender=owner)  # overwrite: norms follow
    assert c.classInfo(0) == (1, 9)
    assert c.classInfo(1) == (1, (2**31 - 1) ** 2 + 25)


def test_access_control(deploy_model, model, owner, trainer, stranger):
    c = deploy_model(model)
    with ape.reverts(c.NotTrainer, caller=trainer):
        c.update(A, 0, sender=trainer)
    with ape.reverts(c.NotDeployer, caller=stranger):
        c.initializePacked(0, [1], sender=stranger)
    c.setTrainer(trainer, sender=owner)
    with ape.reverts(c.TrainerAlreadySet):
        c.initializePacked(0, [1], sender=owner)
    c.update(A, 0, sender=trainer)
