"""What a run leaves behind: a summary table (text), a time-series JSON file and a PNG plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ape_sum.simulation.run import SimulationResult

DAY_S = 86_400


def series_json(result: SimulationResult) -> dict[str, Any]:
    out = result.outcome
    starts = {a.name: a.start for a in out.agents}
    return {
        "dataset": result.prepared.dataset,
        "model": result.prepared.model_kind,
        "baseline_accuracy": result.baseline,
        "start_time": out.start_time,
        "agents": {a.name: {"good": a.good, "start_wei": a.start} for a in out.agents},
        "points": [
            {
                "time": p.time,
                "day": round((p.time - out.start_time) / DAY_S, 5),
                "accuracy": p.accuracy,
                "contributions": p.contributions,
                "balance_pct": {
                    name: round(100.0 * wei / starts[name], 4) for name, wei in p.balances.items()
                },
            }
            for p in out.series
        ],
    }


def write_series(result: SimulationResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(series_json(result), separators=(",", ":")))
    return path


def write_plot(result: SimulationResult, path: Path) -> Path:
    """Accuracy on the held-out set and each agent's balance (% of start) over simulated days,
    with the baseline (accuracy when trained on all data), like the research system's figure."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    data = series_json(result)
    days = [p["day"] for p in data["points"]]
    fig = Figure(figsize=(10, 6), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(days, [100 * p["accuracy"] for p in data["points"]], color="black",
            linewidth=2, label="Accuracy on the held-out set")  # fmt: skip
    ax.axhline(
        100 * data["baseline_accuracy"],
        color="grey",
        linewidth=1.5,
        label=f"Accuracy when trained with all data: {100 * data['baseline_accuracy']:.1f}%",
    )
    for name, info in data["agents"].items():
        style = {"color": "green", "linestyle": ":"} if info["good"] else {
            "color": "red", "linestyle": "--"}  # fmt: skip
        ax.plot(days, [p["balance_pct"][name] for p in data["points"]], linewidth=2,
                label=f"{name} agent balance", drawstyle="steps-post", **style)  # fmt: skip
    ax.set_xlabel("Time (days)")
    ax.set_ylabel("Percent")
    ax.set_title(f"Balances & accuracy: {data['model']} on {data['dataset']}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def summary_table(summary: dict[str, Any]) -> str:
    """The end-of-run table: accuracy, each agent's balance and deposits, contributions."""
    acc = summary["accuracy"]
    lines = [
        f"{summary['model']} on {summary['dataset']} ({summary['incentive']} incentive, "
        f"seed {summary['seed']}): {summary['samples']['contributed']} contributions over "
        f"{summary['simulated_days']:.1f} simulated days",
        "",
        f"{'accuracy':10} {'start':>8} {'end':>8} {'min':>8} {'baseline':>9}",
        f"{'':10} {acc['start']:8.1%} {acc['end']:8.1%} {acc['min']:8.1%} {acc['baseline']:9.1%}",
        "",
        f"{'agent':12} {'balance':>9} {'contrib':>8} {'paid':>10} {'refunded':>10} "
        f"{'lost':>10} {'won':>10} {'skipped':>8}",
    ]
    for name, a in summary["agents"].items():
        lost = a["deposits_taken_by_others"]
        won = a["reported_amount"] + a["taken_amount"]
        skipped = sum(a["skipped"].values())
        lines.append(
            f"{name[:12]:12} {a['balance_pct']:8.1f}% {a['contributions']:8d} "
            f"{a['deposits_paid']:10.1f} {a['deposits_refunded']:10.1f} {lost:10.1f} "
            f"{won:10.1f} {skipped:8d}"
        )
        if "points" in a:
            lines.append(
                f"{'':12} points: {a['points']['validated']} validated, "
                f"{a['points']['reports']} reports"
            )
    perf = summary["performance"]
    lines += [
        "",
        "amounts in units (1 unit = 1e12 wei); 'won' = taken by reports and after the deadline",
        f"{summary['transactions']} transactions, {perf['wall_seconds']:.2f} s wall, "
        f"{perf['contributions_per_second']} contributions/s",
    ]
    if summary.get("stalled"):
        lines.append(
            "note: contributions stopped before the data ran out (agents priced out/broke)"
        )
    return "\n".join(lines)
