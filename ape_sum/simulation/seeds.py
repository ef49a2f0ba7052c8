"""Several seeds of one scenario: run them (in parallel processes where cores allow) and report
the mean and spread of what a single run reports."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ape_sum.simulation.config import Scenario, SimulationError

MAX_SEEDS = 64


def run_one(scenario: Scenario) -> tuple[dict[str, Any], dict[str, Any]]:
    """One seed's summary and time series (plain data, so a worker process can return them)."""
    from ape_sum.simulation.report import series_json
    from ape_sum.simulation.run import run_scenario

    result = run_scenario(scenario)
    return result.summary(), series_json(result)


def run_seeds(
    scenario: Scenario, count: int, *, workers: int | None = None
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Seeds `scenario.seed .. scenario.seed + count - 1`, in seed order.

    Workers default to the number of usable cores (at most `count`); each is a fresh process
    (spawned, not forked: the parent may hold a node connection or threads).
    """
    if not 1 <= count <= MAX_SEEDS:
        raise SimulationError(f"seeds must be between 1 and {MAX_SEEDS}, got {count}")
    scenario.validate()
    scenarios = [replace(scenario, seed=scenario.seed + i) for i in range(count)]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = max(1, min(count, workers or cores or 1))
    if workers == 1:
        return [run_one(s) for s in scenarios]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_one, scenarios))


def spread(values: Sequence[float]) -> dict[str, float | int | None]:
    """Mean, sample standard deviation (0 for one value), min and max of `values`."""
    if not values:
        return {"n": 0, "mean": None, "std": None, "min": None, "max": None}
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def aggregate(summaries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One summary for several seeds: top-level numbers are means (so the single-run keys
    `accuracy.end`, `agents.NAME.balance_pct` still read), `spread` holds the full statistics."""
    if not summaries:
        raise SimulationError("no runs to aggregate")
    first = summaries[0]
    accuracy = {
        key: spread([s["accuracy"][key] for s in summaries])
        for key in ("start", "end", "min", "baseline")
    }
    agents: dict[str, Any] = {}
    agent_spread: dict[str, Any] = {}
    for name, info in first["agents"].items():
        runs = [s["agents"][name] for s in summaries]
        days = [r["exhausted_day"] for r in runs if r["exhausted_day"] is not None]
        balance = spread([r["balance_pct"] for r in runs])
        agent_spread[name] = {
            "balance_pct": balance,
            "exhausted_day": spread(days),
            "exhausted_seeds": len(days),
        }
        entry: dict[str, Any] = {
            "good": info["good"],
            "balance_pct": balance["mean"],
            "exhausted_day": statistics.fmean(days) if days else None,
            "exhausted_seeds": len(days),
        }
        if "points" in info:
            for key in ("validated", "reports"):
                values = [r["points"][key] for r in runs]
                agent_spread[name][f"points_{key}"] = spread(values)
            entry["points"] = {
                key: statistics.fmean(r["points"][key] for r in runs)
                for key in ("validated", "reports")
            }
        agents[name] = entry
    return {
        "dataset": first["dataset"],
        "model": first["model"],
        "encoder": first["encoder"],
        "incentive": first["incentive"],
        "scenario_id": first["scenario_id"],
        "seeds": [s["seed"] for s in summaries],
        "accuracy": {key: value["mean"] for key, value in accuracy.items()},
        "agents": agents,
        "spread": {"accuracy": accuracy, "agents": agent_spread},
        "simulated_days": spread([s["simulated_days"] for s in summaries]),
        "contributions": spread([s["samples"]["contributed"] for s in summaries]),
        "runs": list(summaries),
    }
