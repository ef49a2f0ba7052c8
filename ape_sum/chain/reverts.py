"""Plain-English explanations of the contracts' reverts: custom errors (worded by
`ape_sum.core.refusals`, decoded here even when the called contract's ABI does not list them)
and plain revert strings.

`explain(err)` takes an `ape.exceptions.ContractLogicError` (a `CustomError` when the ABI knows the
error) and returns one line a user can act on; `first_line(err)` is the one line of any other error.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Mapping
from typing import Any

from ape_sum.core.refusals import describe

__all__ = ["describe_error", "explain", "first_line"]


def describe_error(name: str, inputs: Mapping[str, Any], now: int | None = None) -> str:
    """Plain words for custom error `name` with arguments `inputs` (`core.refusals`' table)."""
    return describe(name, inputs, now=now)


# Anvil's text for a custom error that the caller's ABI did not decode (an error raised by a
# module deeper in the call): the selector, then the ABI-encoded arguments as raw characters.
_ANVIL_CUSTOM_ERROR = re.compile(r"custom error 0x([0-9a-fA-F]{8}):?(.*)", re.DOTALL)


@functools.cache
def _project_errors() -> dict[bytes, tuple[str, list[str], list[str]]]:
    """Every custom error of the shipped contracts, by 4-byte selector."""
    from eth_utils import keccak

    from ape_sum.chain.contracts import contract_types

    errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
    for contract_type in contract_types().values():
        for abi in contract_type.abi:
            if abi.type == "error":
                selector = keccak(text=abi.selector)[:4]
                errors[selector] = (
                    abi.name,
                    [i.canonical_type for i in abi.inputs],
                    [i.name or f"arg{n}" for n, i in enumerate(abi.inputs)],
                )
    return errors


def _decode_undecoded(message: str, now: int | None) -> str | None:
    """Name (and, when the bytes survived, arguments) of a custom error Ape left undecoded."""
    raw: bytes | None = None
    if message[:2] in ('b"', "b'"):
        # py-evm's revert data for an error the called contract's ABI does not list, as the
        # `repr` of the bytes: selector, then the ABI-encoded arguments.
        try:
            literal = ast.literal_eval(message)
        except (SyntaxError, ValueError):
            literal = None
        raw = literal if isinstance(literal, bytes) else None
    elif message.startswith("0x") and len(message) >= 10:
        try:
            raw = bytes.fromhex(message[2:])
        except ValueError:
            raw = None
    elif match := _ANVIL_CUSTOM_ERROR.search(message):
        selector = bytes.fromhex(match.group(1))
        try:
            raw = selector + match.group(2).encode("latin-1")
        except UnicodeEncodeError:
            raw = selector
    if raw is None or len(raw) < 4:
        return None
    try:
        known = _project_errors().get(raw[:4])
    except Exception:
        return None
    if known is None:
        return None
    name, types, names = known
    try:
        from eth_abi import decode

        values = decode(types, raw[4:])
    except Exception:
        return describe_error(name, {}, now) if not types else name
    return describe_error(name, dict(zip(names, values, strict=True)), now)


def first_line(err: BaseException, fallback: str | None = None) -> str:
    """The first line of `err`'s message; `fallback` (default: the error's type name) if empty."""
    message = str(err).strip()
    return message.splitlines()[0] if message else fallback or type(err).__name__


def explain(err: Exception, now: int | None = None) -> str:
    """One line for a failed call or transaction."""
    name = getattr(err, "name", None)
    inputs = getattr(err, "inputs", None)
    if isinstance(name, str) and isinstance(inputs, Mapping):
        return f"the contract refused: {describe_error(name, inputs, now)}"
    message = str(getattr(err, "revert_message", None) or str(err) or type(err).__name__)
    decoded = _decode_undecoded(message, now)
    if decoded is not None:
        return f"the contract refused: {decoded}"
    return f"the contract refused: {message.splitlines()[0]}"
