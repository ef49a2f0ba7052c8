"""`ape sum demo`: the whole SUM story on a local chain, in about a minute."""

from __future__ import annotations

import click

from ape_sum._cli.click_ext import SumCliContext, SumCommand, json_option, sum_cli_ctx, user_errors


@click.command(cls=SumCommand, short_help="Run the whole SUM story on a local chain")
@sum_cli_ctx
@click.option(
    "--dataset",
    type=click.Choice(["breast-cancer", "rotten-tomatoes"]),
    default="breast-cancer",
    show_default=True,
    help="breast-cancer: dense perceptron; rotten-tomatoes: sparse perceptron over hashed words.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the data split.")
@click.option(
    "--per-contributor",
    type=click.IntRange(min=1, max=30),
    default=4,
    show_default=True,
    help="Good contributions by each of Alice and Carol (Bob adds one fewer bad one).",
)
@json_option
def demo(cli_ctx: SumCliContext, dataset: str, seed: int, per_contributor: int, as_json: bool):
    """Train a model on a real data set, deploy it, let test accounts contribute good and bad
    data, advance time, refund, report and take, then tell the story with the accuracy before and
    after and every account's balance change.

    Runs on the embedded default network (ethereum:local:test) with no node to start, or on any
    local or forked network (--network ethereum:local:foundry).
    """
    from ape_sum.core.units import format_wei
    from ape_sum.demo import run_demo

    with user_errors(cli_ctx):
        if not as_json:
            click.echo(f"SUM demo: the lifecycle of a shared model, on {_network()}\n")
        steps = iter(range(1, 100))
        report = run_demo(
            dataset=dataset,
            seed=seed,
            per_contributor=per_contributor,
            log=lambda line: cli_ctx.echo(f"{next(steps)}. {line}"),
        )
    if as_json:
        cli_ctx.emit_json(report.to_json())
        return
    click.echo("")
    click.echo(
        f"Accuracy on {report.test_size} held-out samples: {report.accuracy_before:.1%} when "
        f"deployed, {report.accuracy_after:.1%} after the contributions."
    )
    if report.refused:
        reasons = "; ".join(f"{count}x {reason}" for reason, count in report.refused.items())
        click.echo(f"Refused claims (checked before sending, no gas spent): {reasons}")
    click.echo("")
    rows = [("account", "role", "balance change", "of which gas")] + [
        (actor.name, actor.role, format_wei(actor.change), format_wei(-actor.fees))
        for actor in report.actors
    ]
    # Columns as wide as their longest cell: text left-aligned, amounts right-aligned.
    name_w, role_w, change_w, gas_w = [max(map(len, col)) for col in zip(*rows, strict=True)]
    for name, role, change, gas in rows:
        click.echo(f"{name:<{name_w}}  {role:<{role_w}}  {change:>{change_w}}  {gas:>{gas_w}}")
    click.echo(f"Left in the trainer: {format_wei(report.trainer_balance_end)}")
    click.echo("")
    click.echo(f"Trainer: {report.trainer}. Your own model next (see docs/CLI.md):")
    click.echo("  ape sum train breast-cancer -o model.json && ape sum deploy model.json ...")


def _network() -> str:
    from ape import networks

    return networks.provider.network_choice
