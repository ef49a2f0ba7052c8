"""What every `ape sum` command shares: the CLI context, common options and error handling.

In the ape-safe style: `SumCliContext` extends Ape's context object, `sum_cli_ctx` passes it to a
command, and `trainer_argument`, `json_option`, `account_option` are the shared options. Ape itself
is imported inside functions so that `ape --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click
from ape.cli import ApeCliContextObject, ConnectedProviderCommand, ape_cli_context
from ape.exceptions import Abort

# Standard library only (and `ape_sum.exceptions`): cheap enough for `ape --help`.
from ape_sum.core.incentives import IncentiveKind

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_sum.chain.registry import Registry
    from ape_sum.chain.trainer import TrainerHandle

TEST_ACCOUNT_PREFIX = "TEST::"
DEFAULT_LOCAL_ACCOUNT = "TEST::0"


class SumCommand(ConnectedProviderCommand):
    """Ape's `ConnectedProviderCommand` (adds `--network`, connects for the command), except that
    it reuses a provider that is already connected to the requested network in this process.

    That matters in-process (`ape test`, `ape console`, scripts): connecting a second provider
    object to the same chain and dropping it again makes Ape forget the chain's snapshots, which
    silently breaks test isolation on `ethereum:local:test`.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from ape import networks
        from ape.api.providers import ProviderAPI
        from ape.cli.options import NETWORK_META_KEY

        from ape_sum.chain.nodes import use_running_local_node
        from ape_sum.toolchain import ensure_anvil_on_path

        # Before connecting: a Foundry network starts anvil, which ape-foundry looks up on PATH.
        ensure_anvil_on_path()

        requested = (ctx.meta.get(NETWORK_META_KEY) or {}).get("provider") or ctx.params.get(
            "network"
        )
        active = networks.active_provider
        obj = ctx.ensure_object(SumCliContext)
        if (
            self.callback is not None
            and isinstance(requested, ProviderAPI)
            and active is not None
            and active.is_connected
            and requested.network_choice == active.network_choice
        ):
            # The chain was there before the command and stays after it.
            obj.chain_vanishes = False
            return self._invoke(ctx, provider=active)
        if isinstance(requested, ProviderAPI):
            # `ape sum node` on the fixed port: the commands use it instead of a throwaway Anvil.
            use_running_local_node(requested)
        obj.chain_vanishes = None  # decided once connected, in `_invoke`
        return super().invoke(ctx)

    def _invoke(self, ctx: click.Context, provider: Any = None) -> Any:
        from ape_sum.chain.nodes import chain_vanishes

        obj = ctx.ensure_object(SumCliContext)
        if obj.chain_vanishes is None:
            obj.chain_vanishes = provider is not None and chain_vanishes(provider)
        return super()._invoke(ctx, provider=provider)


class SumAbort(Abort):
    """A refused command: one line `ERROR: <reason>` on stderr, exit code 1.

    Ape's `Abort` prints through its logger, which pytest captures away from the CLI's stderr;
    this prints directly so that users and tests see the same line.
    """

    def show(self, file: Any = None) -> None:
        prefix = click.style("ERROR:", fg="red", bold=True)
        click.echo(f"{prefix} {self.format_message()}", err=True, file=file)


