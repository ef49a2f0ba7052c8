"""The trainer's record of one contribution, its key, and the "never" deadline.

One record type serves the incentive rule mirror (`core.incentives`), the simulation
(`simulation.market` extends it with its bookkeeping) and the chain history
(`chain.contributions` extends it with the `AddData` log's metadata).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NEVER", "Contribution", "address_key", "contribution_key", "same_address"]

NEVER = 2**256 - 1
"""`type(uint256).max`: the contracts' deadline for what never becomes possible (the points
mechanism has no takes; ready-at times saturate here)."""


def address_key(account: object) -> str:
    """The lowercase address of `account` (anything whose `str()` is the address), for
    case-insensitive comparisons and dictionary keys."""
    return str(account).lower()


def same_address(a: object, b: object) -> bool:
    """Whether `a` and `b` (strings, Ape accounts: anything whose `str()` is the address) are the
    same address, compared case-insensitively."""
    return address_key(a) == address_key(b)


def contribution_key(
    data: list[int] | tuple[int, ...], classification: int, added_time: int, author: object
) -> bytes:
    """The trainer's record key: `keccak256(abi.encodePacked(int64[] data, uint64 classification,
    uint256 addedTime, address author))` (int64 elements are sign-extended 32-byte words).

    `"0x" + key.hex()` is the form RPCs and JSON output use."""
    from eth_utils import keccak

    packed = b"".join(int(x).to_bytes(32, "big", signed=True) for x in data)
    packed += int(classification).to_bytes(8, "big") + int(added_time).to_bytes(32, "big")
    packed += bytes.fromhex(str(author)[2:])
    return bytes(keccak(packed))


@dataclass
class Contribution:
    """The trainer's record of one contribution (the data itself lives in the `AddData` event)."""

    author: str
    classification: int
    added_time: int
    initial_deposit: int
    claimable: int
    claimed_by: set[str] = field(default_factory=set)
    num_claims: int = 0
    data: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        self.author = str(self.author)
        self.claimed_by = {address_key(a) for a in self.claimed_by}
        self.data = tuple(int(v) for v in self.data)

    @property
    def key(self) -> bytes:
        """The trainer's key of this record (`contribution_key`)."""
        return contribution_key(self.data, self.classification, self.added_time, self.author)

    @property
    def author_claimed(self) -> bool:
        """Whether the author already claimed (refunded, or took what was left)."""
        return self.has_claimed(self.author)

    def has_claimed(self, claimer: object) -> bool:
        """Whether `claimer` already claimed from this contribution."""
        return address_key(claimer) in self.claimed_by

    def is_author(self, account: object) -> bool:
        return same_address(account, self.author)
