"""`ape sum add-data`, `contributions`, `refund` and `report`: contributing and claiming."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import click

from ape_sum._cli.click_ext import (
    SumCliContext,
    SumCommand,
    account_option,
    json_option,
    page_size_option,
    send_or_explain,
    split_trainer_and_input,
    sum_cli_ctx,
    trainer_argument,
    trainer_option,
    user_errors,
)

if TYPE_CHECKING:
    from ape_sum.chain.contributions import Contribution
    from ape_sum.chain.trainer import TrainerHandle


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _short_address(address: str) -> str:
    return f"{address[:6]}..{address[-4:]}"


def _check_funds(
    cli_ctx: SumCliContext, account: Any, value: int, gas_estimate: int | None
) -> None:
    """Refuse before sending when the account cannot pay `value` plus gas."""
    from ape import networks

    from ape_sum.core.units import format_wei

    balance = int(account.balance)
    gas_cost = 0
    if gas_estimate:
        try:
            gas_cost = int(gas_estimate) * int(networks.provider.gas_price)
        except Exception:
            gas_cost = 0
    if balance < value + gas_cost:
        cli_ctx.abort(
            f"insufficient balance: {account.address} has {format_wei(balance)}, needs "
            f"{format_wei(value + gas_cost)} ({format_wei(value)} deposit + gas)"
        )


def _preflight(method: Any, *args: Any, **kwargs: Any) -> int | None:
    """Run the transaction as a free call first (a refusal raises, nothing is sent); return a gas
    estimate when the provider gives one. Ape may print a refused call's trace on stdout: it goes
    to stderr, so stdout keeps only the command's output (one JSON document with `--json`)."""
    import contextlib
    import sys

    with contextlib.redirect_stdout(sys.stderr):
        method.call(*args, **kwargs)
    try:
        return int(method.estimate_gas_cost(*args, **kwargs))
    except Exception:
        return None


# --------------------------------------------------------------------------- add-data

HEADROOM_PERCENT = 10
"""Default `--max-deposit` above the quote. The cost only falls as time passes; it jumps only when
someone else contributes first, and then by far more than any headroom, so a small one is enough
and bounds what a race can cost."""


@click.command(
    name="add-data",
    cls=SumCommand,
    short_help="Contribute a labelled sample (with the current deposit)",
    context_settings={"ignore_unknown_options": True},
)
@sum_cli_ctx
@click.argument("args", nargs=-1, metavar="[TRAINER] INPUT")
@click.option("--label", "-l", required=True, help="The class of INPUT (a class name or index).")
@click.option(
    "--max-deposit",
    metavar="AMOUNT",
    help="Most you will pay, with its unit (e.g. '0.05 ether'); it is sent and the trainer "
    f"returns what the deposit does not use. Default: the quote plus {HEADROOM_PERCENT}%.",
)
@click.option(
    "--deposit",
    metavar="AMOUNT",
    help="Send exactly this (with its unit); the trainer returns what the deposit does not use.",
)
@trainer_option
@account_option
@json_option
def add_data(
    cli_ctx: SumCliContext,
    args: tuple[str, ...],
    label: str,
    max_deposit: str | None,
    deposit: str | None,
    trainer_ref: str | None,
    account_alias: str | None,
    as_json: bool,
):
    """Encode INPUT with the trainer's encoder, quote the deposit for the block the transaction
    will land in and contribute it. At most --max-deposit is sent (default: the quote plus
    10%, since the cost only falls as time passes unless someone else contributes
    first); the trainer returns the excess. When the quote is above the maximum, nothing is sent.
    Prints the transaction, the contribution's time, its cost and when it can be refunded.
    """
    from ape_sum.core.units import format_duration, format_wei, parse_wei

    with user_errors(cli_ctx):
        if deposit is not None and max_deposit is not None:
            cli_ctx.abort("give --deposit or --max-deposit, not both")
        # Amounts first: a typo costs no connection time.
        chosen = parse_wei(deposit if deposit is not None else max_deposit or 0)
        trainer, text = split_trainer_and_input(cli_ctx, args, trainer_ref, need_input=True)
        handle = cli_ctx.open_trainer(trainer)
        data = handle.encode(text)
        classification = handle.class_index(label)
        handle.predict(data)  # the model's own input checks, as a free call
        account = cli_ctx.resolve_account(account_alias)
        quote = handle.quote_add_data_cost()
        if deposit is not None:
            value = chosen
            if value < quote:
                cli_ctx.abort(
                    f"the deposit {format_wei(value)} is below the current cost {format_wei(quote)}"
                )
        elif max_deposit is not None:
            value = chosen
            if value < quote:
                cli_ctx.abort(
                    f"the deposit needed now is {format_wei(quote)}, above --max-deposit "
                    f"{format_wei(value)}: nothing was sent"
                )
        else:
            value = quote + quote * HEADROOM_PERCENT // 100
        _check_funds(cli_ctx, account, value, None)
        gas = _preflight(handle.trainer.addData, data, classification, sender=account, value=value)
        _check_funds(cli_ctx, account, value, gas)
        receipt = send_or_explain(
            handle.trainer.addData, data, classification, sender=account, value=value
        )
        logs = list(handle.trainer.AddData.from_receipt(receipt))
        if not logs:
            cli_ctx.abort(f"transaction {receipt.txn_hash} emitted no AddData event")
        log = logs[0]
        refund_wait = int(handle.mechanism.refundWaitTimeS())
        added = int(log.t)
    payload = {
        "trainer": handle.address,
        "tx": receipt.txn_hash,
        "block_number": int(receipt.block_number),
        "author": str(account.address),
        "data": data,
        "classification": classification,
        "label": handle.class_name(classification),
        "added_time": added,
        "cost_wei": int(log.cost),
        "quote_wei": quote,
        "sent_wei": value,
        "returned_wei": value - int(log.cost),
        "refund_from": added + refund_wait,
        "fees_wei": int(receipt.total_fees_paid),
    }
    if as_json:
        cli_ctx.emit_json(payload)
        return
    click.echo(f"Added {payload['label']!r} data to {handle.name} ({handle.address})")
    click.echo(f"  tx          {payload['tx']}")
    click.echo(f"  added time  {added} ({_utc(added)})")
    click.echo(f"  deposit     {format_wei(payload['cost_wei'])} (quoted {format_wei(quote)})")
    if payload["returned_wei"]:
        click.echo(
            f"  returned    {format_wei(payload['returned_wei'])} of {format_wei(value)} sent"
        )
    click.echo(
        f"  refund      from {_utc(added + refund_wait)} (in {format_duration(refund_wait)}) "
        "if the model still agrees: ape sum refund " + payload["tx"]
    )


