"""Open a deployed trainer (by registry name or address) with its classifier, incentive mechanism
and encoder, and read what the commands show about it.

Nothing here prints; errors are `TrainerError` with a one-line message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ape_sum.chain.registry import DeploymentRecord, Registry, RegistryError, network_key
from ape_sum.core.incentives import IncentiveKind
from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

    from ape_sum.core.encoding import Encoder

__all__ = [
    "TrainerError",
    "TrainerHandle",
    "is_address",
    "open_trainer",
]

_ADDRESS_RE = re.compile(r"^0x[0-9a-fA-F]{40}$")


class TrainerError(SumError, LookupError):
    """A trainer that cannot be opened or used; the message is one line and says why."""


def is_address(text: str | None) -> bool:
    return bool(text) and bool(_ADDRESS_RE.match(str(text)))


def classifier_contract_name(kind: str) -> str | None:
    """The classifier contract of a model kind (any of its names); None when it is unknown."""
    from ape_sum.core.models import ModelKindError, model_kind

    try:
        return model_kind(kind).contract_name
    except ModelKindError:
        return None


@dataclass
class TrainerHandle:
    """A deployed trainer and the modules it wires."""

    trainer: ContractInstance
    classifier: ContractInstance
    mechanism: ContractInstance
    record: DeploymentRecord | None
    network: str
    chain_id: int
    incentive_kind: IncentiveKind
    model_type: str
    start_block: int = 0
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def address(self) -> str:
        return str(self.trainer.address)

    @property
    def name(self) -> str:
        return self._view("name", self.trainer.name)

    @property
    def description(self) -> str:
        return self._view("description", self.trainer.description)

    @property
    def encoder_spec(self) -> str:
        return self._view("encoder", self.trainer.encoder)

    @property
    def owner(self) -> str:
        return str(self._view("owner", self.trainer.owner))

    @property
    def classes(self) -> list[str]:
        if "classes" not in self._cache:
            count = int(self.classifier.getNumClassifications())
            self._cache["classes"] = [str(self.classifier.classifications(i)) for i in range(count)]
        return self._cache["classes"]

    @property
    def num_features(self) -> int | None:
        if "num_features" not in self._cache:
            try:
                self._cache["num_features"] = int(self.classifier.numFeatures())
            except Exception:
                self._cache["num_features"] = None
        return self._cache["num_features"]

    @property
    def max_input_features(self) -> int | None:
        """The classifier's bound on an input's length (None for a classifier without one)."""
        if "max_input_features" not in self._cache:
            try:
                self._cache["max_input_features"] = int(self.classifier.maxInputFeatures())
            except Exception:
                self._cache["max_input_features"] = None
        return self._cache["max_input_features"]

    def _view(self, key: str, method) -> Any:
        if key not in self._cache:
            self._cache[key] = method()
        return self._cache[key]

    @cached_property
    def encoder(self) -> Encoder:
        """The trainer's own encoder (`EncodingError` when its spec cannot be used here)."""
        from ape_sum.core.encoding import parse_encoder_spec

        return parse_encoder_spec(self.encoder_spec)

    def class_index(self, label: str) -> int:
        """The index of class `label` (a class name, or its index as a number)."""
        classes = self.classes
        if label in classes:
            return classes.index(label)
        lowered = [c.lower() for c in classes]
        if label.lower() in lowered:
            return lowered.index(label.lower())
        if label.isascii() and label.isdigit() and int(label) < len(classes):
            return int(label)
        raise TrainerError(
            f"label {label!r} is not a class of this model (classes: {', '.join(classes)})"
        )

    def class_name(self, index: int) -> str:
        classes = self.classes
        return classes[index] if 0 <= index < len(classes) else f"class {index}"

    def encode(self, text: str) -> list[int]:
        """Encode a CLI input with the trainer's encoder and check it fits the model."""
        from ape_sum.core.encoding import EncodingError

        encoder = self.encoder
        data = encoder.encode_text(text)
        if not data:
            raise EncodingError("the input encodes to an empty vector")
        n = self.num_features
        if n is not None and encoder.sparse is False and len(data) != n:
            raise EncodingError(f"wrong dimension: got {len(data)} values, the model takes {n}")
        if n is not None and encoder.sparse:
            bad = [i for i in data if not 0 <= i < n]
            if bad:
                raise EncodingError(f"feature index {bad[0]} is outside the model's [0, {n})")
        bound = self.max_input_features
        if encoder.sparse and bound is not None and len(data) > bound:
            from ape_sum.core.refusals import refusal

            # The contract would revert TooManyFeatures: refuse before sending anything.
            raise EncodingError(refusal("TooManyFeatures", len(data), bound))
        return data

    def predict(self, data: list[int]) -> int:
        """The on-chain prediction (a free call); `ContractLogicError` when the model refuses."""
        return int(self.trainer.predict(data))

    def quote_add_data_cost(self) -> int:
        """The deposit `addData` needs in the block a transaction sent now lands in, unless someone
        else contributes first: the cost only falls as time passes, so the latest block's cost
        bounds it from above. (A call at the "pending" block is not that bound: py-evm and Anvil
        give the pending block a later clock than the block that is then mined.)"""
        return int(self.mechanism.getNextAddDataCost())

    def incentive_parameters(self) -> dict[str, Any]:
        mech = self.mechanism
        params: dict[str, Any] = {
            "kind": self.incentive_kind.value,
            "address": str(mech.address),
            "refund_wait_s": int(mech.refundWaitTimeS()),
            "owner_claim_wait_s": int(mech.ownerClaimWaitTimeS()),
            "any_address_claim_wait_s": int(mech.anyAddressClaimWaitTimeS()),
            "total_submitted": int(mech.totalSubmitted()),
            "total_good_data": int(mech.totalGoodDataCount()),
            "next_add_data_cost_wei": int(mech.getNextAddDataCost()),
        }
        if self.incentive_kind.has_deposits and hasattr(mech, "costWeight"):
            params["cost_weight_wei"] = int(mech.costWeight())
        return params