class SumCliContext(ApeCliContextObject):
    """Ape's CLI context plus the registry, trainer lookup and account resolution of ape-sum."""

    def __init__(self) -> None:
        super().__init__()
        self.as_json = False
        self.chain_vanishes: bool | None = False
        """Whether the chain ends with this command (in-process, or an Anvil it started itself)."""

    @staticmethod
    def abort(msg: str, base_error: Exception | None = None) -> NoReturn:
        """End the command with a one-line reason and exit code 1 (nothing is sent after this)."""
        raise SumAbort(_one_line(msg)) from base_error

    # ------------------------------------------------------------------ output

    def echo(self, message: str = "", **kwargs: Any) -> None:
        """Human output (suppressed with `--json`, where stdout carries only the JSON)."""
        if not self.as_json:
            click.echo(message, **kwargs)

    def warn(self, message: str) -> None:
        """A loud warning on stderr, also with `--json` (stdout carries only the document)."""
        prefix = click.style("WARNING:", fg="yellow", bold=True)
        click.echo(f"{prefix} {message}", err=True)

    def progress(self, message: str) -> None:
        """Progress lines go to stderr, so they never mix with the command's output."""
        if not self.as_json:
            click.echo(message, err=True)

    @contextmanager
    def progress_bar(self, label: str) -> Iterator[Callable[[int, int], None] | None]:
        """A `progress(done, total)` callback drawing a bar on stderr (None with `--json`)."""
        if self.as_json:
            yield None
            return
        with click.progressbar(length=1, label=label, file=sys.stderr) as bar:

            def update(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            yield update

    @staticmethod
    def emit_json(payload: Any) -> None:
        click.echo(json.dumps(payload, indent=2, default=_json_default))

    # ------------------------------------------------------------------ lookups

    @property
    def registry(self) -> Registry:
        from ape_sum.chain.registry import Registry

        return Registry()

    def open_trainer(self, name_or_address: str | None) -> TrainerHandle:
        """The named trainer, else the project's `sum.trainer` setting, else the last deployed."""
        from ape_sum.chain.trainer import open_trainer
        from ape_sum.config import sum_config

        return open_trainer(name_or_address or sum_config().trainer, self.registry)

    @property
    def network_is_dev(self) -> bool:
        from ape import networks

        return bool(networks.provider.network.is_dev)

    def resolve_account(self, alias: str | None) -> AccountAPI:
        """The account to send from: `--account` (an alias or `TEST::<i>`), or on a local or forked
        network the first test account. Live networks need `--account`; nothing ever prompts."""
        from ape import accounts

        if not alias:
            if not self.network_is_dev:
                self.abort("this network is live: choose the sending account with --account ALIAS")
            alias = DEFAULT_LOCAL_ACCOUNT
        if alias.upper().startswith(TEST_ACCOUNT_PREFIX):
            index_text = alias[len(TEST_ACCOUNT_PREFIX) :]
            test_accounts = accounts.test_accounts
            valid = index_text.isascii() and index_text.isdigit()
            if not valid or int(index_text) >= len(test_accounts):
                self.abort(
                    f"no test account {alias!r}: use TEST::0 to TEST::{len(test_accounts) - 1}"
                )
            if not self.network_is_dev:
                self.abort(f"test account {alias} is only for local and forked networks")
            return test_accounts[int(index_text)]
        if alias.lower().startswith("0x"):
            for account in accounts.test_accounts:
                if account.address.lower() == alias.lower():
                    return account
        aliases = list(accounts.aliases)
        if alias not in aliases:
            known = ", ".join(aliases) if aliases else "none; create one with `ape accounts`"
            self.abort(f"unknown account {alias!r} (keyfile accounts: {known}; or TEST::<i>)")
        account = accounts.load(alias)
        _check_unlockable(self, account, alias)
        return account


def _check_unlockable(ctx: SumCliContext, account: Any, alias: str) -> None:
    """Keyfile accounts sign without any prompt when their passphrase is in the environment
    (`APE_ACCOUNTS_<alias>_PASSPHRASE`, Ape's own variable); without it, a non-interactive
    command stops here instead of waiting for a prompt nobody can answer."""
    env = f"APE_ACCOUNTS_{alias}_PASSPHRASE"
    passphrase = os.environ.get(env)
    if passphrase and hasattr(account, "set_autosign"):
        try:
            # Unlocks with the passphrase and skips the per-transaction "Sign:" confirmation.
            account.set_autosign(True, passphrase=passphrase)
        except Exception as err:
            ctx.abort(f"cannot unlock account {alias!r} with {env}: {err}")
        return
    if getattr(account, "locked", False) and not sys.stdin.isatty():
        ctx.abort(f"account {alias!r} is locked: set {env} (no prompt when non-interactive)")


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


sum_cli_ctx = ape_cli_context(default_log_level="WARNING", obj_type=SumCliContext)
"""Pass the `SumCliContext` (as `cli_ctx`) and add `-v/--verbosity`."""


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    obj = ctx.ensure_object(SumCliContext)
    obj.as_json = bool(value)
    return value


json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    expose_value=True,
    callback=_set_json,
    help="Print one JSON document on stdout instead of text.",
)


class ModelKindType(click.ParamType):
    """A model kind by any of its names (`sparse-perceptron`, `"sparse perceptron"`, ...), as its
    mirror class (`ape_sum.core.models.model_kind`).

    An unknown name ends the command with the one-line `ERROR: ...` listing the valid names (not
    click's usage block), like every other refused input.
    """

    name = "model"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ape_sum.core.models import Classifier, ModelKindError, model_kind

        if isinstance(value, type) and issubclass(value, Classifier):
            return value
        try:
            return model_kind(str(value))
        except ModelKindError as err:
            raise SumAbort(_one_line(str(err))) from None

    def get_metavar(self, param: click.Parameter, *args: Any) -> str:
        return "MODEL"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
        from click.shell_completion import CompletionItem

        from ape_sum.core.models import MODEL_KINDS

        return [CompletionItem(c.alias) for c in MODEL_KINDS if c.alias.startswith(incomplete)]


MODEL_KIND = ModelKindType()
"""The type of every option that names a model kind (`train --model`, `simulate --model`)."""

