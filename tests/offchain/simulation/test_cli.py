"""`ape sum simulate` options, outputs and bad input."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ape_sum._cli.simulate import simulate


def invoke(*args):
    return CliRunner(mix_stderr=False).invoke(simulate, list(args))


def test_json_summary_series_and_plot(tmp_path):
    r = invoke("--dataset", "breast-cancer", "--json", "--out-dir", str(tmp_path), "--seed", "1")
    assert r.exit_code == 0, r.output + r.stderr
    s = json.loads(r.stdout)
    assert set(s["accuracy"]) >= {"start", "end", "min", "baseline"}
    assert 0 <= s["accuracy"]["end"] <= 1
    assert {"good", "bad"} <= set(s["agents"]) and "balance_pct" in s["agents"]["good"]
    with open(s["series_file"]) as handle:
        series = json.load(handle)
    assert series["points"][0]["day"] == 0 and "good" in series["points"][-1]["balance_pct"]
    with open(s["plot_file"], "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_table_and_custom_agents(tmp_path):
    r = invoke("--dataset", "breast-cancer", "--out-dir", str(tmp_path), "--no-plot",
               "--agent", "alice,deposit=60:5", "--agent", "mallory,good=false",
               "--incentive", "points", "--refund-wait", "2h", "--take-wait", "2d")  # fmt: skip
    assert r.exit_code == 0, r.output + r.stderr
    assert "alice" in r.stdout and "mallory" in r.stdout and "points:" in r.stdout


def test_csv_data_set(tmp_path):
    csv = tmp_path / "reviews.csv"
    rows = ["text,label"] + [
        f"{'great fun lovely' if i % 2 else 'dull boring awful'} film {i},{i % 2}"
        for i in range(120)
    ]
    csv.write_text("\n".join(rows))
    r = invoke("--dataset", str(csv), "--json", "--out-dir", str(tmp_path), "--no-plot")
    assert r.exit_code == 0, r.output + r.stderr
    assert json.loads(r.stdout)["dataset"] == "reviews"


def _one_line_error(r, fragment):
    assert r.exit_code != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], r.stderr


def test_unknown_data_set():
    _one_line_error(invoke("--dataset", "no-such-data"), "unknown data set")


def test_bad_csv(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    _one_line_error(invoke("--dataset", str(bad)), "no 'label' column")


def test_impossible_parameters():
    _one_line_error(invoke("--refund-wait", "10d", "--take-wait", "1d"), "wait times")
    _one_line_error(invoke("--initial-fraction", "0"), "initial fraction")
    _one_line_error(invoke("--agent", "x,deposit=99999"), "start balance")
    _one_line_error(invoke("--model", "decision tree"), "unknown model type")
    r = invoke("--refund-wait", "soon")
    assert r.exit_code == 2 and "duration" in r.stderr


def test_model_names_as_on_every_command(tmp_path):
    # The CLI name (as `train` takes it) and the model-file name both work.
    for name in ("dense-perceptron", "dense perceptron"):
        r = invoke("--dataset", "breast-cancer", "--model", name, "--json", "--no-plot",
                   "--max-contributions", "20", "--out-dir", str(tmp_path))  # fmt: skip
        assert r.exit_code == 0, r.output + r.stderr
        assert json.loads(r.stdout)["model"] == "dense perceptron"
