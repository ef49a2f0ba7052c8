"""`ape sum deploy`: deploy a model file as classifier + incentive mechanism + trainer."""

from __future__ import annotations

from pathlib import Path

import click

from ape_sum._cli.click_ext import (
    INCENTIVE_KIND,
    SumCliContext,
    SumCommand,
    account_option,
    json_option,
    sum_cli_ctx,
    user_errors,
)
from ape_sum.chain.nodes import LOCAL_NETWORK
from ape_sum.core.incentives import IncentiveKind

_NAME_SUFFIX_LIMIT = 1000


@click.command(cls=SumCommand, short_help="Deploy a model file as a SUM trainer")
@sum_cli_ctx
@click.argument("model_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Name in the registry (default: the model file's name).")
@click.option("--description", default="", help="What the model does (stored on chain).")
@click.option("--encoder", "encoder_spec", help="Encoder spec, when the model file has none.")
# The incentive options default to the project's `sum.deploy` settings (ape-config.yaml), whose
# own defaults are the values shown here.
@click.option(
    "--incentive",
    type=INCENTIVE_KIND,
    show_default="deposit",
    help="deposit: Deposit, Refund and Take; points: no money, points only.",
)
@click.option("--refund-wait", show_default="1d", help="Wait before refunds/reports.")
@click.option("--owner-claim-wait", show_default="7d", help="Wait before owner take.")
@click.option("--any-claim-wait", show_default="9d", help="Wait before anyone takes.")
@click.option(
    "--cost-weight",
    show_default="0.001 ether",
    help="Deposit scale: cost = weight * 3600 / isqrt(seconds since the last contribution).",
)
@click.option("--chunk-size", type=click.IntRange(min=1), help="Values per initialiser tx.")
@click.option("--resume", is_flag=True, help="Finish an unfinished deployment of the same --name.")
@click.option(
    "--record",
    "keep_record",
    is_flag=True,
    help="Record the deployment in the registry even on a chain that ends with this command "
    "(the in-process chain, or an Anvil the command starts itself).",
)
@account_option
@json_option
def deploy(
    cli_ctx: SumCliContext,
    model_file: Path,
    name: str | None,
    description: str,
    encoder_spec: str | None,
    incentive: IncentiveKind | None,
    refund_wait: str | None,
    owner_claim_wait: str | None,
    any_claim_wait: str | None,
    cost_weight: str | None,
    chunk_size: int | None,
    resume: bool,
    keep_record: bool,
    account_alias: str | None,
    as_json: bool,
):
    """Deploy MODEL_FILE (from `ape sum train`, or the original system's JSON formats).

    The classifier is initialised in chunks that fit one transaction; every finished step is saved
    in the registry (.ape-sum/deployments.json), so a deployment that fails half way is finished
    with --resume instead of being redone. Later commands find the trainer by name, or use the last
    one deployed on the network. The incentive options default to the `sum.deploy` settings of
    ape-config.yaml.

    On a chain that ends with the command (the in-process `ethereum:local:test`, or an Anvil the
    command starts because none runs) the deployment is not recorded unless --record is given:
    start a node first (`ape sum node`).
    """
    import tempfile

    from ape import chain, networks

    from ape_sum.chain.deployment import IncentiveConfig, deploy_model
    from ape_sum.chain.registry import Registry
    from ape_sum.config import sum_config
    from ape_sum.core.encoding import check_compatible, parse_encoder_spec
    from ape_sum.core.units import format_wei, parse_duration, parse_wei

    with user_errors(cli_ctx):
        defaults = sum_config().deploy
        incentive = incentive or IncentiveKind.parse(defaults.incentive)
        refund_wait = refund_wait or str(defaults.refund_wait)
        owner_claim_wait = owner_claim_wait or str(defaults.owner_claim_wait)
        any_claim_wait = any_claim_wait or str(defaults.any_claim_wait)
        cost_weight = cost_weight or str(defaults.cost_weight)
        config = IncentiveConfig(
            kind=incentive,
            refund_wait_s=parse_duration(refund_wait),
            owner_claim_wait_s=parse_duration(owner_claim_wait),
            any_address_claim_wait_s=parse_duration(any_claim_wait),
            cost_weight=parse_wei(cost_weight) if incentive.has_deposits else 0,
        )
        config.validate()
        model, spec = _load_model(cli_ctx, model_file)
        spec = encoder_spec or spec
        if not spec:
            cli_ctx.abort(f"{model_file} has no encoder spec: pass --encoder SPEC")
        check_compatible(parse_encoder_spec(spec), model)

        sender = cli_ctx.resolve_account(account_alias)
        network = networks.provider.network_choice
        registry = cli_ctx.registry
        recorded = keep_record or not cli_ctx.chain_vanishes
        if not recorded:
            cli_ctx.warn(
                f"{network} ends when this command does: the trainer will be gone and it is NOT "
                "recorded in the registry. Start a node first (`ape sum node`, then "
                f"--network {LOCAL_NETWORK}), or pass --record to record it anyway."
            )
            # Step-by-step saves (for --resume) go to a scratch registry that dies with the chain.
            scratch = tempfile.mkdtemp(prefix="ape-sum-scratch-")
            registry = Registry(Path(scratch) / "deployments.json")
        chain_id = int(chain.chain_id)
        name = _choose_name(cli_ctx, registry, name, model_file, network, chain_id, resume)
        if sender.balance == 0:
            cli_ctx.abort(f"insufficient balance: {sender.address} has no ether to pay for gas")

        cli_ctx.progress(
            f"Deploying '{name}' ({model.kind}, {len(model.classifications)} classes) on "
            f"{network} from {sender.address}"
        )

        def progress(step: str, done: int, total: int) -> None:
            if step.startswith("initialising"):
                if total:
                    width = 24
                    bar = "#" * (width * done // total) + "." * (width - width * done // total)
                    cli_ctx.progress(f"  {step} [{bar}] {done}/{total} transactions")
            elif done < total:
                cli_ctx.progress(f"  {step}")

        record = deploy_model(
            model,
            spec,
            name=name,
            description=description,
            incentive=config,
            sender=sender,
            registry=registry,
            chunk_size=chunk_size,
            progress=progress,
        )

    payload = {
        "name": record.name,
        "network": record.network,
        "chain_id": record.chain_id,
        "model_type": record.model_type,
        "trainer": record.trainer,
        "classifier": record.classifier,
        "incentive_mechanism": record.incentive_mechanism,
        "incentive": record.incentive,
        "init_calls": record.init_calls_total,
        "start_block": record.start_block,
        "deployer": record.deployer,
        "registry": str(registry.path) if recorded else None,
    }
    if as_json:
        cli_ctx.emit_json(payload)
        return
    click.echo(f"Deployed '{record.name}' on {record.network} (chain {record.chain_id})")
    click.echo(f"  trainer              {record.trainer}")
    click.echo(f"  classifier           {record.classifier}  ({record.model_type})")
    click.echo(f"  incentive mechanism  {record.incentive_mechanism}  ({incentive.title})")
    if incentive.has_deposits:
        click.echo(f"  cost weight          {format_wei(config.cost_weight)}")
    if not recorded:
        click.echo("  saved in             nothing: the chain ends with this command")
        return
    click.echo(f"  saved in             {registry.path}")
    click.echo(f"Next: ape sum info {record.name} --network {record.network}")


def _load_model(cli_ctx: SumCliContext, path: Path):
    from ape_sum.chain.reverts import first_line
    from ape_sum.core.models.files import load_model_file
    from ape_sum.exceptions import SumError

    if not path.is_file():
        cli_ctx.abort(f"no model file {str(path)!r}")
    try:
        return load_model_file(path)
    except SumError as err:
        cli_ctx.abort(f"cannot read model file {path.name}: {first_line(err)}")


def _choose_name(cli_ctx, registry, name, model_file, network, chain_id, resume) -> str:
    explicit = name is not None
    base = name or model_file.stem
    existing = registry.get(base, network, chain_id)
    if resume:
        if existing is None:
            cli_ctx.abort(f"nothing to resume: no deployment named '{base}' on {network}")
        if existing.complete:
            cli_ctx.abort(f"deployment '{base}' is already complete on {network}")
        return base
    if existing is None:
        return base
    if not existing.complete:
        cli_ctx.abort(
            f"deployment '{base}' on {network} is unfinished: add --resume to finish it, "
            "or choose another --name"
        )
    if explicit:
        cli_ctx.abort(f"a deployment named '{base}' already exists on {network}: choose --name")
    for suffix in range(2, _NAME_SUFFIX_LIMIT):
        candidate = f"{base}-{suffix}"
        if registry.get(candidate, network, chain_id) is None:
            return candidate
    cli_ctx.abort(f"too many deployments named '{base}-N': choose --name")
