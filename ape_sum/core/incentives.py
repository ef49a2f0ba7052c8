"""Integer-exact, pure-Python mirror of the incentive mechanisms' rules and bookkeeping.

It follows `contracts/incentive/DepositRefundTake.sol`, `contracts/incentive/Points.sol` and the
record keeping of `contracts/CollaborativeTrainer.sol` check for check, in the same order, so that:

* the CLI can explain a refusal *before* sending a transaction (`check_refund` / `check_report`
  never change state), with the contract's custom-error name as `RuleViolation.code`;
* the simulation can run thousands of contributions without a chain.

Amounts are wei (int), times are unix seconds (int). Addresses are compared case-insensitively
(anything whose `str()` is the address works: strings, Ape accounts). Counters are plain public
attributes, so a mirror can be synchronised with a deployed mechanism by assigning them.
"""

from __future__ import annotations

from enum import Enum
from math import isqrt

from ape_sum.core.records import NEVER, Contribution, contribution_key
from ape_sum.core.records import address_key as _addr
from ape_sum.core.refusals import refusal
from ape_sum.exceptions import SumError

__all__ = [
    "COST_TIME_SCALE_S",
    "NEVER",
    "Contribution",
    "DepositRefundTake",
    "IncentiveKind",
    "IncentiveKindError",
    "IncentiveMechanism",
    "Points",
    "RuleViolation",
    "contribution_key",
    "isqrt",
]

#: The cost's time scale: `costWeight * 3600 / isqrt(seconds since the last contribution)`.
COST_TIME_SCALE_S = 3600


class RuleViolation(SumError):
    """An action the contracts would refuse.

    `code` is the custom error's name in the contracts (e.g. `TooEarly`), `args_` the error's
    arguments as the contract would report them, `message` their plain-English wording from
    `core.refusals` (the same words as for the on-chain revert); `context` is passed on to it
    (`now`, `action`, ...).
    """

    def __init__(self, code: str, *args: object, **context: object) -> None:
        self.code = code
        self.args_ = args
        self.message = refusal(code, *args, **context)
        super().__init__(f"{code}: {self.message}")


#: The smallest deposit of a deposit-mechanism contribution when the cost weight is positive (a
#: deposit that rounded to 0 could never be refunded, so its author never validated).
MIN_COST = 1


def waits_ordered(
    refund_wait_s: int, owner_claim_wait_s: int, any_address_claim_wait_s: int
) -> bool:
    """The contracts' wait rule: `refund < owner take < any-address take`, strictly (an equal
    wait lets a take race the refund, or anyone race the owner's take)."""
    return refund_wait_s < owner_claim_wait_s < any_address_claim_wait_s


