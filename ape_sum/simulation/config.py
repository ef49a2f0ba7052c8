"""Scenario and agent parameters, their defaults and their validation.

Money in a scenario is given in *units*; the simulation counts in wei (`UNIT_WEI` wei per unit) so
that its integer arithmetic is the contracts' arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ape_sum.core.incentives import IncentiveKind, IncentiveKindError, waits_ordered
from ape_sum.core.refusals import refusal
from ape_sum.exceptions import SumError

UNIT_WEI = 10**12
"""Wei per simulation unit (10,000 units = 0.01 ether, far below what test accounts hold)."""
HOUR_S = 3600
DAY_S = 24 * HOUR_S
DEFAULT_VOCABULARY = 1000
"""The research's `num_words`: the 1,000 most frequent words."""
DEFAULT_COST_WEIGHT = 0.15
"""Units; the cost of a contribution is `cost_weight * 3600 / isqrt(seconds since the last one)`.

With the default agents (~7 contributions an hour) that is about 20-25 units a contribution, a
stake that matters against a 10,000-unit balance over the ~3,500 contributions of
`rotten-tomatoes`, while a good agent's 50-unit deposit still covers it after ~30 s of quiet.
"""


class SimulationError(SumError, ValueError):
    """Impossible or inconsistent simulation parameters; the message is one line and says why."""


ADVERSARY_KINDS = ("copycat", "front-runner", "sybil")
"""* copycat: resubmits the latest contribution of another agent that the model agrees with;
* front-runner: contributes correctly and also claims at the very second each claim opens;
* sybil: several accounts adding correct data with small deposits to gather validated
  contributions, then reporting with all of them."""


@dataclass(frozen=True)
class AgentSpec:
    """One simulated participant.

    `good` agents label their sample correctly (except with `mistake_prob`); bad ones flip it.
    With `only_while_useful`, a good agent contributes only with probability
    `accuracy + usefulness_margin` (it loses interest in a model that does not work for it).
    """

    name: str
    good: bool = True
    start_balance: float = 10_000.0
    deposit_mean: float = 50.0
    deposit_spread: float = 10.0
    interval_mean_s: float = 10 * 60
    interval_spread_s: float = 60.0
    mistake_prob: float = 0.0
    only_while_useful: bool = True
    kind: str = ""
    """An adversary (`ADVERSARY_KINDS`), or "" for a plain good or bad (label-flipping) agent."""
    accounts: int = 1
    """A sybil's number of accounts (each with this spec's balance and habits)."""

    @property
    def honest(self) -> bool:
        """A plain good agent: the one the mechanism should reward."""
        return self.good and not self.kind

    def validate(self) -> None:
        label = f"agent '{self.name}'"
        if self.kind and self.kind not in ADVERSARY_KINDS:
            raise SimulationError(
                f"{label}: unknown kind {self.kind!r} (expected {', '.join(ADVERSARY_KINDS)})"
            )
        if not 1 <= self.accounts <= 100 or (self.accounts > 1 and self.kind != "sybil"):
            raise SimulationError(f"{label}: accounts must be in [1, 100] (> 1: sybils only)")
        if not self.name or any(c in self.name for c in ",=:") or self.name != self.name.strip():
            raise SimulationError(f"bad agent name {self.name!r}: no spaces at the ends, ',=:'")
        numbers = {
            "start balance": self.start_balance,
            "deposit mean": self.deposit_mean,
            "deposit spread": self.deposit_spread,
            "interval mean": self.interval_mean_s,
            "interval spread": self.interval_spread_s,
            "mistake probability": self.mistake_prob,
        }
        for what, value in numbers.items():
            if not math.isfinite(value) or value < 0:
                raise SimulationError(f"{label}: {what} must be a finite number >= 0, got {value}")
        if self.start_balance <= 0:
            raise SimulationError(f"{label}: start balance must be > 0")
        if self.deposit_mean <= 0:
            raise SimulationError(f"{label}: deposit mean must be > 0")
        if self.deposit_mean > self.start_balance:
            raise SimulationError(
                f"{label}: deposit mean {self.deposit_mean:g} exceeds the start balance "
                f"{self.start_balance:g}, so it could never contribute"
            )
        if self.interval_mean_s < 1:
            raise SimulationError(f"{label}: interval mean must be at least 1 s")
        if self.mistake_prob > 1:
            raise SimulationError(f"{label}: mistake probability must be in [0, 1]")

    def max_interval_s(self) -> float:
        return self.interval_mean_s + 3 * self.interval_spread_s