# --------------------------------------------------------------------------- contributions


@click.command(cls=SumCommand, short_help="List contributions and what you may do")
@sum_cli_ctx
@trainer_argument
@click.option("--author", help="Only this author's contributions (an address).")
@click.option("--mine", is_flag=True, help="Only the viewing account's contributions.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the last N contributions.")
@account_option
@page_size_option
@json_option
def contributions(
    cli_ctx: SumCliContext,
    trainer: str | None,
    author: str | None,
    mine: bool,
    limit: int | None,
    account_alias: str | None,
    page_size: int,
    as_json: bool,
):
    """A table of the trainer's contributions, read from its AddData events: author, label, time,
    deposit, claimable, the model's current prediction and what the viewing account (--account)
    may do now: refund, report, take, or wait, and why not.
    """
    from ape import chain

    from ape_sum.chain.contributions import load_contributions
    from ape_sum.chain.trainer import is_address
    from ape_sum.core.units import format_wei

    with user_errors(cli_ctx):
        handle = cli_ctx.open_trainer(trainer)
        viewer = None
        if account_alias or cli_ctx.network_is_dev:
            viewer = str(cli_ctx.resolve_account(account_alias).address)
        if author and not is_address(author):
            cli_ctx.abort(f"--author must be an address, not {author[:50]!r}")
        if mine:
            if viewer is None:
                cli_ctx.abort("--mine needs --account on a live network")
            author = viewer
        items = load_contributions(
            handle, viewer=viewer, author=author, page_size=page_size, limit=limit
        )
        now = int(chain.pending_timestamp)
    if as_json:
        cli_ctx.emit_json({"trainer": handle.address, "viewer": viewer, "now": now,
                           "contributions": [c.to_json() for c in items]})  # fmt: skip
        return
    if not items:
        click.echo(f"No contributions to {handle.name} yet.")
        return
    viewing = f", as seen by {viewer}" if viewer else ""
    click.echo(f"{len(items)} contribution(s) to {handle.name} ({handle.address}){viewing}")
    header = f"{'id':>4}  {'author':<12}  {'label':<10}  {'added (UTC)':<19}  {'deposit':>14}  "
    header += f"{'claimable':>14}  {'model says':<10}  you may"
    click.echo(header)
    for c in items:
        predicted = handle.class_name(c.prediction) if c.prediction is not None else "?"
        may = c.assessment.short(now) if c.assessment else "-"
        click.echo(
            f"{c.id:>4}  {_short_address(c.author):<12}  {c.label[:10]:<10}  "
            f"{_utc(c.added_time)[:19]:<19}  {format_wei(c.initial_deposit):>14}  "
            f"{format_wei(c.claimable):>14}  {predicted[:10]:<10}  {may}"
        )
        if c.assessment and not c.assessment.allowed:
            click.echo(f"{'':>6}why: {c.assessment.reason}")