class IncentiveMechanism:
    """What both mechanisms share: wait times (ordered), counters and the claim bookkeeping."""

    #: The contract's name, for messages.
    name = "IncentiveMechanism"
    #: The mechanism's name for people.
    title = "Incentive mechanism"

    def __init__(
        self,
        refund_wait_s: int,
        owner_claim_wait_s: int,
        any_address_claim_wait_s: int,
        owner: object = None,
        deployed_at: int = 0,
    ) -> None:
        if not waits_ordered(refund_wait_s, owner_claim_wait_s, any_address_claim_wait_s):
            raise RuleViolation(
                "InvalidWaitTimes",
                refund_wait_s,
                owner_claim_wait_s,
                any_address_claim_wait_s,
            )
        self.refund_wait_s = refund_wait_s
        self.owner_claim_wait_s = owner_claim_wait_s
        self.any_address_claim_wait_s = any_address_claim_wait_s
        self.owner = None if owner is None else str(owner)
        self.deployed_at = deployed_at
        self.last_update_time = deployed_at
        self.total_submitted = 0
        self.total_good_data_count = 0
        self.num_valid: dict[str, int] = {}

    # ------------------------------------------------------------------ queries

    def num_valid_for(self, account: object) -> int:
        """How many of `account`'s contributions were validated by a refund."""
        return self.num_valid.get(_addr(account), 0)

    def next_add_data_cost(self, now: int) -> int:
        raise NotImplementedError

    def refundable_at(self, contribution: Contribution) -> int:
        """When the author may ask for a refund (and others may report)."""
        return contribution.added_time + self.refund_wait_s

    def owner_take_at(self, contribution: Contribution) -> int:
        return contribution.added_time + self.owner_claim_wait_s

    def any_address_take_at(self, contribution: Contribution) -> int:
        return contribution.added_time + self.any_address_claim_wait_s

    # ------------------------------------------------------------------ actions

    def add_data(self, sender: object, value: int, now: int) -> int:
        """Accept a contribution sent with `value` wei at `now`; returns the deposit kept (the
        trainer sends `value - cost` back). Raises `RuleViolation("InsufficientDeposit")`."""
        cost = self.next_add_data_cost(now)
        if value < cost:
            raise RuleViolation("InsufficientDeposit", value, cost)
        self._accept(now)
        return cost

    def contribute(
        self,
        sender: object,
        classification: int,
        value: int,
        now: int,
        data: tuple[int, ...] = (),
    ) -> Contribution:
        """`add_data` plus the trainer's new record."""
        cost = self.add_data(sender, value, now)
        return Contribution(str(sender), classification, now, cost, cost, data=tuple(data))

    def check_refund(
        self, contribution: Contribution, sender: object, now: int, prediction: int
    ) -> int:
        """The amount a refund would pay; raises `RuleViolation` when the contract would refuse.
        No state changes."""
        if not contribution.is_author(sender):
            # The contract's key commits to the author (`msg.sender`): another caller's key
            # matches no record.
            raise RuleViolation(
                "ContributionNotFound",
                contribution_key(
                    contribution.data, contribution.classification, contribution.added_time, sender
                ),
            )
        return self._check_refund(contribution, now, prediction)

    def check_report(
        self, contribution: Contribution, reporter: object, now: int, prediction: int
    ) -> int:
        """The amount a report (or take) would pay; raises `RuleViolation` when the contract would
        refuse. No state changes."""
        raise NotImplementedError

    def refund(self, contribution: Contribution, sender: object, now: int, prediction: int) -> int:
        """Check and apply a refund: returns the amount paid to the author."""
        amount = self.check_refund(contribution, sender, now, prediction)
        self._record_good_data(contribution.author)
        self._settle(contribution, sender, amount)
        return amount

    def report(
        self, contribution: Contribution, reporter: object, now: int, prediction: int
    ) -> int:
        """Check and apply a report or take: returns the amount paid to the reporter."""
        amount = self.check_report(contribution, reporter, now, prediction)
        self._after_report(reporter)
        self._settle(contribution, reporter, amount)
        return amount

    # ------------------------------------------------------------------ shared rule pieces

    def _check_refund(self, contribution: Contribution, now: int, prediction: int) -> int:
        raise NotImplementedError

    def _accept(self, now: int) -> None:
        self.total_submitted += 1

    def _after_report(self, reporter: object) -> None:
        """Mechanism-specific counters of a successful report (none for deposits)."""

    def _record_good_data(self, author: object) -> None:
        key = _addr(author)
        self.num_valid[key] = self.num_valid.get(key, 0) + 1
        self.total_good_data_count += 1

    @staticmethod
    def _settle(contribution: Contribution, claimer: object, amount: int) -> None:
        contribution.claimable -= amount
        contribution.num_claims += 1
        contribution.claimed_by.add(_addr(claimer))

    def _require_waited(self, contribution: Contribution, now: int, action: str) -> None:
        ready = self.refundable_at(contribution)
        if now < ready:
            raise RuleViolation("TooEarly", ready, now=now, action=action)

    @staticmethod
    def _require_agrees(contribution: Contribution, prediction: int) -> None:
        if prediction != contribution.classification:
            raise RuleViolation("ModelDisagrees", prediction, contribution.classification)

    @staticmethod
    def _require_disagrees(contribution: Contribution, prediction: int) -> None:
        if prediction == contribution.classification:
            raise RuleViolation("ModelAgrees", prediction)

    @staticmethod
    def _require_not_claimed(contribution: Contribution, claimer: object) -> None:
        if contribution.has_claimed(claimer):
            raise RuleViolation("AlreadyClaimed", str(claimer))


