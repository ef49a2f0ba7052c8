"""Access control: only the trainer mutates a classifier and a mechanism; only the deployer
initialises (and binds), and nobody after binding (`setTrainer`). Every refusal names its reason."""

from __future__ import annotations

import pytest
from ape.exceptions import ContractLogicError
from support.deploy_reverts import deploy_reverts
from support.security import (
    ANY_ADDRESS_CLAIM_WAIT_S,
    COST_WEIGHT,
    DEPOSIT,
    OWNER_CLAIM_WAIT_S,
    POINTS,
    REFUND_WAIT_S,
    deploy_system,
)

from ape_sum.core.models import (
    DensePerceptron,
    NaiveBayes,
    NearestCentroid,
    SparseNearestCentroid,
    SparsePerceptron,
)

ONE = 10**9
WAITS = (REFUND_WAIT_S, OWNER_CLAIM_WAIT_S, ANY_ADDRESS_CLAIM_WAIT_S)
ZERO = "0x0000000000000000000000000000000000000000"
DENSE_UNIT = [ONE, 0, 0, 0]  # an L2-normalised 4-dimensional input

MODELS = {
    "sparse perceptron": (lambda: SparsePerceptron(["a", "b"], 8, 0, ONE), [1, 2]),
    "dense perceptron": (lambda: DensePerceptron(["a", "b"], 4, 0, ONE), DENSE_UNIT),
    "naive bayes": (lambda: NaiveBayes(["a", "b", "c"], 8, ONE), [1, 2]),
    "nearest centroid": (lambda: NearestCentroid(["a", "b"], 4, [1, 1]), DENSE_UNIT),
    "sparse nearest centroid": (lambda: SparseNearestCentroid(["a", "b"], 8, [1, 1]), [1, 2]),
}


def abi_defaults(inputs, address: str) -> list:
    """Plausible arguments for ABI `inputs` (so the tests follow interface changes): addresses
    are `address`, numbers 1, booleans False, tuples and arrays built the same way."""
    values: list = []
    for item in inputs:
        kind = item.type
        if kind.endswith("[]"):
            values.append([])
        elif kind == "tuple":
            values.append(tuple(abi_defaults(item.components, address)))
        elif kind == "address":
            values.append(address)
        elif kind == "bool":
            values.append(False)
        elif kind.startswith(("uint", "int")):
            values.append(1)
        else:
            values.append(b"")
    return values


def handler_calls(mechanism, address: str) -> list:
    """Every trainer-only `handle*` method with plausible arguments."""
    methods = [m for m in mechanism.contract_type.methods if m.name.startswith("handle")]
    assert {m.name for m in methods} >= {"handleAddData", "handleRefund", "handleReport"}
    return [(getattr(mechanism, m.name), abi_defaults(m.inputs, address)) for m in methods]


def refused(error_name, name: str, call, *args, **kwargs) -> None:
    with pytest.raises(ContractLogicError) as info:
        call(*args, **kwargs)
    assert error_name(info.value) == name, info.value


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_classifier_initialisation_and_update_rights(project, owner, users, error_name, kind):
    factory, sample = MODELS[kind]
    model = factory()
    stranger, trainer = users[0], users[1]
    contract = getattr(project, model.contract_name).deploy(*model.constructor_args(), sender=owner)
    # Every initialiser (whatever its arguments: the access check comes first).
    initialisers = [
        (getattr(contract, m.name), abi_defaults(m.inputs, stranger.address))
        for m in contract.contract_type.mutable_methods
        if m.name.startswith("initialize")
    ]
    assert initialisers, f"{model.contract_name} has no initialiser"
    for method, args in initialisers:
        refused(error_name, "NotDeployer", method, *args, sender=stranger)
    for method, args in model.init_calls():
        getattr(contract, method)(*args, sender=owner)
    # Before setTrainer nobody is the trainer, so nobody updates.
    for caller in (owner, stranger, trainer):
        refused(error_name, "NotTrainer", contract.update, sample, 0, sender=caller)
    refused(error_name, "NotDeployer", contract.setTrainer, trainer, sender=stranger)
    refused(error_name, "ZeroTrainer", contract.setTrainer, ZERO, sender=owner)
    contract.setTrainer(trainer, sender=owner)
    assert contract.trainer() == trainer.address
    # After setTrainer: no initialiser, no second setTrainer, not even by the deployer.
    for method, args in initialisers:
        refused(error_name, "TrainerAlreadySet", method, *args, sender=owner)
        refused(error_name, "NotDeployer", method, *args, sender=stranger)
    refused(error_name, "TrainerAlreadySet", contract.setTrainer, stranger, sender=owner)
    # Only the trainer updates.
    for caller in (owner, stranger):
        refused(error_name, "NotTrainer", contract.update, sample, 0, sender=caller)
    contract.update(sample, 0, sender=trainer)
    refused(error_name, "UnknownClass", contract.update, sample, 99, sender=trainer)
    assert int(contract.predict(sample)) in range(int(contract.getNumClassifications()))


