"""Every revert a user can meet through the trainer has a clear reason the CLI can show
(PROTOCOL.md: "Every revert has a clear reason ... that the CLI can show").

Errors raised by the classifier or by the mechanism's base contract bubble up through the trainer;
Ape decodes a custom error only when the contract called (the trainer) lists it in its ABI, so
`ape_sum.chain.reverts.explain` must not end up showing raw selector hex."""

from __future__ import annotations

import re

import pytest
from ape.exceptions import ContractLogicError
from support.security import DEPOSIT, deploy_system, get_storage, set_storage

from ape_sum.chain.reverts import explain
from ape_sum.core.models import SparsePerceptron

RAW_HEX = re.compile(r"0x[0-9a-fA-F]{8}")


@pytest.fixture(scope="module")
def system(project, owner):
    return deploy_system(project, owner, SparsePerceptron(["a", "b"], 8, 0, 10**9), DEPOSIT)


def _explained(call, *args, **kwargs) -> str:
    with pytest.raises(ContractLogicError) as info:
        call(*args, **kwargs)
    return explain(info.value)


def test_classifier_errors_through_the_trainer_are_explained(system, users):
    message = _explained(system.trainer.predict, [99])
    assert not RAW_HEX.search(message), message
    message = _explained(system.trainer.addData, [1], 7, sender=users[0], value=10**18)
    assert not RAW_HEX.search(message), message


def test_trainer_errors_are_explained(system, users):
    message = _explained(system.trainer.refund, [1], 0, 1, sender=users[0])
    assert message == (
        "the contract refused: no such contribution on this trainer (data, label, time and "
        "author must all match; only the author can refund)"
    )


def test_mechanism_base_errors_through_the_trainer_are_explained(chain, system, users):
    """`CounterOverflow` is declared in IncentiveMechanismBase, not in IIncentiveErrors, so the
    trainer's ABI does not know it."""
    mechanism = system.mechanism
    for slot in range(8):
        word = get_storage(chain, mechanism.address, slot)
        if word & ((1 << 160) - 1) == int(system.trainer.address, 16):
            break
    else:
        pytest.fail("cannot find the mechanism's packed state slot")
    max32 = 2**32 - 1
    set_storage(chain, mechanism.address, slot, (word & ~(max32 << 192)) | (max32 << 192))
    message = _explained(system.trainer.addData, [1], 0, sender=users[0], value=10**18)
    assert not RAW_HEX.search(message), message