class DepositRefundTake(IncentiveMechanism):
    """Deposit, Refund and Take: Self-Assessment (mirror of `DepositRefundTake.sol`)."""

    name = "DepositRefundTake"
    title = "Deposit, Refund and Take"

    def __init__(
        self,
        cost_weight: int,
        refund_wait_s: int,
        owner_claim_wait_s: int,
        any_address_claim_wait_s: int,
        owner: object = None,
        deployed_at: int = 0,
    ) -> None:
        super().__init__(
            refund_wait_s, owner_claim_wait_s, any_address_claim_wait_s, owner, deployed_at
        )
        if cost_weight < 0:
            raise ValueError("cost_weight must be non-negative")
        self.cost_weight = cost_weight

    def next_add_data_cost(self, now: int) -> int:
        """`max(MIN_COST, costWeight * 3600 / isqrt(now - lastUpdateTime))`, divisor 1 when no
        time passed; 0 when the cost weight is 0."""
        if self.cost_weight == 0:
            return 0
        elapsed = now - self.last_update_time
        if elapsed < 0:
            raise ValueError(f"now ({now}) is before the last update ({self.last_update_time})")
        divisor = isqrt(elapsed) if elapsed > 0 else 1
        return max(MIN_COST, self.cost_weight * COST_TIME_SCALE_S // divisor)

    def _accept(self, now: int) -> None:
        super()._accept(now)
        self.last_update_time = now

    def _check_refund(self, contribution: Contribution, now: int, prediction: int) -> int:
        self._require_not_claimed(contribution, contribution.author)
        if contribution.claimable == 0:
            raise RuleViolation("NothingToClaim")
        self._require_waited(contribution, now, "refund")
        self._require_agrees(contribution, prediction)
        return contribution.claimable

    def check_report(
        self, contribution: Contribution, reporter: object, now: int, prediction: int
    ) -> int:
        claimable = contribution.claimable
        if claimable == 0:
            raise RuleViolation("NothingToClaim")
        elapsed = now - contribution.added_time
        is_owner = self.owner is not None and _addr(reporter) == _addr(self.owner)
        if elapsed >= self.owner_claim_wait_s and is_owner:
            return claimable  # owner take
        if elapsed >= self.any_address_claim_wait_s:
            return claimable  # any-address take (the author included)
        if contribution.is_author(reporter):
            take_at = self.any_address_take_at(contribution)
            raise RuleViolation("CannotReportOwnContribution", take_at, now=now)
        self._require_not_claimed(contribution, reporter)
        self._require_waited(contribution, now, "reports")
        self._require_disagrees(contribution, prediction)
        num_valid = self.num_valid_for(reporter)
        if num_valid == 0:
            raise RuleViolation("NoValidatedContributions", str(reporter))
        amount = contribution.initial_deposit * num_valid // self.total_good_data_count
        if amount == 0 or amount > claimable:
            amount = claimable
        return amount


class Points(IncentiveMechanism):
    """Points without money (mirror of `Points.sol`)."""

    name = "Points"
    title = "Points"

    def __init__(
        self,
        refund_wait_s: int,
        owner_claim_wait_s: int,
        any_address_claim_wait_s: int,
        owner: object = None,
        deployed_at: int = 0,
    ) -> None:
        super().__init__(
            refund_wait_s, owner_claim_wait_s, any_address_claim_wait_s, owner, deployed_at
        )
        self.num_successful_reports: dict[str, int] = {}

    def next_add_data_cost(self, now: int) -> int:
        """Always 0: contributing is free (any value sent is returned)."""
        return 0

    def successful_reports_of(self, account: object) -> int:
        return self.num_successful_reports.get(_addr(account), 0)

    def points(self, account: object) -> tuple[int, int]:
        """`(validated contributions, successful reports)` of `account` (like `getPoints`)."""
        return self.num_valid_for(account), self.successful_reports_of(account)

    def _require_first_claim(self, contribution: Contribution) -> None:
        if contribution.num_claims:
            raise RuleViolation("AlreadySettled", contribution.num_claims)

    def _check_refund(self, contribution: Contribution, now: int, prediction: int) -> int:
        self._require_not_claimed(contribution, contribution.author)
        self._require_first_claim(contribution)
        self._require_waited(contribution, now, "refund")
        self._require_agrees(contribution, prediction)
        return 0

    def check_report(
        self, contribution: Contribution, reporter: object, now: int, prediction: int
    ) -> int:
        if contribution.is_author(reporter):
            raise RuleViolation("CannotReportOwnContribution", NEVER)
        self._require_not_claimed(contribution, reporter)
        self._require_first_claim(contribution)
        self._require_waited(contribution, now, "reports")
        self._require_disagrees(contribution, prediction)
        return 0

    def _after_report(self, reporter: object) -> None:
        key = _addr(reporter)
        self.num_successful_reports[key] = self.num_successful_reports.get(key, 0) + 1


class IncentiveKindError(SumError, ValueError):
    """A name that is no incentive mechanism; the message lists the valid ones."""


class IncentiveKind(str, Enum):
    """The incentive mechanisms, by the names used on the command line, in the registry and in
    JSON (`deposit`, `points`); each knows its contract, its mirror and its constructor."""

    DEPOSIT = "deposit"
    POINTS = "points"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: str | IncentiveKind) -> IncentiveKind:
        """The kind named `value` (any case); `IncentiveKindError` lists the valid names."""
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            valid = " or ".join(k.value for k in cls)
            raise IncentiveKindError(
                f"unknown incentive mechanism {str(value)!r}: expected {valid}"
            ) from None

    @property
    def mirror(self) -> type[IncentiveMechanism]:
        """The mechanism's integer-exact mirror class."""
        return DepositRefundTake if self is IncentiveKind.DEPOSIT else Points

    @property
    def contract_name(self) -> str:
        return self.mirror.name

    @property
    def title(self) -> str:
        """The mechanism's name for people (`Deposit, Refund and Take`)."""
        return self.mirror.title

    @property
    def has_deposits(self) -> bool:
        """Whether contributions pay (and may win back) a deposit; points move no money."""
        return self is IncentiveKind.DEPOSIT

    def constructor_args(
        self,
        refund_wait_s: int,
        owner_claim_wait_s: int,
        any_address_claim_wait_s: int,
        cost_weight: int = 0,
    ) -> list[int]:
        """The contract's constructor arguments: the three waits, then (deposit only) the cost
        weight, as in `DepositRefundTake(refund, ownerClaim, anyAddressClaim, costWeight)` and
        `Points(refund, ownerClaim, anyAddressClaim)`."""
        waits = [refund_wait_s, owner_claim_wait_s, any_address_claim_wait_s]
        return [*waits, cost_weight] if self.has_deposits else waits

    def make_mirror(
        self,
        cost_weight: int,
        waits: tuple[int, int, int],
        owner: object = None,
        deployed_at: int = 0,
    ) -> IncentiveMechanism:
        """A fresh mirror of this mechanism (`cost_weight` is ignored by points)."""
        if self.has_deposits:
            return DepositRefundTake(cost_weight, *waits, owner=owner, deployed_at=deployed_at)
        return Points(*waits, owner=owner, deployed_at=deployed_at)
