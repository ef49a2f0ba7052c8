"""The local registry of deployments: `.ape-sum/deployments.json` in the project folder.

Where it lives, first match wins: the folder in `APE_SUM_REGISTRY_DIR` (tests, scripts), the file
in the project's `sum.registry` setting (`ape-config.yaml`), `.ape-sum/` in the working directory.

Ape keeps dev-network deployments in memory only, so `ape sum deploy` records what it deployed here,
keyed by network and chain id, and later commands find a trainer by name (or the last one deployed).
Half-finished deployments are recorded too, step by step, so `deploy --resume` can finish them.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ape_sum.exceptions import SumError

REGISTRY_DIR_ENV = "APE_SUM_REGISTRY_DIR"
REGISTRY_FILE = "deployments.json"


class RegistryError(SumError, LookupError):
    """A deployment could not be found or the registry file is unreadable."""


@dataclass
class DeploymentRecord:
    name: str
    network: str
    chain_id: int
    model_type: str = ""
    classifier: str | None = None
    incentive_mechanism: str | None = None
    trainer: str | None = None
    incentive: dict[str, Any] = field(default_factory=dict)
    init_calls_done: int = 0
    init_calls_total: int = 0
    finalized: bool = False
    wired: bool = False
    deployer: str | None = None
    block_number: int | None = None
    start_block: int | None = None
    description: str = ""
    encoder: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.trainer and self.finalized and self.wired)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DeploymentRecord:
        """A record from its JSON form; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


def network_key(network: str, chain_id: int) -> str:
    """`ecosystem:network` plus the chain id: a fork of mainnet and mainnet itself never mix."""
    ecosystem_and_network = ":".join(network.split(":")[:2])
    return f"{ecosystem_and_network}#{chain_id}"


def default_registry_path() -> Path:
    if folder := os.environ.get(REGISTRY_DIR_ENV):
        return Path(folder) / REGISTRY_FILE
    from ape_sum.config import configured_registry_path

    return configured_registry_path() or Path.cwd() / ".ape-sum" / REGISTRY_FILE


class Registry:
    def __init__(self, path: Path | None = None):
        self.path = path or default_registry_path()

    def _read(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        try:
            return json.loads(self.path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise RegistryError(f"cannot read the deployment registry {self.path}: {err}") from err

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so an interrupted command never leaves a truncated registry.
        with tempfile.NamedTemporaryFile("w", dir=self.path.parent, delete=False) as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        Path(handle.name).replace(self.path)

    def save(self, record: DeploymentRecord) -> None:
        data = self._read()
        section = data.setdefault(network_key(record.network, record.chain_id), {})
        section.setdefault("deployments", {})[record.name] = record.to_json()
        if record.complete:
            section["last"] = record.name
        self._write(data)

    def all(self, network: str, chain_id: int) -> list[DeploymentRecord]:
        section = self._read().get(network_key(network, chain_id), {})
        return [DeploymentRecord.from_json(raw) for raw in section.get("deployments", {}).values()]

    def get(self, name: str, network: str, chain_id: int) -> DeploymentRecord | None:
        section = self._read().get(network_key(network, chain_id), {})
        raw = section.get("deployments", {}).get(name)
        return DeploymentRecord.from_json(raw) if raw else None

    def find(self, name_or_address: str | None, network: str, chain_id: int) -> DeploymentRecord:
        """A complete deployment by name or trainer address; the last one when none is given."""
        section = self._read().get(network_key(network, chain_id), {})
        deployments = section.get("deployments", {})
        if name_or_address is None:
            last = section.get("last")
            if last is None:
                raise RegistryError(
                    f"no trainer deployed on {network} (chain {chain_id}) yet: "
                    "run `ape sum deploy MODEL_FILE` or name a trainer address"
                )
            return DeploymentRecord.from_json(deployments[last])
        if name_or_address in deployments:
            record = DeploymentRecord.from_json(deployments[name_or_address])
            if not record.complete:
                raise RegistryError(
                    f"deployment '{name_or_address}' is unfinished: "
                    f"finish it with `ape sum deploy MODEL_FILE --name {name_or_address} --resume`"
                )
            return record
        for raw in deployments.values():
            if (raw.get("trainer") or "").lower() == name_or_address.lower():
                return DeploymentRecord.from_json(raw)
        raise RegistryError(f"unknown trainer '{name_or_address}' on {network} (chain {chain_id})")

    def locate(self, name: str) -> list[str]:
        """The network keys (`ecosystem:network#chain_id`) that hold a deployment named `name`."""
        return sorted(
            key for key, section in self._read().items() if name in section.get("deployments", {})
        )

    def remove(self, name: str, network: str, chain_id: int) -> bool:
        """Forget deployment `name`; whether it was there."""
        data = self._read()
        section = data.get(network_key(network, chain_id), {})
        if name not in section.get("deployments", {}):
            return False
        del section["deployments"][name]
        if section.get("last") == name:
            section.pop("last")
        self._write(data)
        return True
