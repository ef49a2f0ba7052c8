"""The one table of refusal wording, keyed by the contracts' custom-error names.

The same custom error reads the same wherever it is met: explaining an on-chain revert
(`chain.reverts`), the incentive mirror's off-chain pre-checks (`core.incentives.RuleViolation`)
and what an account may do with a contribution now (`chain.contributions.assess`). Each entry names
the error's arguments as the contracts' ABI does, so positional arguments (the mirror's) and
decoded ones (Ape's) are worded alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ape_sum.core.records import NEVER, same_address
from ape_sum.core.units import format_duration, format_wei

__all__ = ["ARGUMENTS", "Wording", "arguments", "describe", "refusal"]


@dataclass(frozen=True)
class Wording:
    """What a sentence may use besides the error's arguments.

    `now` (unix seconds; default: the clock) for "in 2h 5m"; `label` for a class index (default
    `class 3`); `action` for what was tried (`refund`, `reports`); `viewer` to say "you"; `author`
    (the viewer is the contribution's author) and `points` (no money) for the claims' wording.
    """

    args: Mapping[str, Any]
    now: int | None = None
    label: Callable[[int], str] | None = None
    action: str | None = None
    viewer: str | None = None
    author: bool = False
    points: bool = False

    def cls(self, name: str) -> str:
        index = int(self.args[name])
        return self.label(index) if self.label else f"class {index}"

    def wait(self, name: str) -> str:
        now = int(time.time()) if self.now is None else self.now
        left = int(self.args[name]) - now
        return f"in {format_duration(left)}" if left > 0 else "now"

    def who(self, name: str) -> str:
        account = self.args[name]
        return "you" if self.viewer and same_address(account, self.viewer) else str(account)


def _too_early(w: Wording) -> str:
    what = f"{w.action} allowed" if w.action else "allowed"
    return f"too early: {what} {w.wait('readyAt')}"


def _already_claimed(w: Wording) -> str:
    if w.author and w.who("claimer") == "you":
        if w.points:
            return "you already validated this contribution"
        return "you already got your refund on this contribution"
    return f"{w.who('claimer')} already claimed from this contribution"


def _cannot_report_own(w: Wording) -> str:
    text = "you cannot report your own contribution"
    if int(w.args["anyAddressTakeAt"]) < NEVER:
        text += f"; you may take what is left {w.wait('anyAddressTakeAt')}"
    return text


_TABLE: dict[str, tuple[tuple[str, ...], Callable[[Wording], str]]] = {
    # incentive mechanisms
    "InsufficientDeposit": (
        ("sent", "cost"),
        lambda w: (
            f"the deposit {format_wei(w.args['sent'])} is below the current cost "
            f"{format_wei(w.args['cost'])}"
        ),
    ),
    "TooEarly": (("readyAt",), _too_early),
    "ModelDisagrees": (
        ("prediction", "classification"),
        lambda w: (
            f"the model disagrees with your label: it predicts {w.cls('prediction')}, not "
            f"{w.cls('classification')}, so no refund"
        ),
    ),
    "ModelAgrees": (
        ("prediction",),
        lambda w: f"the model agrees with the label ({w.cls('prediction')}): nothing to report",
    ),
    "AlreadyClaimed": (("claimer",), _already_claimed),
    "AlreadySettled": (
        ("numClaims",),
        lambda w: "this contribution was already settled (first claim only)",
    ),
    "NothingToClaim": ((), lambda w: "nothing is left to claim on this contribution"),
    "CannotReportOwnContribution": (("anyAddressTakeAt",), _cannot_report_own),
    "NoValidatedContributions": (
        ("reporter",),
        lambda w: "reporting needs one of your own contributions refunded (validated) first",
    ),
    "NotTrainer": (("caller",), lambda w: f"{w.args['caller']} is not the trainer of this module"),
    "InvalidWaitTimes": (
        ("refundWaitTimeS", "ownerClaimWaitTimeS", "anyAddressClaimWaitTimeS"),
        lambda w: (
            "wait times must satisfy refund < owner claim < any-address claim, strictly "
            f"(got {w.args['refundWaitTimeS']}, {w.args['ownerClaimWaitTimeS']}, "
            f"{w.args['anyAddressClaimWaitTimeS']} s)"
        ),
    ),
    "CostWeightTooLarge": (
        ("costWeight",),
        lambda w: f"the cost weight {w.args['costWeight']} is too large",
    ),
    # trainer
    "AlreadyAdded": (("key",), lambda w: "this exact contribution was already added"),
    "ContributionNotFound": (
        ("key",),
        lambda w: (
            "no such contribution on this trainer (data, label, time and author must all match; "
            "only the author can refund)"
        ),
    ),
    "PayoutFailed": (
        ("to", "amount"),
        lambda w: (
            f"paying {format_wei(w.args['amount'])} to {w.args['to']} failed, so the claim was "
            "undone"
        ),
    ),
    "ReentrantCall": ((), lambda w: "the trainer was re-entered during a payout"),
    "TooManyClaims": (
        ("key",),
        lambda w: "this contribution has reached the maximum number of claims",
    ),
    "CounterOverflow": (
        ("value",),
        lambda w: "a counter of the incentive mechanism would overflow",
    ),
    # classifiers
    "UnknownClass": (
        ("classification", "numClasses"),
        lambda w: (
            f"class {w.args['classification']} is not a class of the model "
            f"(it has {w.args['numClasses']})"
        ),
    ),
    "IndexOutOfRange": (
        ("index", "numFeatures"),
        lambda w: f"feature index {w.args['index']} is outside [0, {w.args['numFeatures']})",
    ),
    "NotSortedUnique": (
        ("position", "previous", "index"),
        lambda w: (
            f"feature indices must be strictly increasing (sorted, no duplicates): index "
            f"{w.args['index']} at position {w.args['position']} follows {w.args['previous']}"
        ),
    ),
    "InvalidParameter": (
        ("name", "value"),
        lambda w: f"the model parameter {w.args['name']} = {w.args['value']} is out of its range",
    ),
    "EmptyInput": ((), lambda w: "the input lists no feature: at least one is needed"),
    "TooManyFeatures": (
        ("length", "maximum"),
        lambda w: (
            f"the input lists {w.args['length']} features; this model takes at most "
            f"{w.args['maximum']} (fixed when it was deployed)"
        ),
    ),
    "ValueNotInt64": ((), lambda w: "a value of the input does not fit a 64-bit signed integer"),
    "WrongDimension": (
        ("got", "expected"),
        lambda w: (
            f"wrong dimension: {w.args['got']} values given, the model takes {w.args['expected']}"
        ),
    ),
    "NotNormalized": (("sumOfSquares",), lambda w: "the input vector is not L2-normalised"),
    "ParameterOverflow": (
        ("index", "value"),
        lambda w: (
            f"training on this sample would push model parameter {w.args['index']} out of its range"
        ),
    ),
    "InvalidPackedWord": (
        ("slotIndex", "word"),
        lambda w: f"initialiser word for slot {w.args['slotIndex']} is invalid",
    ),
    # binding a module (classifier or mechanism) to its trainer
    "NotDeployer": (
        ("caller",),
        lambda w: f"{w.args['caller']} is not the deployer of this module",
    ),
    "TrainerAlreadySet": (
        ("trainer",),
        lambda w: f"this module is already bound to the trainer {w.args['trainer']}",
    ),
    "ZeroTrainer": ((), lambda w: "the trainer address must not be zero"),
}

ARGUMENTS: dict[str, tuple[str, ...]] = {name: entry[0] for name, entry in _TABLE.items()}
"""The argument names of every worded custom error, in the contracts' order."""


def arguments(name: str, values: Sequence[Any]) -> dict[str, Any]:
    """Positional arguments of custom error `name` by their ABI names (`arg0`... if unknown)."""
    names = ARGUMENTS.get(name, ())
    return {names[i] if i < len(names) else f"arg{i}": v for i, v in enumerate(values)}


def describe(name: str, args: Mapping[str, Any], **context: Any) -> str:
    """Plain words for custom error `name` with arguments `args` (see `Wording` for `context`);
    `Name(arg=value, ...)` for an error the table does not know or arguments that do not fit."""
    entry = _TABLE.get(name)
    if entry is not None:
        try:
            return entry[1](Wording(args, **context))
        except (KeyError, TypeError, ValueError):
            pass
    shown = ", ".join(f"{k}={v}" for k, v in args.items())
    return f"{name}({shown})" if shown else name


def refusal(name: str, *args: Any, **context: Any) -> str:
    """`describe` for positional arguments in the contracts' order (as the mirrors raise them)."""
    return describe(name, arguments(name, args), **context)
