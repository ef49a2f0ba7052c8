"""Plain-English explanations of the contracts' custom errors (and plain revert strings).

`explain(err)` takes an `ape.exceptions.ContractLogicError` (a `CustomError` when the ABI knows the
error) and returns one line a user can act on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from ape_sum.units import format_duration, format_wei

__all__ = ["describe_error", "explain"]


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
    "NotAuthor": lambda a, _: "only the contribution's author may ask for its refund",
    "UnknownContribution": lambda a, _: "no such contribution on this trainer",
    "TransferFailed": lambda a, _: "the payout transfer failed",
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
    "NotOwner": lambda a, _: f"{a['caller']} is not the owner",
    "AlreadyFinalized": lambda a, _: "the model is already finalized",
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


def explain(err: Exception, now: int | None = None) -> str:
    """One line for a failed call or transaction."""
    name = getattr(err, "name", None)
    inputs = getattr(err, "inputs", None)
    if isinstance(name, str) and isinstance(inputs, Mapping):
        return f"the contract refused: {describe_error(name, inputs, now)}"
    message = getattr(err, "revert_message", None) or str(err) or type(err).__name__
    return f"the contract refused: {str(message).splitlines()[0]}"
