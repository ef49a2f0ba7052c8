"""`ape sum simulate`: see how a model and an incentive mechanism behave before deploying them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ape_sum._cli.click_ext import INCENTIVE_KIND, MODEL_KIND, MODEL_KIND_HELP
from ape_sum.core.incentives import IncentiveKind


class Duration(click.ParamType):
    """`90`, `90s`, `10min`, `24h`, `9d`, `1w` -> whole seconds (`core.units.parse_duration`)."""

    name = "duration"

    def convert(self, value, param, ctx):
        from ape_sum.core.units import UnitError, parse_duration

        try:
            return parse_duration(value)
        except UnitError as exc:
            self.fail(str(exc), param, ctx)


@click.command(short_help="Simulate agents contributing to a model under an incentive mechanism")
@click.option(
    "--dataset",
    "-d",
    default="rotten-tomatoes",
    show_default=True,
    help="rotten-tomatoes, rotten-tomatoes-full, breast-cancer, or a CSV file.",
)
@click.option(
    "--model",
    "-m",
    "model_cls",
    type=MODEL_KIND,
    default=None,
    help=f"The model: {MODEL_KIND_HELP} (default: sparse perceptron for text, dense perceptron "
    "for numbers).",
)
@click.option(
    "--incentive", type=INCENTIVE_KIND, default=IncentiveKind.DEPOSIT.value, show_default=True
)
@click.option(
    "--cost-weight",
    type=float,
    default=None,
    help="Units (1 unit = 1e12 wei); cost = weight x 3600 / isqrt(s since last).",
)
@click.option("--refund-wait", type=Duration(), default="1d", show_default=True)
@click.option(
    "--owner-wait",
    type=Duration(),
    default=None,
    help="Owner take after this (default: midway between the refund and take-all waits).",
)
@click.option(
    "--take-wait",
    type=Duration(),
    default="9d",
    show_default=True,
    help="Anyone may take what is left after this.",
)
@click.option(
    "--initial-fraction",
    type=float,
    default=0.08,
    show_default=True,
    help="Part of the training data the deployed model starts with.",
)
@click.option(
    "--test-fraction",
    type=float,
    default=0.2,
    show_default=True,
    help="Held-out part of the data set, for accuracy.",
)
@click.option(
    "--agent",
    "agent_specs",
    multiple=True,
    metavar="SPEC",
    help="NAME[,good=BOOL][,balance=N][,deposit=MEAN[:SPREAD]]"
    "[,interval=SECONDS[:SPREAD]][,mistakes=P][,useful=BOOL]; repeat for "
    "several (default: 'good' and 'bad').",
)
@click.option("--max-contributions", type=int, default=None, help="Stop the data stream here.")
@click.option(
    "--vocabulary",
    type=int,
    default=None,
    help="Sparse models on text: presence of the N most frequent training words (default 1000, "
    "the research's features; 0 hashes every token instead).",
)
@click.option(
    "--text-features", type=int, default=None, help="Hash buckets for text (with --vocabulary 0)."
)
@click.option(
    "--encoder",
    default=None,
    help="Encoder spec or `embedding` (sentence embeddings, cached per data set) instead of the "
    "model's default.",
)
@click.option(
    "--eval-every",
    type=Duration(),
    default="6h",
    show_default=True,
    help="Simulated time between accuracy evaluations.",
)
@click.option(
    "--eval-every-contributions",
    type=int,
    default=None,
    help="Also evaluate after this many contributions (default: 1% of the stream).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--seeds",
    type=int,
    default=1,
    show_default=True,
    help="Run this many seeds (from --seed; in parallel processes) and report mean and spread.",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("simulation-runs"),
    show_default=True,
    help="Where the time series (JSON) and the plot (PNG) go.",
)
@click.option("--no-plot", is_flag=True, help="Skip the PNG plot.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option(
    "--on-chain",
    is_flag=True,
    help="Replay the run through the real contracts and check they agree exactly.",
)
@click.option(
    "--network", default="ethereum:local:foundry", show_default=True, help="Network for --on-chain."
)
@click.option(
    "--on-chain-contributions",
    type=int,
    default=40,
    show_default=True,
    help="Contributions replayed with --on-chain (a shorter run).",
)
def simulate(dataset, model_cls, incentive, cost_weight, refund_wait, owner_wait, take_wait,
             initial_fraction, test_fraction, agent_specs, max_contributions, vocabulary,
             text_features, encoder, eval_every, eval_every_contributions, seed, seeds, out_dir,
             no_plot, as_json, on_chain, network, on_chain_contributions):  # fmt: skip
    """Simulate good and bad agents contributing to a model under an incentive mechanism, with
    the same integer rules as the contracts, and report accuracy and balances over time."""
    from ape_sum.simulation import SimulationError
    from ape_sum.simulation.config import (
        DEFAULT_COST_WEIGHT,
        DEFAULT_VOCABULARY,
        Scenario,
        parse_agent,
    )
    from ape_sum.simulation.report import summary_table

    try:
        agents = tuple(parse_agent(s) for s in agent_specs)
        changes = {} if not agents else {"agents": agents}
        if on_chain:
            max_contributions = min(max_contributions or on_chain_contributions,
                                    on_chain_contributions)  # fmt: skip
        if vocabulary is None:
            vocabulary = None if text_features is not None else DEFAULT_VOCABULARY
        elif vocabulary == 0:
            vocabulary = None
        if seeds < 1:
            raise SimulationError(f"--seeds must be at least 1, got {seeds}")
        if seeds > 1 and on_chain:
            raise SimulationError("--on-chain replays one seed: drop --seeds")
        scenario = Scenario(
            dataset=dataset, model=model_cls.kind if model_cls else None, incentive=incentive,
            cost_weight=DEFAULT_COST_WEIGHT if cost_weight is None else cost_weight,
            refund_wait_s=refund_wait,
            owner_claim_wait_s=(refund_wait + take_wait) // 2 if owner_wait is None else owner_wait,
            any_address_claim_wait_s=take_wait, initial_fraction=initial_fraction,
            test_fraction=test_fraction, seed=seed, eval_interval_s=eval_every,
            max_contributions=max_contributions, text_features=text_features, encoder=encoder,
            vocabulary=vocabulary, eval_every_contributions=eval_every_contributions, **changes,
        )  # fmt: skip
        scenario.validate()
        if seeds > 1:
            _multi_seed(scenario, seeds, out_dir, no_plot, as_json)
            return
        if on_chain:
            summary, result = _on_chain(scenario, network, as_json)
        else:
            result = _run_with_progress(scenario, as_json)
            summary = result.summary()
    except (SimulationError, OSError) as err:
        raise click.ClickException(str(err)) from None
    from ape_sum.simulation.report import series_json

    _publish(summary, [series_json(result)], out_dir, no_plot, as_json, summary_table, "seed")
    if "on_chain" in summary and not as_json:
        chain = summary["on_chain"]
        click.echo(
            f"on chain ({chain['network']}): {chain['transactions']} transactions, "
            f"{chain['tx_per_second']:.1f} tx/s; model, balances and claims match the mirror"
        )


def _publish(result, series, out_dir: Path, no_plot: bool, as_json: bool, table, what: str) -> None:
    """Write a run's time series (and plot), then print its summary: one JSON document with
    `--json`, else the table and where the files went."""
    from ape_sum.simulation.outputs import write_outputs

    try:
        result.update(write_outputs(out_dir, result, series, no_plot))
    except OSError as err:
        raise click.ClickException(f"cannot write the outputs to {out_dir}: {err}") from None
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(table(result))
    click.echo(f"time series: {result['series_file']}")
    if "plot_file" in result:
        click.echo(f"plot: {result['plot_file']}")
    for replaced in result.get("replaced_files", []):
        click.echo(f"note: replaced {replaced} (an earlier run of the same scenario and {what})")


def _multi_seed(scenario, seeds: int, out_dir: Path, no_plot: bool, as_json: bool) -> None:
    from ape_sum.simulation import SimulationError
    from ape_sum.simulation.report import seeds_table
    from ape_sum.simulation.seeds import aggregate, run_seeds

    try:
        runs = run_seeds(scenario, seeds)
    except SimulationError as err:
        raise click.ClickException(str(err)) from None
    result = aggregate([summary for summary, _ in runs])
    series = [series for _, series in runs]
    _publish(result, series, out_dir, no_plot, as_json, seeds_table, "seeds")


def _run_with_progress(scenario, quiet: bool, **kwargs):
    from ape_sum.simulation import run_scenario

    if quiet or not sys.stderr.isatty():
        return run_scenario(scenario, **kwargs)
    with click.progressbar(length=1, label="contributions", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        return run_scenario(scenario, progress=progress, **kwargs)


def _on_chain(scenario, network: str, quiet: bool):
    from ape import networks

    from ape_sum.chain.reverts import first_line
    from ape_sum.simulation import SimulationError
    from ape_sum.simulation.replay import ReplayMismatch, replay_on_chain
    from ape_sum.toolchain import ensure_anvil_on_path

    ensure_anvil_on_path()  # a Foundry network starts anvil, which ape-foundry finds on PATH
    try:
        with networks.parse_network_choice(network):
            report, result = replay_on_chain(scenario)
    except ReplayMismatch as err:
        raise click.ClickException(f"the chain disagrees with the mirror: {err}") from None
    except SimulationError:
        raise
    except Exception as err:  # connection problems, reverts: one line, not a traceback
        raise click.ClickException(f"on-chain replay failed: {first_line(err)}") from None
    summary = result.summary()
    summary["on_chain"] = {**report, "network": network}
    return summary, result