def _contract_at(name: str, address: str) -> ContractInstance:
    from ape_sum.chain.contracts import container

    return container(name).at(address, fetch_from_explorer=False, detect_proxy=False)


def _has_code(address: str) -> bool:
    from ape import networks
    from eth_utils import to_checksum_address

    code = networks.provider.get_code(to_checksum_address(address))
    return bool(code) and code not in (b"", "0x")


def _incentive_kind(address: str) -> IncentiveKind:
    """The mechanism's kind, read from the mechanism itself when the registry does not say: only
    Deposit, Refund and Take has `costWeight()`."""
    from ape.exceptions import ApeException

    try:
        _contract_at(IncentiveKind.DEPOSIT.contract_name, address).costWeight()
    except SumError:
        raise  # the contracts are not available here: not a question of kind
    except (ApeException, ValueError):
        return IncentiveKind.POINTS
    return IncentiveKind.DEPOSIT


def open_trainer(name_or_address: str | None, registry: Registry | None = None) -> TrainerHandle:
    """The trainer named `name_or_address` in the registry (or at that address), else the last one
    deployed on the connected network."""
    from ape import chain, networks

    from ape_sum.chain.contracts import ContractsError
    from ape_sum.chain.reverts import first_line

    registry = registry or Registry()
    network = networks.provider.network_choice
    chain_id = int(chain.chain_id)
    record: DeploymentRecord | None = None
    try:
        record = registry.find(name_or_address, network, chain_id)
        address = str(record.trainer)
    except RegistryError as err:
        if not is_address(name_or_address):
            here = network_key(network, chain_id)
            elsewhere = [
                key for key in (registry.locate(name_or_address) if name_or_address else [])
                if key != here
            ]  # fmt: skip
            if elsewhere:
                raise TrainerError(
                    f"{err}; a deployment with that name exists on {', '.join(elsewhere)}: "
                    "pass that --network"
                ) from None
            raise TrainerError(str(err)) from None
        address = str(name_or_address)

    if not _has_code(address):
        if record is not None:
            raise TrainerError(
                f"deployment '{record.name}' has no contract at {address} on {network} (chain "
                f"{chain_id}): the chain was probably reset (a restarted node) since it was "
                "deployed; deploy it again (`ape sum node` keeps a chain between commands)"
            )
        raise TrainerError(
            f"no contract at {address} on {network} (chain {chain_id}): wrong network, or the "
            "node was restarted since the deployment"
        )
    try:
        trainer = _contract_at("CollaborativeTrainer", address)
        classifier_address = str(trainer.classifier())
        mechanism_address = str(trainer.incentiveMechanism())
    except ContractsError:
        raise
    except Exception as err:
        detail = first_line(err)
        raise TrainerError(f"{address} is not a SUM trainer on {network}: {detail}") from None

    model_type = record.model_type if record and record.model_type else "unknown"
    contract_name = classifier_contract_name(model_type) or "IClassifier"
    classifier = _contract_at(contract_name, classifier_address)
    if record and record.incentive.get("kind"):
        kind = IncentiveKind.parse(record.incentive["kind"])
    else:
        kind = _incentive_kind(mechanism_address)
    mechanism = _contract_at(kind.contract_name, mechanism_address)
    start_block = int(record.start_block) if record and record.start_block is not None else 0
    return TrainerHandle(
        trainer=trainer,
        classifier=classifier,
        mechanism=mechanism,
        record=record,
        network=network,
        chain_id=chain_id,
        incentive_kind=kind,
        model_type=model_type,
        start_block=start_block,
    )
