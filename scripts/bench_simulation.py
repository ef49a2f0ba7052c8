"""Benchmark: mirror-mode simulation speed against the budget (10,000 contributions in 30 s).

Run: `.venv/bin/python scripts/bench_simulation.py [--contributions N] [--model KIND]`
(plain Python, no chain). Uses `rotten-tomatoes-full` (12,808 texts, enough for 10,000
contributions with a 10 % held-out set) and the default agents and rules. Data preparation
(loading, encoding, fitting the initial and baseline models) is timed separately: the budget is
for the simulation itself. Exit status 1 when over budget.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ape_sum.simulation import Scenario, run_scenario
from ape_sum.simulation.data import prepare

BUDGET_S = 30.0
BUDGET_CONTRIBUTIONS = 10_000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=BUDGET_CONTRIBUTIONS)
    parser.add_argument("--model", default="sparse perceptron")
    parser.add_argument("--dataset", default="rotten-tomatoes-full")
    args = parser.parse_args(argv)
    scenario = Scenario(
        dataset=args.dataset, model=args.model, test_fraction=0.1,
        max_contributions=args.contributions,
    )  # fmt: skip
    t0 = time.perf_counter()
    prepared = prepare(scenario)
    t1 = time.perf_counter()
    result = run_scenario(scenario, prepared=prepared)
    t2 = time.perf_counter()
    done = len(result.outcome.trainer.contributions)
    seconds = t2 - t1
    rate = done / seconds
    allowed = BUDGET_S * done / BUDGET_CONTRIBUTIONS
    days = (result.outcome.end_time - result.outcome.start_time) / 86400
    print(f"{args.model} on {args.dataset}: {done} contributions, "
          f"{len(result.outcome.actions)} transactions, {days:.0f} simulated days")  # fmt: skip
    print(f"preparation {t1 - t0:.1f} s; simulation {seconds:.2f} s = {rate:,.0f} contributions/s")
    verdict = "within" if seconds <= allowed else "OVER"
    print(f"budget: {BUDGET_CONTRIBUTIONS:,} in {BUDGET_S:.0f} s "
          f"({BUDGET_CONTRIBUTIONS / BUDGET_S:,.0f}/s) -> {verdict} budget "
          f"({seconds / allowed:.0%} of the time allowed for {done:,})")  # fmt: skip
    if done < args.contributions:
        print(f"note: only {done} contributions were accepted (data or agents ran out)")
    return 0 if seconds <= allowed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