# --------------------------------------------------------------------------- refund / report


def _claim(
    cli_ctx: SumCliContext,
    command: str,
    contribution_ref: str,
    trainer_ref: str | None,
    account_alias: str | None,
    page_size: int,
) -> tuple[TrainerHandle, Contribution, Any, int]:
    """Check every rule off chain, then send `refund` or `report`; return the amount received."""
    from ape_sum.chain.contributions import REFUND, REPORT, TAKE, find_contribution

    handle = cli_ctx.open_trainer(trainer_ref)
    account = cli_ctx.resolve_account(account_alias)
    item = find_contribution(handle, contribution_ref, viewer=str(account.address),
                             page_size=page_size)  # fmt: skip
    verdict = item.assessment
    assert verdict is not None
    allowed_actions = (REFUND,) if command == REFUND else (REPORT, TAKE)
    if not verdict.allowed:
        cli_ctx.abort(f"cannot {command} this contribution: {verdict.reason}")
    if verdict.action not in allowed_actions:
        hint = "ape sum refund" if verdict.action == REFUND else "ape sum report"
        cli_ctx.abort(f"cannot {command} this contribution: {verdict.reason}; use `{hint}` instead")
    args = [item.data, item.classification, item.added_time]
    if command != REFUND:
        args.append(item.author)
    method = getattr(handle.trainer, command)
    gas = _preflight(method, *args, sender=account)
    _check_funds(cli_ctx, account, 0, gas)
    receipt = method(*args, sender=account)
    event = handle.trainer.Refund if command == REFUND else handle.trainer.Report
    logs = list(event.from_receipt(receipt))
    amount = int(logs[0].amount) if logs else 0
    return handle, item, receipt, amount


def _claim_output(
    cli_ctx: SumCliContext, command: str, handle, item, receipt, amount: int, as_json: bool
) -> None:
    from ape_sum.core.units import format_wei

    payload = {
        "trainer": handle.address,
        "action": item.assessment.action,
        "contribution": item.to_json() | {"assessment": item.assessment.to_json()},
        "tx": receipt.txn_hash,
        "amount_wei": amount,
        "fees_wei": int(receipt.total_fees_paid),
    }
    if as_json:
        cli_ctx.emit_json(payload)
        return
    ref = f"#{item.id}" if item.id else item.tx_hash
    what = {"refund": "Refunded", "report": "Reported", "take": "Took"}[item.assessment.action]
    click.echo(f"{what} contribution {ref} ({item.label!r} by {item.author})")
    click.echo(f"  tx        {receipt.txn_hash}")
    click.echo(f"  received  {format_wei(amount)}")
    if not handle.incentive_kind.has_deposits:
        click.echo("  (points mechanism: no money moves; the claim counts as a point)")


@click.command(cls=SumCommand, short_help="Get your deposit back on good data")
@sum_cli_ctx
@click.argument("contribution", metavar="CONTRIBUTION")
@trainer_option
@account_option
@page_size_option
@json_option
def refund(
    cli_ctx: SumCliContext,
    contribution: str,
    trainer_ref: str | None,
    account_alias: str | None,
    page_size: int,
    as_json: bool,
):
    """Ask for the deposit back on your CONTRIBUTION (the id from `ape sum contributions`, or the
    hash of the transaction that added it). Every rule is checked first and a refusal is
    explained: too early (and for how long), the model disagrees, already claimed.
    """
    with user_errors(cli_ctx):
        handle, item, receipt, amount = _claim(
            cli_ctx, "refund", contribution, trainer_ref, account_alias, page_size
        )
    _claim_output(cli_ctx, "refund", handle, item, receipt, amount, as_json)


@click.command(cls=SumCommand, short_help="Claim from data the model disagrees with")
@sum_cli_ctx
@click.argument("contribution", metavar="CONTRIBUTION")
@trainer_option
@account_option
@page_size_option
@json_option
def report(
    cli_ctx: SumCliContext,
    contribution: str,
    trainer_ref: str | None,
    account_alias: str | None,
    page_size: int,
    as_json: bool,
):
    """Report someone else's CONTRIBUTION that the model now disagrees with and take your share of
    its deposit, or take what is left after the owner / any-address deadlines. Every rule is
    checked first and a refusal is explained: own data, no validated data yet, model agrees,
    already claimed, too early.
    """
    with user_errors(cli_ctx):
        handle, item, receipt, amount = _claim(
            cli_ctx, "report", contribution, trainer_ref, account_alias, page_size
        )
    _claim_output(cli_ctx, "report", handle, item, receipt, amount, as_json)
