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
    from ape_sum.simulation.run import scenario_id

    sc = result.scenario
    return {
        "dataset": result.prepared.dataset,
        "model": result.prepared.model_kind,
        "incentive": sc.mechanism.value,
        "scenario_id": scenario_id(sc),
        "seed": sc.seed,
        "baseline_accuracy": result.baseline,
        "start_time": out.start_time,
        "agents": {
            a.name: {"good": a.spec.honest, "kind": a.spec.kind, "start_wei": a.start}
            for a in out.agents
        },
        "points": [
            {
                "time": p.time,
                "day": round((p.time - out.start_time) / DAY_S, 5),
                "accuracy": p.accuracy,
                "contributions": p.contributions,
                "balance_pct": {
                    name: round(100.0 * wei / starts[name], 4) for name, wei in p.balances.items()
                },
                **(
                    {}
                    if p.points is None
                    else {
                        "points": {
                            name: {"validated": v, "reports": r}
                            for name, (v, r) in p.points.items()
                        }
                    }
                ),
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
    with the baseline (accuracy when trained on all data), like the research system's figure;
    under the points mechanism each agent's points instead of balances."""
    return write_band_plot([series_json(result)], path)


def _grid(series: list[dict[str, Any]]) -> Any:
    import numpy as np

    last = max(s["points"][-1]["day"] for s in series)
    days = sorted({p["day"] for s in series for p in s["points"]})
    if len(days) > 2000:
        days = np.linspace(0.0, last, 2000).tolist()
    return np.asarray(days)


def _curves(series: list[dict[str, Any]], days: Any, value: Any) -> Any:
    """Each run's `value(point)` on the common day grid (held after a run's last point)."""
    import numpy as np

    rows = []
    for s in series:
        xs = np.asarray([p["day"] for p in s["points"]])
        ys = np.asarray([value(p) for p in s["points"]], dtype=np.float64)
        idx = np.clip(np.searchsorted(xs, days, side="right") - 1, 0, len(xs) - 1)
        rows.append(ys[idx])  # step: the value of the latest point at or before each day
    return np.vstack(rows)


def write_band_plot(series: list[dict[str, Any]], path: Path) -> Path:
    """The plot of one or several seeds of one scenario: with several, the mean line and a band
    from the lowest to the highest seed at each day."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    first = series[0]
    days = _grid(series)
    seeds = [s["seed"] for s in series]
    band = len(series) > 1
    fig = Figure(figsize=(10, 6), dpi=100)
    ax = fig.add_subplot(1, 1, 1)

    def draw(axis: Any, values: Any, label: str, **style: Any) -> None:
        mean = values.mean(axis=0)
        axis.plot(days, mean, linewidth=2, drawstyle="steps-post", label=label, **style)
        if band:
            axis.fill_between(days, values.min(axis=0), values.max(axis=0), step="post",
                              alpha=0.2, color=style.get("color"))  # fmt: skip

    mean_word = f"mean of {len(series)} seeds, band min-max" if band else f"seed {seeds[0]}"
    draw(ax, _curves(series, days, lambda p: 100 * p["accuracy"]),
         f"Accuracy on the held-out set ({mean_word})", color="black")  # fmt: skip
    baselines = [s["baseline_accuracy"] for s in series]
    baseline = 100 * sum(baselines) / len(baselines)
    ax.axhline(baseline, color="grey", linewidth=1.5,
               label=f"Baseline, trained with all data: {baseline:.1f}%")  # fmt: skip
    points = "points" in first["points"][0]
    axis2 = ax.twinx() if points else ax
    for name, info in first["agents"].items():
        style = {"color": "green", "linestyle": ":"} if info["good"] else {
            "color": "red", "linestyle": "--"}  # fmt: skip
        if points:
            for key, marker in (("validated", "o"), ("reports", "x")):
                draw(axis2, _curves(series, days, lambda p, n=name, k=key: p["points"][n][k]),
                     f"{name}: {key} points", marker=marker, markevery=0.1, **style)  # fmt: skip
        else:
            draw(ax, _curves(series, days, lambda p, n=name: p["balance_pct"][n]),
                 f"{name} agent balance", **style)  # fmt: skip
    ax.set_xlabel("Time (days)")
    ax.set_ylabel("Percent")
    if points:
        axis2.set_ylabel("Points (validated contributions, successful reports)")
    seed_text = f"seeds {seeds[0]}-{seeds[-1]}" if band else f"seed {seeds[0]}"
    ax.set_title(
        f"{first['model']} on {first['dataset']}, {first['incentive']} incentive\n"
        f"scenario {first['scenario_id']}, {seed_text}"
    )
    ax.grid(True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if points:
        more_handles, more_labels = axis2.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    ax.legend(handles, labels, loc="best", fontsize=8)
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


def _stat(entry: dict[str, Any], scale: float = 1.0, unit: str = "") -> str:
    if entry["mean"] is None:
        return "never"
    return (
        f"{scale * entry['mean']:.1f}{unit} ± {scale * entry['std']:.1f} "
        f"[{scale * entry['min']:.1f}, {scale * entry['max']:.1f}]"
    )


def seeds_table(aggregate: dict[str, Any]) -> str:
    """The multi-seed table: mean ± sample std [min, max] over the seeds."""
    seeds = aggregate["seeds"]
    acc = aggregate["spread"]["accuracy"]
    lines = [
        f"{aggregate['model']} on {aggregate['dataset']} ({aggregate['incentive']} incentive, "
        f"scenario {aggregate['scenario_id']}): {len(seeds)} seeds ({seeds[0]}-{seeds[-1]}), "
        "mean ± std [min, max]",
        "",
    ]
    for key in ("start", "end", "min", "baseline"):
        lines.append(f"accuracy {key:9} {_stat(acc[key], 100, '%')}")
    for name, entry in aggregate["spread"]["agents"].items():
        lines.append(f"{name[:12]:12} balance {_stat(entry['balance_pct'], 1, '%')}")
        exhausted = entry["exhausted_seeds"]
        if exhausted:
            lines.append(
                f"{'':12} exhausted on day {_stat(entry['exhausted_day'])} "
                f"({exhausted} of {len(seeds)} seeds)"
            )
        for key in ("validated", "reports"):
            if f"points_{key}" in entry:
                lines.append(f"{'':12} {key} points {_stat(entry[f'points_{key}'])}")
    return "\n".join(lines)
