"""DensePerceptron: margin on the 1e18 scale, truncating update, normalisation checks, access."""

from __future__ import annotations

import ape
import pytest
from support.deploy_reverts import deploy_reverts

from ape_sum.core.models import DensePerceptron, ModelInputError

E9 = 10**9
X = [6 * 10**8, 8 * 10**8]  # exactly unit norm


@pytest.fixture
def model():
    return DensePerceptron(["neg", "pos"], 2, 0, 333_333_333, [E9, -E9])


@pytest.fixture
def contract(deploy_model, model, trainer):
    return deploy_model(model, trainer, chunk_size=1)


def test_init_and_params(contract):
    assert [contract.weights(0), contract.weights(1)] == [E9, -E9]
    assert contract.getNumClassifications() == 2
    assert contract.classifications(1) == "pos"
    assert contract.numFeatures() == 2
    with ape.reverts(contract.InitOutOfRange, startIndex=2, count=1, size=2):
        contract.weights(2)


def test_predict(contract):
    assert contract.predict(X) == 0  # 6e17 - 8e17
    assert contract.predict([8 * 10**8, -6 * 10**8]) == 1


def test_intercept_scale(deploy_model):
    # intercept 0.3 (x 1e9) must outweigh w.x = -0.2 on the same 1e18 scale
    c = deploy_model(DensePerceptron(["a", "b"], 2, 3 * 10**8, E9, [0, -(25 * 10**7)]))
    assert c.predict(X) == 1  # 0.3e18 - 0.2e18 > 0


def test_update_truncates_toward_zero(contract, model, trainer):
    x = [-6 * 10**8, -8 * 10**8]  # margin -6e17 + 8e17 > 0 -> predicts 1
    contract.update(x, 0, sender=trainer)
    expected = [E9 + 199_999_999, -E9 + 266_666_666]  # floor division would give ...200_000_000
    assert [contract.weights(0), contract.weights(1)] == expected
    model.update(x, 0)
    assert model.weights == expected


def test_no_update_when_correct(contract, trainer):
    receipt = contract.update(X, 0, sender=trainer)
    assert len(receipt.events) == 0
    assert contract.weights(0) == E9


def test_bad_inputs(contract, trainer):
    with ape.reverts(contract.WrongDimension, got=3, expected=2):
        contract.predict([E9, 0, 0])
    with ape.reverts(contract.NotNormalized, sumOfSquares=25 * 10**16):
        contract.predict([3 * 10**8, 3 * 10**8 + 10**8])
    with ape.reverts(contract.NotNormalized):
        contract.update([E9, 400_000], 1, sender=trainer)
    contract.predict([E9, 300_000])  # 9e10 off: accepted
    with ape.reverts(contract.UnknownClass, classification=5, numClasses=2):
        contract.update(X, 5, sender=trainer)
    with pytest.raises(ModelInputError, match="NotNormalized"):
        DensePerceptron(["a", "b"], 2, 0, 1).validate([E9, 400_000])


def test_overflow(deploy_model, trainer):
    big = 2**39 - 1  # int40 weights
    lr = 2**62
    model = DensePerceptron(["a", "b"], 2, 0, lr, [big - 10, -big])
    c = deploy_model(model, trainer)
    with ape.reverts(c.ParameterOverflow, index=0):
        c.update(X, 1, sender=trainer)  # margin < 0, label 1: w0 + 0.6 * lr overflows
    with pytest.raises(ModelInputError, match="ParameterOverflow"):
        model.update(X, 1)
    too_big = DensePerceptron(["a", "b"], 2, 0, 1, [big + 1, 0])  # fine off chain
    with pytest.raises(ModelInputError, match="ValueOutOfRange"):
        too_big.constructor_args()
    with pytest.raises(ModelInputError, match="ValueOutOfRange"):
        too_big.init_calls()


def test_packed_initializer(project, owner):
    c = project.DensePerceptron.deploy(["a", "b"], 7, 0, E9, sender=owner)
    model = DensePerceptron(["a", "b"], 7, 0, E9, [1, -2, 3, -(2**39 - 1), 2**39 - 1, 6, -7])
    words = model.packed_words()
    assert len(words) == 2
    with ape.reverts(c.InitOutOfRange, startIndex=1, count=2, size=2):
        c.initializePacked(1, words, sender=owner)
    with ape.reverts(c.InvalidPackedWord, slotIndex=0):
        c.initializePacked(0, [words[0] | (1 << 240)], sender=owner)  # unused bits
    with ape.reverts(c.InvalidPackedWord, slotIndex=0):
        c.initializePacked(0, [words[0] >> 40 << 40], sender=owner)  # int40.min lane
    with ape.reverts(c.InvalidPackedWord, slotIndex=1):
        c.initializePacked(0, [words[0], words[1] ^ (1 << 96)], sender=owner)  # past the end
    receipt = c.initializePacked(0, words, sender=owner)
    assert receipt.events == [c.PackedInitialized(startSlot=0, count=2)]
    assert [c.weights(i) for i in range(7)] == model.weights


def test_access_control(deploy_model, model, owner, trainer, stranger):
    c = deploy_model(model)
    with ape.reverts(c.NotTrainer, caller=trainer):
        c.update(X, 1, sender=trainer)
    with ape.reverts(c.NotDeployer, caller=stranger):
        c.initializePacked(0, [1], sender=stranger)
    c.setTrainer(trainer, sender=owner)
    with ape.reverts(c.TrainerAlreadySet):
        c.initializePacked(0, [1], sender=owner)
    with ape.reverts(c.NotTrainer, caller=stranger):
        c.update(X, 1, sender=stranger)


def test_constructor_checks(project, owner):
    deploy_reverts(
        project.DensePerceptron, "WrongNumberOfClasses", ["uint256", "uint256"], [3, 2],
        ["a", "b", "c"], 2, 0, E9, sender=owner,
    )  # fmt: skip
    deploy_reverts(
        project.DensePerceptron, "InvalidParameter", ["string", "int256"], ["learningRate", -1],
        ["a", "b"], 2, 0, -1, sender=owner,
    )  # fmt: skip
