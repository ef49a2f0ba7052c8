"""The trainer's bookkeeping, off chain, around the incentive mechanism mirror.

`MirrorTrainer` does what `CollaborativeTrainer.sol` does: it asks the incentive mechanism (the
integer-exact mirror in `core.incentives`) to price a contribution or to decide a claim, keeps
the contribution records and the money it holds. Refusals are `RuleViolation`s carrying the
contract's custom-error name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ape_sum.core.incentives import IncentiveKind, IncentiveMechanism, RuleViolation
from ape_sum.core.records import Contribution as _Record

__all__ = ["Contribution", "MirrorTrainer", "RuleViolation", "make_mechanism"]


@dataclass(eq=False)
class Contribution(_Record):
    """A trainer record plus what the simulation needs to find and re-check it."""

    cid: int = 0
    sample: int = 0
    """Index of the sample in the contribution stream."""
    cached_version: int = -1
    cached_prediction: int = -1


def make_mechanism(
    kind: IncentiveKind | str,
    cost_weight: int,
    waits: tuple[int, int, int],
    owner: str,
    deployed_at: int,
) -> IncentiveMechanism:
    """A fresh mirror of mechanism `kind` (see `IncentiveKind.make_mirror`)."""
    return IncentiveKind.parse(kind).make_mirror(cost_weight, waits, owner, deployed_at)


class MirrorTrainer:
    """`CollaborativeTrainer` off chain: records, payouts and the money it holds."""

    def __init__(self, mechanism: IncentiveMechanism) -> None:
        self.mechanism = mechanism
        self.contributions: list[Contribution] = []
        self.held = 0
        """Wei the trainer holds (the sum of all claimable amounts)."""

    def next_cost(self, now: int) -> int:
        return self.mechanism.next_add_data_cost(now)

    def num_valid(self, address: str) -> int:
        return self.mechanism.num_valid_for(address)

    def add_data(
        self, author: str, value: int, sample: int, data: list[int], label: int, now: int
    ) -> Contribution:
        cost = self.mechanism.add_data(author, value, now)
        record = Contribution(
            author=author, classification=label, added_time=now, initial_deposit=cost,
            claimable=cost, data=tuple(data), cid=len(self.contributions), sample=sample,
        )  # fmt: skip
        self.contributions.append(record)
        self.held += cost
        return record

    def refund(self, c: Contribution, author: str, prediction: int, now: int) -> int:
        amount = self.mechanism.refund(c, author, now, prediction)
        self.held -= amount
        return amount

    def report(self, c: Contribution, reporter: str, prediction: int, now: int) -> int:
        amount = self.mechanism.report(c, reporter, now, prediction)
        self.held -= amount
        return amount
