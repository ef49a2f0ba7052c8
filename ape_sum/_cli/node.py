"""`ape sum node` (a persistent local Anvil) and `ape sum advance` (move a local chain's time)."""

from __future__ import annotations

import click

from ape_sum._cli.click_ext import SumCliContext, SumCommand, json_option, sum_cli_ctx, user_errors
from ape_sum.chain.nodes import LOCAL_NETWORK, LOCAL_NODE_PORT


@click.command(short_help="Run a persistent local node for the other commands")
@sum_cli_ctx
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=LOCAL_NODE_PORT,
    show_default=True,
    help="Port to listen on. The commands find the node by themselves on the default port; "
    "on another one, set APE_FOUNDRY_HOST=http://127.0.0.1:PORT in their terminal.",
)
def node(cli_ctx: SumCliContext, port: int):
    """Start the project's Anvil in the foreground, with the settings ape-foundry uses for
    `ethereum:local:foundry` (test mnemonic and accounts, hardfork, fees). Run the other commands
    in another terminal with `--network ethereum:local:foundry`; their deployments stay usable
    until this node stops (Ctrl-C). A restarted node is a new, empty chain.
    """
    import signal
    import subprocess

    from ape_sum.chain.nodes import anvil_answers, anvil_command, node_uri
    from ape_sum.toolchain import ensure_anvil_on_path

    uri = node_uri(port)
    with user_errors(cli_ctx):
        if ensure_anvil_on_path() is None:
            cli_ctx.abort("no anvil found: run `make setup` or `foundryup` (see `ape sum doctor`)")
        if anvil_answers(uri):
            cli_ctx.abort(f"a node already runs at {uri}: use it with --network {LOCAL_NETWORK}")
        command = anvil_command(port)
    env_hint = "" if port == LOCAL_NODE_PORT else f"APE_FOUNDRY_HOST={uri} "
    click.echo(f"Local node at {uri} (Ctrl-C stops it; the chain ends with it).", err=True)
    click.echo(
        f"In another terminal: {env_hint}ape sum deploy MODEL_FILE --network {LOCAL_NETWORK}",
        err=True,
    )
    process = subprocess.Popen(command)

    def stop(signum: int, _frame: object) -> None:
        # The node dies with this command whichever way it is stopped (Ctrl-C, kill): never an
        # orphaned Anvil holding the port.
        process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if process.poll() is None:
            process.kill()
            process.wait()
    if code in (0, -signal.SIGTERM, -signal.SIGINT):
        click.echo("Node stopped.", err=True)
        return
    cli_ctx.abort(f"anvil exited with code {code} (is port {port} taken?)")


@click.command(cls=SumCommand, short_help="Move a local or forked chain's time forward")
@sum_cli_ctx
@click.argument("duration", metavar="DURATION")
@json_option
def advance(cli_ctx: SumCliContext, duration: str, as_json: bool):
    """Move the chain's clock DURATION forward (`90s`, `10min`, `2h`, `1d12h`, `1w`, or seconds)
    and mine a block, so waits such as the refund wait pass. Local and forked networks only
    (py-evm and Anvil); refused on live networks.
    """
    from ape import networks

    from ape_sum.chain.nodes import advance_time
    from ape_sum.core.units import format_duration, parse_duration

    with user_errors(cli_ctx):
        seconds = parse_duration(duration)
        before, after, block = advance_time(seconds)
        if cli_ctx.chain_vanishes:
            cli_ctx.warn(
                f"{networks.provider.network_choice} ends when this command does, and the time "
                f"moved with it: start a node first (`ape sum node`, --network {LOCAL_NETWORK})"
            )
    payload = {
        "seconds": seconds,
        "timestamp_before": before,
        "timestamp_after": after,
        "block_number": block,
    }
    if as_json:
        cli_ctx.emit_json(payload)
        return
    click.echo(f"Advanced {format_duration(seconds)}: chain time is now {after}")
