"""Simulate agents contributing to a model under an incentive mechanism (`ape sum simulate`).

The run is off chain, with the integer-exact mirrors of the classifiers and incentive mechanisms,
so thousands of contributions take seconds; `replay` repeats a short run through the contracts
and checks that both agree exactly. Nothing here prints.
"""

from ape_sum.simulation.config import AgentSpec, Scenario, SimulationError, default_agents
from ape_sum.simulation.run import SimulationResult, run_scenario, summarise

__all__ = [
    "AgentSpec",
    "Scenario",
    "SimulationError",
    "SimulationResult",
    "default_agents",
    "run_scenario",
    "summarise",
]
