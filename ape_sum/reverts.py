"""Plain-English explanations of the contracts' custom errors (and plain revert strings).

`explain(err)` takes an `ape.exceptions.ContractLogicError` (a `CustomError` when the ABI knows the
error) and returns one line a user can act on; `first_line(err)` is the one line of any other error.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from ape_sum.units import format_duration, format_wei

__all__ = ["describe_error", "explain", "first_line"]


def _wait(ready_at: int, now: int | None) -> str:
    now = int(time.time()) if now is None else now
    left = int(ready_at) - now
    return f"in {format_duration(left)}" if left > 0 else "now"


_MESSAGES: dict[str, Callable[[Mapping[str, Any], int | None], str]] = {
    # incentive mechanisms
    "InsufficientDeposit": lambda a, _: (
        f"the deposit {format_wei(a['sent'])} is below the current cost {format_wei(a['cost'])}"
    ),
    "TooEarly": lambda a, now: f"too early: allowed {_wait(a['readyAt'], now)}",
    "ModelDisagrees": lambda a, _: (
        f"the model predicts class {a['prediction']}, not the contribution's class "
        f"{a['classification']}, so no refund"
    ),
    "ModelAgrees": lambda a, _: (
        f"the model agrees with the contribution (predicts class {a['prediction']}), so it "
        "cannot be reported"
    ),
    "AlreadyClaimed": lambda a, _: f"{a['claimer']} already claimed from this contribution",
    "AlreadySettled": lambda a, _: "this contribution was already settled (first claim only)",
    "NothingToClaim": lambda a, _: "nothing is left to claim on this contribution",
    "CannotReportOwnContribution": lambda a, now: (
        "you cannot report your own contribution"
        + (
            f"; you may take what is left {_wait(a['anyAddressTakeAt'], now)}"
            if int(a["anyAddressTakeAt"]) < 2**255
            else ""
        )
    ),
    "NoValidatedContributions": lambda a, _: (
        "reporting needs at least one of your own contributions refunded (validated) first"
    ),
    "NotTrainer": lambda a, _: f"{a['caller']} is not the trainer of this module",
    "InvalidWaitTimes": lambda a, _: (
        "wait times must satisfy refund <= owner claim <= any-address claim "
        f"(got {a['refundWaitTimeS']}, {a['ownerClaimWaitTimeS']}, "
        f"{a['anyAddressClaimWaitTimeS']} s)"
    ),
    "CostWeightTooLarge": lambda a, _: f"the cost weight {a['costWeight']} is too large",
    # trainer
    "AlreadyAdded": lambda a, _: "this exact contribution was already added",
    "ContributionNotFound": lambda a, _: (
        "no such contribution on this trainer (data, label, time and author must all match; "
        "only the author can refund)"
    ),
    "PayoutFailed": lambda a, _: (
        f"paying {format_wei(a['amount'])} to {a['to']} failed, so the claim was undone"
    ),
    "ReentrantCall": lambda a, _: "the trainer was re-entered during a payout",
    "TooManyClaims": lambda a, _: "this contribution has reached the maximum number of claims",
    "CounterOverflow": lambda a, _: "a counter of the incentive mechanism would overflow",
    # classifiers
    "UnknownClass": lambda a, _: (
        f"class {a['classification']} is not a class of the model (it has {a['numClasses']})"
    ),
    "IndexOutOfRange": lambda a, _: (
        f"feature index {a['index']} is outside [0, {a['numFeatures']})"
    ),
    "NotSortedUnique": lambda a, _: "feature indices must be sorted and unique",
    "WrongDimension": lambda a, _: (
        f"wrong dimension: {a['got']} values given, the model takes {a['expected']}"
    ),
    "NotNormalized": lambda a, _: "the input vector is not L2-normalised",
    "ParameterOverflow": lambda a, _: (
        f"training on this sample would push model parameter {a['index']} out of its range"
    ),
    "InvalidPackedWord": lambda a, _: f"initialiser word for slot {a['slotIndex']} is invalid",
    # module binding (classifiers and mechanisms)
    "NotDeployer": lambda a, _: f"{a['caller']} is not the deployer of this module",
    "TrainerAlreadySet": lambda a, _: f"this module is already bound to the trainer {a['trainer']}",
    "ZeroTrainer": lambda a, _: "the trainer address must not be zero",
}


def describe_error(name: str, inputs: Mapping[str, Any], now: int | None = None) -> str:
    """Plain words for custom error `name` with arguments `inputs`."""
    formatter = _MESSAGES.get(name)
    if formatter is not None:
        try:
            return formatter(inputs, now)
        except (KeyError, TypeError, ValueError):
            pass
    args = ", ".join(f"{k}={v}" for k, v in inputs.items())
    return f"{name}({args})" if args else name


# Anvil's text for a custom error that the caller's ABI did not decode (an error raised by a
# module deeper in the call): the selector, then the ABI-encoded arguments as raw characters.
_ANVIL_CUSTOM_ERROR = re.compile(r"custom error 0x([0-9a-fA-F]{8}):?(.*)", re.DOTALL)


@functools.cache
def _project_errors() -> dict[bytes, tuple[str, list[str], list[str]]]:
    """Every custom error of the project's contracts, by 4-byte selector."""
    from eth_utils import keccak

    from ape_sum.deployment import contracts_project

    errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
    for container in contracts_project().contracts.values():
        for abi in container.contract_type.abi:
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
    if message.startswith("0x") and len(message) >= 10:
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