@pytest.mark.parametrize("kind", [DEPOSIT, POINTS])
def test_mechanism_binding_and_handler_rights(project, owner, users, error_name, kind):
    stranger, trainer = users[0], users[1]
    if kind == DEPOSIT:
        mechanism = project.DepositRefundTake.deploy(*WAITS, COST_WEIGHT, sender=owner)
    else:
        mechanism = project.Points.deploy(*WAITS, sender=owner)
    handlers = handler_calls(mechanism, stranger.address)
    for handler, args in handlers:  # unbound: nobody passes the trainer check
        for caller in (owner, stranger):
            refused(error_name, "NotTrainer", handler, *args, sender=caller)
    refused(error_name, "NotDeployer", mechanism.setTrainer, stranger, sender=stranger)
    refused(error_name, "ZeroTrainer", mechanism.setTrainer, ZERO, sender=owner)
    mechanism.setTrainer(trainer, sender=owner)
    refused(error_name, "TrainerAlreadySet", mechanism.setTrainer, stranger, sender=owner)
    refused(error_name, "NotDeployer", mechanism.setTrainer, stranger, sender=stranger)
    for handler, args in handlers:
        for caller in (owner, stranger):
            refused(error_name, "NotTrainer", handler, *args, sender=caller)
    mechanism.handleAddData(10**18, sender=trainer)
    assert int(mechanism.totalSubmitted()) == 1
    # Nothing changed through the refused calls.
    assert int(mechanism.totalGoodDataCount()) == 0


def test_wait_times_are_ordered_at_deployment(project, owner):
    # Deployment reverts are checked by simulation: Ape cannot always decode them on Anvil.
    waits = ["uint256"] * 3
    for bad in [(2, 1, 3), (1, 3, 2), (3, 2, 1), (1, 1, 2), (1, 2, 2), (0, 0, 0)]:
        deploy_reverts(project.Points, "InvalidWaitTimes", waits, list(bad), *bad, sender=owner)
        deploy_reverts(
            project.DepositRefundTake, "InvalidWaitTimes", waits, list(bad), *bad, 1, sender=owner
        )
    too_large = 2**256 - 1
    deploy_reverts(
        project.DepositRefundTake, "CostWeightTooLarge", ["uint256"], [too_large],
        1, 2, 3, too_large, sender=owner,
    )  # fmt: skip


def test_wired_system_rejects_direct_mutation(project, owner, users, error_name):
    """In a wired system the classifier and mechanism obey only their trainer contract."""
    system = deploy_system(project, owner, SparsePerceptron(["a", "b"], 8, 0, ONE), DEPOSIT)
    for caller in (owner, users[0]):
        refused(error_name, "NotTrainer", system.classifier.update, [1], 1, sender=caller)
        for handler, args in handler_calls(system.mechanism, caller.address):
            refused(error_name, "NotTrainer", handler, *args, sender=caller)
    refused(error_name, "TrainerAlreadySet", system.classifier.setTrainer, owner, sender=owner)
    refused(error_name, "TrainerAlreadySet", system.mechanism.setTrainer, owner, sender=owner)


def test_trainer_requires_contracts(project, owner, users, error_name):
    model = SparsePerceptron(["a", "b"], 8, 0, ONE)
    classifier = project.SparsePerceptron.deploy(*model.constructor_args(), sender=owner)
    refused(
        error_name, "NotAContract",
        project.CollaborativeTrainer.deploy, "n", "d", "raw", classifier.address, users[0],
        sender=owner,
    )  # fmt: skip
