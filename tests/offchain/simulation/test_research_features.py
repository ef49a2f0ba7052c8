"""The research's construction in the simulation: vocabulary features, sampling by contributions,
fast exact evaluation, several seeds, output names, points in the plot."""

from __future__ import annotations

import json
import statistics

from click.testing import CliRunner

from ape_sum._cli.simulate import simulate
from ape_sum.core.datasets import load_dataset, train_test_split
from ape_sum.core.encoding import VocabularyEncoder
from ape_sum.core.encoding.frequent import frequent_words
from ape_sum.core.metrics import accuracy
from ape_sum.simulation import run_scenario
from ape_sum.simulation.config import Scenario
from ape_sum.simulation.data import prepare
from ape_sum.simulation.engine import Simulation
from ape_sum.simulation.outputs import output_stem
from ape_sum.simulation.seeds import aggregate, run_seeds

SHORT_TEXT = Scenario(seed=1, max_contributions=300)


def invoke(*args):
    return CliRunner(mix_stderr=False).invoke(simulate, list(args))


def test_text_default_is_the_frequent_words_of_the_training_pool_only():
    data, _, _ = prepare(SHORT_TEXT)
    assert isinstance(data.encoder, VocabularyEncoder) and data.encoder.num_features == 1000
    dataset = load_dataset("rotten-tomatoes")
    pool, _ = train_test_split(dataset, 1.0 - SHORT_TEXT.test_fraction, seed=1)
    vocab = data.encoder.vocab
    assert sorted(vocab, key=vocab.__getitem__) == frequent_words(pool.samples, 1000, "words")
    hashed, _, _ = prepare(SHORT_TEXT.with_changes(vocabulary=None))
    assert '"type":"murmurhash3"' in hashed.encoder_spec


def test_fast_evaluation_equals_one_prediction_at_a_time():
    data, model, _ = prepare(SHORT_TEXT)
    sim = Simulation(SHORT_TEXT, model.copy(), None, data.stream, data.test, num_classes=2,
                     start_time=0)  # fmt: skip
    assert sim._flat_test is not None
    slow = accuracy((model.predict(x) for x, _ in data.test), (y for _, y in data.test))
    assert sim.evaluate() == slow
    for x, y in data.stream[:200]:
        sim.model.update(x, 1 - y)
    slow = accuracy((sim.model.predict(x) for x, _ in data.test), (y for _, y in data.test))
    assert sim.evaluate() == slow != accuracy([0], [0])


def test_accuracy_is_sampled_by_contributions():
    result = run_scenario(SHORT_TEXT.with_changes(eval_every_contributions=25))
    counts = [p.contributions for p in result.outcome.series]
    assert all(c in counts for c in range(25, 301, 25))
    times = [p.time for p in result.outcome.series]
    assert times == sorted(times)


def test_several_seeds_mean_and_spread():
    scenario = Scenario(dataset="breast-cancer", seed=5, max_contributions=80)
    runs = run_seeds(scenario, 3, workers=2)
    summaries = [s for s, _ in runs]
    assert [s["seed"] for s in summaries] == [5, 6, 7]
    assert summaries[1] == run_scenario(scenario.with_changes(seed=6)).summary() | {
        "performance": summaries[1]["performance"]
    }
    agg = aggregate(summaries)
    ends = [s["accuracy"]["end"] for s in summaries]
    assert agg["accuracy"]["end"] == statistics.fmean(ends)
    assert agg["spread"]["accuracy"]["end"] == {
        "n": 3, "mean": statistics.fmean(ends), "std": statistics.stdev(ends),
        "min": min(ends), "max": max(ends),
    }  # fmt: skip
    bad = [s["agents"]["bad"]["balance_pct"] for s in summaries]
    assert agg["agents"]["bad"]["balance_pct"] == statistics.fmean(bad)
    assert len({s["scenario_id"] for s in summaries}) == 1


def test_output_names_carry_the_scenario_and_replacing_is_reported(tmp_path):
    base = ("--dataset", "breast-cancer", "--max-contributions", "40", "--json",
            "--out-dir", str(tmp_path))  # fmt: skip
    first = json.loads(invoke(*base).stdout)
    other = json.loads(invoke(*base, "--incentive", "points").stdout)
    again = json.loads(invoke(*base).stdout)
    assert first["series_file"] != other["series_file"]
    assert first["scenario_id"] != other["scenario_id"]
    assert (
        output_stem(first) == f"breast-cancer-dense-perceptron-deposit-{first['scenario_id']}-seed0"
    )
    assert "replaced_files" not in first and "replaced_files" not in other
    assert again["replaced_files"] == [first["series_file"], first["plot_file"]]


def test_points_are_in_the_series_and_seeds_in_one_json(tmp_path):
    r = invoke("--dataset", "breast-cancer", "--max-contributions", "60", "--incentive", "points",
               "--seeds", "2", "--json", "--out-dir", str(tmp_path))  # fmt: skip
    assert r.exit_code == 0, r.output + r.stderr
    out = json.loads(r.stdout)
    assert out["seeds"] == [0, 1] and len(out["runs"]) == 2
    assert out["plot_file"].endswith(f"-{out['scenario_id']}-seeds0-1.png")
    with open(out["series_file"]) as handle:
        series = json.load(handle)["runs"]
    last = series[0]["points"][-1]["points"]["good"]
    assert last == {
        "validated": out["runs"][0]["agents"]["good"]["points"]["validated"],
        "reports": out["runs"][0]["agents"]["good"]["points"]["reports"],
    }
    with open(out["plot_file"], "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