def default_agents() -> tuple[AgentSpec, ...]:
    """The research system's headline pair: a careful good agent and a determined bad one."""
    return (
        AgentSpec(
            name="good", good=True, start_balance=10_000, deposit_mean=50, deposit_spread=10,
            interval_mean_s=10 * 60, interval_spread_s=60, mistake_prob=0.0001,
        ),
        AgentSpec(
            name="bad", good=False, start_balance=10_000, deposit_mean=100, deposit_spread=3,
            interval_mean_s=HOUR_S, interval_spread_s=60, only_while_useful=False,
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """Everything a run depends on; the same scenario and seed give the same run."""

    dataset: str = "rotten-tomatoes"
    model: str | None = None
    """Model kind (any name `ape_sum.core.models.model_kind` accepts); None picks the default for
    the data set."""
    incentive: IncentiveKind | str = IncentiveKind.DEPOSIT
    """An `IncentiveKind` (or its name)."""
    cost_weight: float = DEFAULT_COST_WEIGHT
    refund_wait_s: int = DAY_S
    owner_claim_wait_s: int = 7 * DAY_S
    any_address_claim_wait_s: int = 9 * DAY_S
    initial_fraction: float = 0.08
    test_fraction: float = 0.2
    seed: int = 0
    agents: tuple[AgentSpec, ...] = field(default_factory=default_agents)
    eval_interval_s: int = 6 * HOUR_S
    max_contributions: int | None = None
    usefulness_margin: float = 0.15
    text_features: int | None = None
    """Hash buckets for text data sets when `vocabulary` is None (None: the training module's
    default for the model)."""
    vocabulary: int | None = DEFAULT_VOCABULARY
    """Sparse models on text: presence of this many most frequent words of the training pool
    (the research's features); None hashes every token into `text_features` buckets."""
    eval_every_contributions: int | None = None
    """Also evaluate accuracy after this many contributions (None: 1 % of the stream), so the
    busy days are sampled densely and not only every `eval_interval_s`."""
    encoder: str | None = None
    """Encoder spec or short name (`embedding`); None: the training module's default (or the
    frequent-word vocabulary, see `vocabulary`)."""

    @property
    def mechanism(self) -> IncentiveKind:
        """The incentive as an `IncentiveKind` (`SimulationError` when it names none)."""
        try:
            return IncentiveKind.parse(self.incentive)
        except IncentiveKindError as err:
            raise SimulationError(str(err)) from None

    def validate(self) -> None:
        self.mechanism  # noqa: B018 - raises when the incentive names no mechanism
        if not math.isfinite(self.cost_weight) or self.cost_weight < 0:
            raise SimulationError(
                f"cost weight must be a finite number >= 0, got {self.cost_weight}"
            )
        waits = (self.refund_wait_s, self.owner_claim_wait_s, self.any_address_claim_wait_s)
        if min(waits) < 0:
            raise SimulationError("wait times cannot be negative")
        if not waits_ordered(*waits):
            raise SimulationError(refusal("InvalidWaitTimes", *waits))
        for what, value in (("initial", self.initial_fraction), ("test", self.test_fraction)):
            if not 0 < value < 1 or math.isnan(value):
                raise SimulationError(f"{what} fraction must be between 0 and 1, got {value}")
        if self.eval_interval_s < 1:
            raise SimulationError("the evaluation interval must be at least 1 s")
        if self.max_contributions is not None and self.max_contributions < 1:
            raise SimulationError("max contributions must be at least 1")
        if not 0 <= self.usefulness_margin <= 1:
            raise SimulationError("usefulness margin must be in [0, 1]")
        if self.vocabulary is not None and self.text_features is not None:
            raise SimulationError("give a vocabulary size or hash buckets for text, not both")
        if self.vocabulary is not None and not 1 <= self.vocabulary <= 2**20:
            raise SimulationError(f"vocabulary size must be in [1, 2^20], got {self.vocabulary}")
        if self.eval_every_contributions is not None and self.eval_every_contributions < 1:
            raise SimulationError("evaluate every N contributions needs N >= 1")
        if self.text_features is not None and not 2 <= self.text_features <= 2**20:
            raise SimulationError(f"text features must be in [2, 2^20], got {self.text_features}")
        if self.encoder is not None and self.text_features is not None:
            raise SimulationError("give either an encoder or text features (hash buckets)")
        if not self.agents:
            raise SimulationError("a simulation needs at least one agent")
        names = [a.name for a, _ in expand_accounts(self.agents)]
        if len(set(names)) != len(names):
            raise SimulationError(f"agent names must be unique, got {', '.join(names)}")
        for agent in self.agents:
            agent.validate()

    @property
    def cost_weight_wei(self) -> int:
        return to_wei(self.cost_weight) if self.mechanism.has_deposits else 0

    def with_changes(self, **changes: Any) -> Scenario:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["agents"] = [asdict(a) for a in self.agents]
        out["incentive"] = self.mechanism.value
        out["unit_wei"] = UNIT_WEI
        return out


def to_wei(units: float) -> int:
    return round(units * UNIT_WEI)


def to_units(wei: int) -> float:
    return wei / UNIT_WEI


_AGENT_KEYS = {
    "good": "good",
    "balance": "start_balance",
    "deposit": "deposit",
    "interval": "interval",
    "mistakes": "mistake_prob",
    "useful": "only_while_useful",
    "kind": "kind",
    "accounts": "accounts",
}


def _bool(text: str, key: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "y"}:
        return True
    if lowered in {"0", "false", "no", "n"}:
        return False
    raise SimulationError(f"agent spec: {key} must be true or false, got {text!r}")


def _number(text: str, key: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SimulationError(f"agent spec: {key} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise SimulationError(f"agent spec: {key} must be finite, got {text!r}")
    return value


def _mean_spread(text: str, key: str) -> tuple[float, float | None]:
    mean, _, spread = text.partition(":")
    return _number(mean, key), (_number(spread, key) if spread else None)


def expand_accounts(agents: tuple[AgentSpec, ...]) -> list[tuple[AgentSpec, str]]:
    """Each account to simulate with its group (the spec's name): a sybil of N accounts is N
    agents `NAME.1 .. NAME.N`."""
    out: list[tuple[AgentSpec, str]] = []
    for agent in agents:
        if agent.accounts == 1:
            out.append((agent, agent.name))
            continue
        for i in range(1, agent.accounts + 1):
            out.append((replace(agent, name=f"{agent.name}.{i}", accounts=1), agent.name))
    return out


def parse_agent(spec: str) -> AgentSpec:
    """`NAME[,good=BOOL][,balance=N][,deposit=MEAN[:SPREAD]][,interval=SECONDS[:SPREAD]]
    [,mistakes=P][,useful=BOOL]`, for example `honest,deposit=50:10,interval=600:60`.

    `[,kind=copycat|front-runner|sybil][,accounts=N]` make an adversary (see `ADVERSARY_KINDS`).
    A name starting with `bad` makes a bad agent unless `good=` says otherwise; unset values
    come from the default good (or bad) agent.
    """
    parts = [p.strip() for p in spec.split(",")]
    name = parts[0]
    if not name or "=" in name:
        raise SimulationError(f"agent spec {spec!r}: it must start with the agent's name")
    values: dict[str, str] = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in _AGENT_KEYS:
            raise SimulationError(
                f"agent spec {spec!r}: unknown setting {part!r} "
                f"(expected {', '.join(k + '=' for k in _AGENT_KEYS)})"
            )
        values[key] = value.strip()
    good = _bool(values["good"], "good") if "good" in values else not name.lower().startswith("bad")
    base = default_agents()[0 if good else 1]
    changes: dict[str, Any] = {"name": name, "good": good}
    if "balance" in values:
        changes["start_balance"] = _number(values["balance"], "balance")
    if "deposit" in values:
        mean, spread = _mean_spread(values["deposit"], "deposit")
        changes["deposit_mean"] = mean
        if spread is not None:
            changes["deposit_spread"] = spread
    if "interval" in values:
        mean, spread = _mean_spread(values["interval"], "interval")
        changes["interval_mean_s"] = mean
        changes["interval_spread_s"] = spread if spread is not None else mean / 10
    if "mistakes" in values:
        changes["mistake_prob"] = _number(values["mistakes"], "mistakes")
    elif not good:
        changes["mistake_prob"] = 0.0
    if "useful" in values:
        changes["only_while_useful"] = _bool(values["useful"], "useful")
    else:
        changes["only_while_useful"] = good
    if "kind" in values:
        changes["kind"] = values["kind"].lower()
        if "useful" not in values:
            changes["only_while_useful"] = False  # an attacker does not lose interest
    if "accounts" in values:
        accounts = _number(values["accounts"], "accounts")
        if not accounts.is_integer():
            raise SimulationError(f"agent spec: accounts must be a whole number, got {accounts}")
        changes["accounts"] = int(accounts)
    agent = replace(base, **changes)
    agent.validate()
    return agent
