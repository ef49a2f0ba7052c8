"""`ape sum info`: what a deployed trainer is and what contributing costs now."""

from __future__ import annotations

import click

from ape_sum._cli.click_ext import (
    SumCliContext,
    SumCommand,
    json_option,
    sum_cli_ctx,
    trainer_argument,
    user_errors,
)


@click.command(cls=SumCommand, short_help="Describe a deployed trainer")
@sum_cli_ctx
@trainer_argument
@json_option
def info(cli_ctx: SumCliContext, trainer: str | None, as_json: bool):
    """Name, description, encoder, model type and classes, incentive parameters, the deposit needed
    now, contribution counts and the balance the trainer holds.

    TRAINER is a deployment name or a trainer address (default: the last deployment here).
    """
    from ape_sum.core.units import format_duration, format_wei

    with user_errors(cli_ctx):
        handle = cli_ctx.open_trainer(trainer)
        incentive = handle.incentive_parameters()
        payload = {
            "name": handle.name,
            "registry_name": handle.record.name if handle.record else None,
            "description": handle.description,
            "network": handle.network,
            "chain_id": handle.chain_id,
            "trainer": handle.address,
            "owner": handle.owner,
            "classifier": str(handle.classifier.address),
            "model_type": handle.model_type,
            "classes": handle.classes,
            "num_features": handle.num_features,
            "encoder": handle.encoder_spec,
            "incentive": incentive,
            "balance_wei": int(handle.trainer.balance),
            "registry": str(cli_ctx.registry.path),
        }
    if as_json:
        cli_ctx.emit_json(payload)
        return
    rows = [
        ("name", payload["name"]),
        ("description", payload["description"] or "-"),
        ("trainer", f"{payload['trainer']} on {handle.network} (chain {handle.chain_id})"),
        ("owner", payload["owner"]),
        ("model", f"{handle.model_type} at {payload['classifier']}"),
        ("classes", ", ".join(f"{i}={name}" for i, name in enumerate(handle.classes))),
        ("features", str(payload["num_features"]) if payload["num_features"] else "-"),
        ("encoder", _short(payload["encoder"])),
        ("incentive", handle.incentive_kind.title),
        ("refund wait", format_duration(incentive["refund_wait_s"])),
    ]
    if handle.incentive_kind.has_deposits:
        rows += [
            ("owner take after", format_duration(incentive["owner_claim_wait_s"])),
            ("anyone takes after", format_duration(incentive["any_address_claim_wait_s"])),
            ("deposit needed now", format_wei(incentive["next_add_data_cost_wei"])),
        ]
    rows += [
        ("contributions", str(incentive["total_submitted"])),
        ("validated (refunded)", str(incentive["total_good_data"])),
        ("balance held", format_wei(payload["balance_wei"])),
        ("registry", payload["registry"]),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(f"{label:<{width}}  {value}")


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