MODEL_KIND_HELP = (
    "its CLI name (e.g. sparse-perceptron) or model-file name (e.g. 'sparse perceptron'); "
    "an unknown name lists them all"
)


class IncentiveKindType(click.Choice):
    """An incentive mechanism by name (any case), as an `IncentiveKind`."""

    def __init__(self) -> None:
        super().__init__([kind.value for kind in IncentiveKind], case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, IncentiveKind):
            return value
        return IncentiveKind(super().convert(value, param, ctx))


INCENTIVE_KIND = IncentiveKindType()
"""The type of every option that names an incentive mechanism (`deploy`, `simulate`)."""


trainer_argument = click.argument("trainer", required=False, metavar="[TRAINER]")
"""A deployment name from the registry or a trainer address; the last deployment by default."""

trainer_option = click.option(
    "-t",
    "--trainer",
    "trainer_ref",
    metavar="NAME|ADDRESS",
    help="The trainer (a deployment name or address); the last deployment by default.",
)

account_option = click.option(
    "--account",
    "account_alias",
    metavar="ALIAS",
    help="Sending account: a keyfile alias (passphrase from APE_ACCOUNTS_<alias>_PASSPHRASE) or "
    "TEST::<i>. Default on local and forked networks: TEST::0; required on live networks.",
)

page_size_option = click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=5_000,
    show_default=True,
    help="Blocks per event query (lower it for RPCs that cap log ranges).",
)


def send_or_explain(method: Any, *args: Any, **kwargs: Any) -> Any:
    """Send a transaction and return its receipt; when it is mined and reverts (the chain changed
    between the free call and the block it landed in), end with its hash, the gas it spent and
    the decoded reason, never silently."""
    from ape.exceptions import ContractLogicError

    from ape_sum.chain.reverts import explain

    receipt = method(*args, raise_on_revert=False, **kwargs)
    if not receipt.failed:
        return receipt
    error = receipt.error
    reason = explain(error) if isinstance(error, ContractLogicError) else str(error or "reverted")
    fees = int(getattr(receipt, "total_fees_paid", 0) or 0)
    raise SumAbort(
        _one_line(
            f"transaction {receipt.txn_hash} was mined and reverted in block "
            f"{receipt.block_number}, spending {int(receipt.gas_used):,} gas ({fees} wei in "
            f"fees): {_one_line(reason)}"
        )
    )


@contextmanager
def user_errors(cli_ctx: SumCliContext) -> Iterator[None]:
    """Turn the library's one-line errors (and contract refusals) into `Abort` (exit code 1)."""
    from ape.exceptions import ApeException, ContractLogicError, TransactionError

    from ape_sum.chain.reverts import explain
    from ape_sum.exceptions import SumError

    logger = cli_ctx.logger
    previous_level = logger.level
    if cli_ctx.as_json:
        # stdout carries only the JSON document: keep Ape's warnings (which it may print there)
        # out of it; errors still end the command with one line on stderr.
        logger.set_level("ERROR")
    try:
        yield
    except Abort:
        raise
    except SumError as err:
        cli_ctx.abort(_one_line(str(err)))
    except ContractLogicError as err:
        cli_ctx.abort(_one_line(explain(err)))
    except TransactionError as err:
        cli_ctx.abort(_one_line(f"the transaction failed: {err}"))
    except ApeException as err:
        cli_ctx.abort(_one_line(str(err)))
    finally:
        logger.set_level(previous_level)


def _one_line(message: str) -> str:
    first = (message or "failed").strip().splitlines()[0]
    return first if len(first) <= 400 else first[:397] + "..."


def split_trainer_and_input(
    cli_ctx: SumCliContext, args: tuple[str, ...], trainer_ref: str | None, *, need_input: bool
) -> tuple[str | None, str | None]:
    """`[TRAINER] INPUT` positional arguments: the last is the input, one before it the trainer."""
    items = list(args)
    if not need_input:
        if len(items) > 1:
            cli_ctx.abort(f"too many arguments: {' '.join(items)[:80]!r}")
        if items and trainer_ref:
            cli_ctx.abort("give the trainer either as an argument or with --trainer, not both")
        return (items[0] if items else trainer_ref), None
    if not items:
        cli_ctx.abort("missing INPUT (the text or numbers to encode)")
    if len(items) > 2:
        cli_ctx.abort(
            f'too many arguments ({len(items)}): quote the input, e.g. "great movie" or '
            '"0.1,0.2,0.3"'
        )
    if len(items) == 2:
        if trainer_ref:
            cli_ctx.abort("give the trainer either as an argument or with --trainer, not both")
        return items[0], items[1]
    return trainer_ref, items[0]
