"""Output files of a run, named by the whole scenario (its short hash) and the seeds, so runs with
other agents, mechanisms or waits never overwrite each other; replacing a file is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def output_stem(summary: dict[str, Any]) -> str:
    """`DATASET-MODEL-INCENTIVE-SCENARIOID-seedN` (or `-seedsA-B` for several seeds)."""
    seeds = summary.get("seeds")
    seed_part = f"seeds{seeds[0]}-{seeds[-1]}" if seeds else f"seed{summary['seed']}"
    dataset = Path(str(summary["dataset"])).stem.replace(" ", "-")
    model = str(summary["model"]).replace(" ", "-")
    return f"{dataset}-{model}-{summary['incentive']}-{summary['scenario_id']}-{seed_part}"


def write_outputs(
    out_dir: Path, summary: dict[str, Any], series: list[dict[str, Any]], no_plot: bool
) -> dict[str, Any]:
    """Write the time series (one list entry per seed) and the plot; return their paths and the
    files that existed before (`replaced_files`: the same scenario and seeds run again)."""
    from ape_sum.simulation.report import write_band_plot

    stem = output_stem(summary)
    out_dir.mkdir(parents=True, exist_ok=True)
    series_path = out_dir / f"{stem}.json"
    plot_path = out_dir / f"{stem}.png"
    replaced = [str(p) for p in (series_path, plot_path) if p.exists() and not (
        no_plot and p == plot_path)]  # fmt: skip
    body: Any = series[0] if len(series) == 1 else {"runs": series}
    series_path.write_text(json.dumps(body, separators=(",", ":")))
    out: dict[str, Any] = {"series_file": str(series_path)}
    if not no_plot:
        out["plot_file"] = str(write_band_plot(series, plot_path))
    if replaced:
        out["replaced_files"] = replaced
    return out
