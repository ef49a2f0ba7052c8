"""Run a scenario end to end: prepare data, build the mirrors, simulate, summarise."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ape_sum.simulation.config import Scenario, to_units
from ape_sum.simulation.data import PreparedData, prepare
from ape_sum.simulation.engine import OWNER, ProgressCallback, RunOutcome, Simulation

DEFAULT_START_TIME = 1_700_000_000
"""The simulated deployment time of a mirror-only run (any fixed value keeps runs repeatable)."""


@dataclass
class SimulationResult:
    scenario: Scenario
    prepared: PreparedData
    initial_model: Any
    baseline: float
    outcome: RunOutcome

    @property
    def model(self) -> Any:
        """The model mirror after the run."""
        return self.outcome.extra["model"]

    def summary(self) -> dict[str, Any]:
        return summarise(self)


def run_scenario(
    scenario: Scenario,
    *,
    progress: ProgressCallback | None = None,
    start_time: int = DEFAULT_START_TIME,
    owner: str = OWNER,
    prepared: tuple[PreparedData, Any, float] | None = None,
) -> SimulationResult:
    """Simulate `scenario` from deployment time `start_time` (the mechanism's `deployedAt`)."""
    scenario.validate()
    data, initial_model, baseline = prepared or prepare(scenario)
    model = initial_model.copy()
    waits = (scenario.refund_wait_s, scenario.owner_claim_wait_s, scenario.any_address_claim_wait_s)
    mechanism = scenario.mechanism.make_mirror(scenario.cost_weight_wei, waits, owner, start_time)
    simulation = Simulation(
        scenario, model, mechanism, data.stream, data.test,
        num_classes=len(data.class_names), start_time=start_time, progress=progress,
    )  # fmt: skip
    outcome = simulation.run()
    outcome.extra["model"] = model
    return SimulationResult(scenario, data, initial_model, baseline, outcome)


def summarise(result: SimulationResult) -> dict[str, Any]:
    """The run's summary as plain JSON-able data (amounts in units, accuracies as fractions)."""
    out = result.outcome
    sc = result.scenario
    accuracies = [p.accuracy for p in out.series]
    records = out.trainer.contributions
    mechanism = out.trainer.mechanism
    per_author: dict[str, dict[str, int]] = {
        a.name: {"refunded": 0, "taken_by_others": 0, "reclaimed_late": 0} for a in out.agents
    }
    for action in out.actions:
        if action.kind == "add":
            continue
        author = records[action.contribution].author
        if action.kind == "refund":
            per_author[author]["refunded"] += action.amount
        elif action.agent == author:
            per_author[author]["reclaimed_late"] += action.amount
        else:
            per_author[author]["taken_by_others"] += action.amount
    unclaimed: dict[str, int] = {a.name: 0 for a in out.agents}
    for c in records:
        unclaimed[c.author] += c.claimable
    agents: dict[str, Any] = {}
    for a in out.agents:
        own = per_author[a.name]
        entry: dict[str, Any] = {
            "good": a.good,
            "kind": a.spec.kind or ("honest" if a.good else "flipper"),
            "group": a.group,
            "balance_pct": round(a.balance_pct, 4),
            "start_balance": to_units(a.start),
            "balance": to_units(a.balance),
            "contributions": a.contributed,
            "deposits_paid": to_units(a.deposits_paid),
            "deposits_refunded": to_units(own["refunded"]),
            "deposits_taken_by_others": to_units(own["taken_by_others"]),
            "deposits_reclaimed_after_deadline": to_units(own["reclaimed_late"]),
            "deposits_unclaimed": to_units(unclaimed[a.name]),
            "refunds": a.refunds,
            "reports": a.reports,
            "reported_amount": to_units(a.reported),
            "takes": a.takes,
            "taken_amount": to_units(a.taken),
            "skipped": {
                "priced_out": a.priced_out,
                "not_useful": a.not_useful,
                "insufficient_balance": a.broke,
            },
            "mistakes": a.mistakes,
            "exhausted_day": None
            if a.exhausted_time is None
            else round((a.exhausted_time - out.start_time) / 86_400, 3),
        }
        if not sc.mechanism.has_deposits:
            validated, reports = mechanism.points(a.name)
            entry["points"] = {"validated": validated, "reports": reports}
        agents[a.name] = entry
    groups: dict[str, Any] = {}
    for a in out.agents:
        group = groups.setdefault(a.group, {"accounts": 0, "start": 0, "balance": 0})
        group["accounts"] += 1
        group["start"] += a.start
        group["balance"] += a.balance
    wall = out.wall_seconds
    return {
        "dataset": result.prepared.dataset,
        "model": result.prepared.model_kind,
        "encoder": result.prepared.encoder_spec,
        "incentive": sc.mechanism.value,
        "seed": sc.seed,
        "scenario_id": scenario_id(sc),
        "accuracy": {
            "start": accuracies[0],
            "end": accuracies[-1],
            "min": min(accuracies),
            "baseline": result.baseline,
        },
        "agents": agents,
        "groups": {
            name: {
                "accounts": g["accounts"],
                "balance_pct": round(100.0 * g["balance"] / g["start"], 4),
                "start_balance": to_units(g["start"]),
                "balance": to_units(g["balance"]),
            }
            for name, g in groups.items()
        },
        "samples": {
            "initial": len(result.prepared.init),
            "stream": len(out_stream(result)),
            "test": len(result.prepared.test),
            "contributed": len(records),
            "unencodable": result.prepared.dropped,
        },
        "deposits": {
            "paid": to_units(sum(c.initial_deposit for c in records)),
            "still_held": to_units(out.trainer.held),
        },
        "simulated_days": round((out.end_time - out.start_time) / 86_400, 3),
        "stalled": out.stalled,
        "transactions": len(out.actions),
        "performance": {
            "wall_seconds": round(wall, 3),
            "contributions_per_second": round(len(records) / wall, 1) if wall > 0 else None,
            "evaluations": out.evaluations,
            "predictions": out.predictions,
        },
        "scenario": sc.to_json(),
    }


def scenario_id(scenario: Scenario) -> str:
    """A short hash of everything the scenario fixes except its seed (output files carry it)."""
    obj = scenario.to_json()
    obj.pop("seed", None)
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def out_stream(result: SimulationResult) -> list[Any]:
    stream = result.prepared.stream
    limit = result.scenario.max_contributions
    return stream if limit is None else stream[:limit]
