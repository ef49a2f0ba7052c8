"""SparsePerceptron: predictions, the update rule, chunked init, access control, reverts."""

from __future__ import annotations

import ape
import pytest
from support.deploy_reverts import deploy_reverts

from ape_sum.core.models import SparsePerceptron

LR = 10**9
N = 10


@pytest.fixture
def model():
    weights = [0] * N
    weights[1] = 3 * LR
    weights[2] = -5 * LR
    weights[9] = -SparsePerceptron.max_weight  # the contract's int48 lanes
    return SparsePerceptron(["neg", "pos"], N, -LR, LR, weights)


@pytest.fixture
def contract(deploy_model, model, trainer):
    return deploy_model(model, trainer, chunk_size=3)


def test_names_and_params(contract):
    assert contract.getNumClassifications() == 2
    assert contract.classifications(0) == "neg"
    assert contract.classifications(1) == "pos"
    assert contract.intercept() == -LR
    assert contract.learningRate() == LR
    assert contract.numFeatures() == N
    with ape.reverts(contract.ClassIndexOutOfRange):
        contract.classifications(2)


def test_chunked_init(contract, model):
    assert [contract.weights(i) for i in range(N)] == model.weights


def test_predict(contract):
    assert contract.predict([1]) == 1  # -1 + 3
    assert contract.predict([0, 3]) == 0
    assert contract.predict([1, 2]) == 0  # -1 + 3 - 5


def test_margin_zero_predicts_0(deploy_model):
    m = SparsePerceptron(["a", "b"], 4, 0, LR)
    c = deploy_model(m)
    assert c.predict([0, 1]) == 0


def test_update_on_mistake(contract, trainer):
    # predicted 0 for [0, 3], label 1: +LR on each listed weight
    receipt = contract.update([0, 3], 1, sender=trainer)
    assert contract.weights(0) == LR
    assert contract.weights(3) == LR
    assert receipt.events == [contract.Updated(classification=1)]
    # now [1] predicts 1; label 0 -> -LR
    contract.update([1], 0, sender=trainer)
    assert contract.weights(1) == 2 * LR


def test_no_update_when_correct(contract, trainer):
    receipt = contract.update([1], 1, sender=trainer)
    assert contract.weights(1) == 3 * LR
    assert len(receipt.events) == 0


def test_bad_inputs(contract, trainer):
    with ape.reverts(contract.IndexOutOfRange, index=-1, numFeatures=N):
        contract.predict([0, -1])
    with ape.reverts(contract.IndexOutOfRange, index=N, numFeatures=N):
        contract.predict([N])
    with ape.reverts(contract.IndexOutOfRange):
        contract.update([N + 5], 1, sender=trainer)
    with ape.reverts(contract.UnknownClass, classification=2, numClasses=2):
        contract.update([1], 2, sender=trainer)


def test_overflow(deploy_model, trainer):
    big = SparsePerceptron.max_weight
    m = SparsePerceptron(["a", "b"], 2, -big, 10, [big - 5, 0])
    c = deploy_model(m, trainer)
    assert c.predict([0]) == 0  # margin -5
    with pytest.raises(Exception, match="ParameterOverflow"):
        m.copy().update([0], 1)
    with ape.reverts(c.ParameterOverflow, index=0, value=big + 5):
        c.update([0], 1, sender=trainer)


def test_access_control(deploy_model, model, owner, trainer, stranger):
    c = deploy_model(model)
    assert c.trainer() == "0x" + "00" * 20
    assert not c.finalized()
    with ape.reverts(c.NotTrainer, caller=trainer):
        c.update([1], 0, sender=trainer)
    with ape.reverts(c.NotDeployer, caller=stranger):
        c.initializeWeights(0, [1], sender=stranger)
    with ape.reverts(c.NotDeployer, caller=stranger):
        c.setTrainer(trainer, sender=stranger)
    with ape.reverts(c.ZeroTrainer):
        c.setTrainer("0x" + "00" * 20, sender=owner)
    receipt = c.setTrainer(trainer, sender=owner)
    assert receipt.events == [c.TrainerSet(trainer=trainer)]
    assert c.trainer() == trainer.address
    assert c.finalized()
    with ape.reverts(c.TrainerAlreadySet):
        c.initializeWeights(0, [1], sender=owner)
    with ape.reverts(c.TrainerAlreadySet):
        c.setTrainer(stranger, sender=owner)
    with ape.reverts(c.NotTrainer, caller=owner):
        c.update([1], 0, sender=owner)
    c.update([1], 0, sender=trainer)


def test_init_errors(project, owner):
    container = project.SparsePerceptron
    types = ["uint256", "uint256"]
    deploy_reverts(
        container, "WrongNumberOfClasses", types, [1, 2], ["a"], 3, 0, LR, 3, sender=owner
    )
    types = ["string", "int256"]
    values = ["learningRate", 0]
    deploy_reverts(
        container, "InvalidParameter", types, values, ["a", "b"], 3, 0, 0, 3, sender=owner
    )
    for bound in (0, 4):  # maxInputFeatures must be in [1, numFeatures]
        values = ["maxInputFeatures", bound]
        deploy_reverts(
            container, "InvalidParameter", types, values, ["a", "b"], 3, 0, LR, bound, sender=owner
        )
    c = project.SparsePerceptron.deploy(["a", "b"], 3, 0, LR, 3, sender=owner)
    with ape.reverts(c.InitOutOfRange, startIndex=2, count=2, size=3):
        c.initializeWeights(2, [1, 2], sender=owner)
    with ape.reverts(c.ValueOutOfRange, index=0, value=-(2**63)):
        c.initializeWeights(0, [-(2**63)], sender=owner)
    with ape.reverts(c.ValueOutOfRange, index=0, value=2**47):
        c.initializeWeights(0, [2**47], sender=owner)
    receipt = c.initializeWeights(1, [5, 6], sender=owner)
    assert receipt.events == [c.WeightsInitialized(startIndex=1, count=2)]
