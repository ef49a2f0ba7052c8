"""Shared scenario pieces for the simulation tests (deterministic: fixed seeds)."""

from __future__ import annotations

import pytest

from ape_sum.simulation import run_scenario
from ape_sum.simulation.config import Scenario


@pytest.fixture(scope="session")
def headline():
    """The headline scenario (defaults): rotten-tomatoes, sparse perceptron, good + bad agents."""
    return run_scenario(Scenario(seed=0))
