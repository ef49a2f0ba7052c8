"""Fixtures for deploying classifier mirrors' contracts, shared by the classifier contract tests
and the mirror equivalence tests (their conftests import them), and the dense test input."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from ape_sum.core.models import TO_FLOAT


def unit_vector(rng: random.Random, dim: int, bias: float = 0.0) -> list[int]:
    """A seeded Gaussian vector, L2-normalised and in fixed point (x 1e9)."""
    v = [rng.gauss(bias, 1.0) for _ in range(dim)]
    norm = math.sqrt(sum(x * x for x in v))
    return [round(x / norm * TO_FLOAT) for x in v]


@pytest.fixture(scope="session")
def trainer(accounts):
    """The account that plays the trainer (models are bound to it with `setTrainer`)."""
    return accounts[1]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def deploy_model(project, owner) -> Callable[..., Any]:
    """Deploy a mirror's contract, send its initialiser chunks and optionally bind it."""

    def deploy(model, trainer=None, chunk_size: int | None = None):
        container = getattr(project, model.contract_name)
        contract = container.deploy(*model.constructor_args(), sender=owner)
        for method, args in model.init_calls(chunk_size):
            getattr(contract, method)(*args, sender=owner)
        if trainer is not None:
            contract.setTrainer(trainer, sender=owner)
        return contract

    return deploy
