"""Contributions to a trainer, read from its `AddData` events, and what an account may do with each.

* Events are read in block ranges (`trainer.AddData.range(lo, hi)`, `page_size` blocks at a time)
  from the trainer's deployment block, so a long-lived trainer's history loads on any RPC.
* Each contribution's record (deposit, claimable, claims) comes from the trainer's views.
* `assess(...)` mirrors the incentive mechanism's rules, in the contract's order, to say what the
  viewing account may do now (refund / report / take), or why not and until when.

Contribution ids are 1-based positions in the trainer's event history (stable: events only grow).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ape_sum.core.incentives import IncentiveKind
from ape_sum.core.records import NEVER, contribution_key, same_address
from ape_sum.core.records import Contribution as Record
from ape_sum.core.units import format_duration, format_wei
from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape_sum.chain.trainer import TrainerHandle

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "Assessment",
    "Contribution",
    "ContributionError",
    "RuleView",
    "assess",
    "contribution_from_log",
    "contribution_key",
    "fill_contribution",
    "find_contribution",
    "iter_add_data_logs",
    "load_contributions",
    "rule_view",
]

DEFAULT_PAGE_SIZE = 5_000
"""Blocks per `eth_getLogs` query; public RPCs commonly cap ranges near 10,000."""

REFUND = "refund"
REPORT = "report"
TAKE = "take"
WAIT = "wait"
NONE = "none"


class ContributionError(SumError, LookupError):
    """A contribution that cannot be found; the message is one line."""


@dataclass
class Contribution(Record):
    """A trainer record (`core.records.Contribution`) as read from the chain: the `AddData` log's
    metadata, whether the record still exists, the model's prediction now and, for a viewer,
    what they may do with it. `claimed_by` holds the author (when `author_claimed`) and the
    viewer (when `viewer_claimed`)."""

    id: int | None = None
    label: str = ""
    cost: int = 0
    tx_hash: str = ""
    block_number: int = 0
    exists: bool = True
    prediction: int | None = None
    viewer_claimed: bool | None = None
    assessment: Assessment | None = None

    @property
    def key_hex(self) -> str:
        return "0x" + self.key.hex()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "data": list(self.data),
            "classification": self.classification,
            "label": self.label,
            "added_time": self.added_time,
            "author": self.author,
            "cost": self.cost,
            "tx_hash": self.tx_hash,
            "block_number": self.block_number,
            "key": self.key_hex,
            "initial_deposit": self.initial_deposit,
            "claimable": self.claimable,
            "num_claims": self.num_claims,
            "author_claimed": self.author_claimed,
            "exists": self.exists,
            "prediction": self.prediction,
            "viewer_claimed": self.viewer_claimed,
            "assessment": self.assessment.to_json() if self.assessment else None,
        }


@dataclass
class Assessment:
    """What the viewer may do with a contribution now."""

    action: str
    """`refund`, `report` or `take` when allowed; else `wait` (allowed later) or `none`."""
    allowed: bool
    reason: str
    method: str | None = None
    """The trainer function that performs the action (`refund` or `report`)."""
    ready_at: int | None = None
    amount: int | None = None
    """Wei the viewer would receive now (0 for the points mechanism)."""
    later: list[str] = field(default_factory=list)
    """Notes on what becomes possible later (for example a take after a deadline)."""

    def short(self, now: int) -> str:
        if self.allowed:
            amount = f" {format_wei(self.amount)}" if self.amount else ""
            return f"{self.action}{amount}"
        if self.action == WAIT and self.ready_at is not None:
            return f"wait {format_duration(self.ready_at - now)}"
        return "-"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RuleView:
    """The incentive mechanism's parameters and the viewer's standing, read once per listing."""

    kind: IncentiveKind
    refund_wait_s: int
    owner_claim_wait_s: int
    any_address_claim_wait_s: int
    owner: str
    viewer: str | None
    viewer_num_valid: int
    total_good: int
    now: int


def rule_view(handle: TrainerHandle, viewer: str | None) -> RuleView:
    from ape import chain

    mech = handle.mechanism
    return RuleView(
        kind=handle.incentive_kind,
        refund_wait_s=int(mech.refundWaitTimeS()),
        owner_claim_wait_s=int(mech.ownerClaimWaitTimeS()),
        any_address_claim_wait_s=int(mech.anyAddressClaimWaitTimeS()),
        owner=handle.owner,
        viewer=viewer,
        viewer_num_valid=int(mech.numValidForAddress(viewer)) if viewer else 0,
        total_good=int(mech.totalGoodDataCount()),
        now=int(chain.pending_timestamp),
    )


def iter_add_data_logs(
    handle: TrainerHandle,
    *,
    start_block: int | None = None,
    stop_block: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    author: str | None = None,
) -> Iterator[Any]:
    """`AddData` logs in order, queried `page_size` blocks at a time (`stop_block` exclusive)."""
    from ape import chain

    if page_size <= 0:
        raise ValueError("page_size must be positive")
    start = handle.start_block if start_block is None else start_block
    stop = chain.blocks.head.number + 1 if stop_block is None else stop_block
    topics = {"sender": author} if author else None
    for low in range(start, stop, page_size):
        high = min(low + page_size, stop)
        yield from handle.trainer.AddData.range(low, high, search_topics=topics)


def contribution_from_log(handle: TrainerHandle, log: Any, index: int | None) -> Contribution:
    data = [int(v) for v in log.d]
    classification = int(log.c)
    author = str(log.sender)
    added_time = int(log.t)
    tx_hash = log.transaction_hash
    tx_hash = tx_hash if isinstance(tx_hash, str) else "0x" + bytes(tx_hash).hex()
    return Contribution(
        author=author,
        classification=classification,
        added_time=added_time,
        initial_deposit=0,
        claimable=0,
        data=tuple(data),
        id=index,
        label=handle.class_name(classification),
        cost=int(log.cost),
        tx_hash=tx_hash,
        block_number=int(log.block_number),
    )


def fill_contribution(
    handle: TrainerHandle, item: Contribution, rules: RuleView | None
) -> Contribution:
    trainer = handle.trainer
    initial, claimable, num_claims, author_claimed, exists = trainer.getContribution(item.key)
    item.initial_deposit = int(initial)
    item.claimable = int(claimable)
    item.num_claims = int(num_claims)
    item.claimed_by.discard(item.author.lower())
    if author_claimed:
        item.claimed_by.add(item.author.lower())
    item.exists = bool(exists)
    try:
        item.prediction = handle.predict(list(item.data))
    except Exception:
        item.prediction = None
    if rules is not None and rules.viewer:
        if same_address(rules.viewer, item.author):
            item.viewer_claimed = item.author_claimed
        else:
            item.viewer_claimed = bool(
                trainer.hasClaimed(
                    list(item.data), item.classification, item.added_time, item.author, rules.viewer
                )
            )
            if item.viewer_claimed:
                item.claimed_by.add(rules.viewer.lower())
        item.assessment = assess(item, rules, handle)
    return item


def load_contributions(
    handle: TrainerHandle,
    *,
    viewer: str | None = None,
    author: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    limit: int | None = None,
) -> list[Contribution]:
    """Every contribution (or `author`'s), with its record and, for `viewer`, an assessment."""
    rules = rule_view(handle, viewer) if viewer else None
    items: list[Contribution] = []
    for index, log in enumerate(iter_add_data_logs(handle, page_size=page_size), start=1):
        if author and str(log.sender).lower() != author.lower():
            continue
        items.append(fill_contribution(handle, contribution_from_log(handle, log, index), rules))
    if limit is not None:
        items = items[-limit:]
    return items


def find_contribution(
    handle: TrainerHandle,
    ref: str,
    *,
    viewer: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Contribution:
    """A contribution by id (`3` or `#3`) or by the hash of the transaction that added it."""
    from ape import chain

    text = ref.strip()
    rules = rule_view(handle, viewer) if viewer else None
    if text.lower().startswith("0x"):
        if len(text) != 66:
            raise ContributionError(f"not a transaction hash: {text[:70]!r}")
        try:
            receipt = chain.get_receipt(text)
        except Exception:
            raise ContributionError(f"no transaction {text} on {handle.network}") from None
        logs = list(handle.trainer.AddData.from_receipt(receipt))
        if not logs:
            raise ContributionError(f"transaction {text} added no data to this trainer")
        if len(logs) > 1:
            raise ContributionError(
                f"transaction {text} added {len(logs)} contributions: use the id from "
                "`ape sum contributions`"
            )
        return fill_contribution(handle, contribution_from_log(handle, logs[0], None), rules)
    number = text.removeprefix("#")
    if not (number.isascii() and number.isdigit()) or int(number) == 0:
        raise ContributionError(
            f"not a contribution id or transaction hash: {text[:40]!r} (ids start at 1)"
        )
    wanted = int(number)
    for index, log in enumerate(iter_add_data_logs(handle, page_size=page_size), start=1):
        if index == wanted:
            return fill_contribution(handle, contribution_from_log(handle, log, index), rules)
    raise ContributionError(f"no contribution #{wanted} on this trainer")


# --------------------------------------------------------------------------- rules


def _ready(added: int, wait: int) -> int:
    return min(added + wait, NEVER)


def assess(item: Contribution, rules: RuleView, handle: TrainerHandle | None = None) -> Assessment:
    """What `rules.viewer` may do with `item` now.

    The decision is the incentive rule mirror's (`ape_sum.core.incentives`, check for check the
    contracts' order): the author's refund first, else a take after the deadlines; for anyone
    else a report or take. Refusals are put in plain words with the model's class names.
    """
    from ape_sum.core.incentives import RuleViolation

    viewer = rules.viewer or ""
    is_author = viewer.lower() == item.author.lower()
    mechanism = _mechanism(rules)
    if item.prediction is None:
        return Assessment(NONE, False, "the model refuses this input now")
    now, prediction = rules.now, item.prediction
    if is_author:
        try:
            amount = mechanism.check_refund(item, viewer, now, prediction)
        except RuleViolation as refusal:
            try:
                amount = mechanism.check_report(item, viewer, now, prediction)
            except RuleViolation:
                return _refused(refusal, item, rules, handle, is_author)
            return _take(item, amount)
        reason = f"the model agrees ({_label(handle, item.classification)})"
        reason += ": the deposit comes back" if rules.kind.has_deposits else ": a point"
        return Assessment(REFUND, True, reason, REFUND, None, amount)
    try:
        amount = mechanism.check_report(item, viewer, now, prediction)
    except RuleViolation as refusal:
        return _refused(refusal, item, rules, handle, is_author)
    elapsed = now - item.added_time
    is_owner = viewer.lower() == rules.owner.lower()
    deadline = (is_owner and elapsed >= rules.owner_claim_wait_s) or (
        elapsed >= rules.any_address_claim_wait_s
    )
    if rules.kind.has_deposits and deadline:
        return _take(item, amount)
    if not rules.kind.has_deposits:
        reason = "the model disagrees with the label: a successful report counts as a point"
    else:
        reason = (
            f"the model predicts {_label(handle, item.prediction)}, not "
            f"{_label(handle, item.classification)}: your share is "
            f"{rules.viewer_num_valid}/{rules.total_good} of the deposit"
        )
    return Assessment(REPORT, True, reason, REPORT, None, amount)


def _mechanism(rules: RuleView):
    """The rule mirror of the trainer's mechanism, as the viewer sees it (the contribution itself
    is the mirror's record: a `core.records.Contribution`)."""

    waits = (rules.refund_wait_s, rules.owner_claim_wait_s, rules.any_address_claim_wait_s)
    mechanism = rules.kind.make_mirror(0, waits, owner=rules.owner)
    if rules.viewer:
        mechanism.num_valid[rules.viewer.lower()] = rules.viewer_num_valid
    mechanism.total_good_data_count = rules.total_good
    return mechanism


def _take(item: Contribution, amount: int) -> Assessment:
    return Assessment(
        TAKE, True, "past the deadline: what is left may be taken", REPORT, None, amount
    )


def _refused(
    refusal: Exception,
    item: Contribution,
    rules: RuleView,
    handle: TrainerHandle | None,
    is_author: bool,
) -> Assessment:
    """A refusal in words (`core.refusals`, with the model's class names and "you"); `wait` when
    the same viewer may act later (too early, or a take)."""
    from ape_sum.core.refusals import arguments, describe

    code = getattr(refusal, "code", "")
    args = getattr(refusal, "args_", ())
    points = not rules.kind.has_deposits
    action = "refund" if is_author else "reports"
    reason = describe(
        code,
        arguments(code, args),
        now=rules.now,
        label=lambda index: _label(handle, index),
        action=action,
        viewer=rules.viewer,
        author=is_author,
        points=points,
    )
    if code == "TooEarly":
        ready_at = int(args[0]) if args else item.added_time + rules.refund_wait_s
        return Assessment(WAIT, False, reason, REFUND if is_author else REPORT, ready_at)
    if not points and item.claimable > 0:
        viewer = (rules.viewer or "").lower()
        wait = (
            rules.owner_claim_wait_s
            if viewer == rules.owner.lower()
            else rules.any_address_claim_wait_s
        )
        take_at = _ready(item.added_time, wait)
        if rules.now < take_at < NEVER:
            if code != "CannotReportOwnContribution":  # its wording already says when
                reason += f"; you may take what is left in {format_duration(take_at - rules.now)}"
            later = [f"take what is left from {take_at}"]
            return Assessment(WAIT, False, reason, REPORT, take_at, later=later)
    return Assessment(NONE, False, reason)


def _label(handle: TrainerHandle | None, index: int | None) -> str:
    if index is None:
        return "nothing (the model refuses this input)"
    return repr(handle.class_name(index)) if handle else f"class {index}"
