"""`ape sum gas-report`: measure the gas workloads against their budgets."""

from __future__ import annotations

from pathlib import Path

import click
from ape.cli import ape_cli_context, network_option

from ape_sum._cli.click_ext import SumCommand

DEFAULT_NETWORK = "ethereum:local:foundry"
WORKLOAD_KEYS = ("S", "D", "N", "C")


def _select(rows: list[str], wanted: tuple[str, ...], failed: set[str]) -> list[str]:
    selected: list[str] = []
    for item in wanted:
        if item.lower() == "all":
            selected += rows
        elif item.lower() in ("failed", "over"):
            selected += [r for r in rows if r in failed]
        elif item in rows:
            selected.append(item)
        else:
            raise click.BadParameter(f"unknown row {item!r}; rows: {', '.join(rows)}")
    return list(dict.fromkeys(selected))


@click.command(
    name="gas-report",
    cls=SumCommand,
    short_help="Measure the gas of the benchmark workloads against their budgets",
)
@ape_cli_context(default_log_level="WARNING")
@network_option(default=DEFAULT_NETWORK)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of row objects.")
@click.option(
    "--workload",
    "-w",
    "workloads",
    multiple=True,
    type=click.Choice(WORKLOAD_KEYS),
    help="Only these workloads (repeatable; default: all four).",
)
@click.option(
    "--breakdown",
    "breakdowns",
    multiple=True,
    metavar="ROW",
    help="Per-opcode-class breakdown of ROW (e.g. 'S refund'), 'failed' or 'all'. Repeatable.",
)
@click.option("--seed", type=int, default=5, show_default=True, help="Workload data seed.")
@click.option(
    "--update-doc",
    "update_docs",
    multiple=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the Markdown table between the gas-report markers of this file (e.g. docs/GAS.md). "
    "Repeatable: every file gets the table of the same run.",
)
@click.option("--check", is_flag=True, help="Exit with status 1 when a row is over budget.")
def gas_report(
    cli_ctx,
    as_json: bool,
    workloads: tuple[str, ...],
    breakdowns: tuple[str, ...],
    seed: int,
    update_docs: tuple[Path, ...],
    check: bool,
):
    """Deploy the S, D, N and C workloads on a fresh chain and print, per row of the budget
    table: gas used, budget, the original system's figure, gas / original and pass/fail.

    Transactions count their receipt's gasUsed; `predict` is eth_estimateGas of the view call
    (21,000 base included); a deploy total adds every transaction until the trainer is usable.
    Runs on a fresh Anvil (pinned hardfork) by default.
    """
    from ape import chain

    from ape_sum.gas.breakdown import format_breakdown
    from ape_sum.gas.measure import breakdown, code_sizes, run
    from ape_sum.gas.report import markdown_table, text_table, to_json, update_document

    keys = tuple(k for k in WORKLOAD_KEYS if k in workloads) or WORKLOAD_KEYS

    def progress(message: str) -> None:
        click.echo(message, err=True)

    results = run(keys, seed=seed, progress=progress)
    if as_json:
        click.echo(to_json(results))
    else:
        click.echo(text_table(results))

    failed = {m.row for m in results if not m.passed}
    by_row = {m.row: m for m in results}
    for row in _select(list(by_row), breakdowns, failed):
        m = by_row[row]
        b = breakdown(m)
        text = format_breakdown(f"{row} (reported {m.gas:,}, budget {m.budget:,})", b, m.contracts)
        if row.endswith("deploy total"):
            sizes = code_sizes(m.contracts)
            text += "\n\n" + ", ".join(f"{name} {size:,} B" for name, size in sizes.items())
        click.echo("\n" + text, err=as_json)

    if update_docs:
        info = chain.provider.make_request("anvil_nodeInfo", []) if _is_anvil() else {}
        client = chain.provider.make_request("web3_clientVersion", [])
        context = (
            f"Measured by `ape sum gas-report` on {client}"
            + (f", hardfork {info.get('hardFork')}" if info else "")
            + f", workload seed {seed}."
        )
        table = markdown_table(results, context)
        for path in update_docs:
            changed = update_document(path, table)
            progress(f"{'updated' if changed else 'unchanged'}: {path}")
    if check and failed:
        raise SystemExit(1)


def _is_anvil() -> bool:
    from ape import chain

    return "anvil" in str(chain.provider.make_request("web3_clientVersion", [])).lower()
