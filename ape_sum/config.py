"""The plugin's optional `sum:` settings in a project's `ape-config.yaml`.

    sum:
      trainer: sentiment            # default trainer (registry name or address) for every command
      registry: .ape-sum/deployments.json   # registry file, relative to the project folder
      deploy:                       # defaults of `ape sum deploy`'s incentive options
        incentive: deposit          # or points
        refund_wait: 1d
        owner_claim_wait: 7d
        any_claim_wait: 9d
        cost_weight: 0.001 ether

Ape validates the section with `SumConfig` (registered in `ape_sum/__init__.py`); commands read it
with `sum_config()`. Only Ape's light config API is imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ape.api.config import PluginConfig
from pydantic_settings import SettingsConfigDict


class DeployDefaults(PluginConfig):
    """Defaults of `ape sum deploy`'s incentive options (each option on the command line wins)."""

    incentive: Literal["deposit", "points"] = "deposit"
    refund_wait: str | int = "1d"
    owner_claim_wait: str | int = "7d"
    any_claim_wait: str | int = "9d"
    cost_weight: str | int = "0.001 ether"

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_SUM_DEPLOY_")


class SumConfig(PluginConfig):
    """The `sum:` section of `ape-config.yaml`."""

    trainer: str | None = None
    """Default trainer (a registry name or an address) when a command names none; without it, the
    last deployment on the network."""

    registry: str | None = None
    """The deployment registry file; relative paths are relative to the project folder. Default:
    `.ape-sum/deployments.json` in the working directory (`APE_SUM_REGISTRY_DIR` overrides both)."""

    deploy: DeployDefaults = DeployDefaults()

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_SUM_")


def sum_config() -> SumConfig:
    """The `sum:` settings of the current Ape project (defaults when it has none)."""
    from ape.utils.basemodel import ManagerAccessMixin

    config = ManagerAccessMixin.local_project.config.get_config("sum")
    if isinstance(config, SumConfig):
        return config
    return SumConfig.model_validate(config.model_dump(by_alias=True) if config else {})


def configured_registry_path() -> Path | None:
    """The registry file named by `sum.registry`, resolved against the project folder."""
    from ape.utils.basemodel import ManagerAccessMixin

    configured = sum_config().registry
    if not configured:
        return None
    path = Path(configured).expanduser()
    return path if path.is_absolute() else ManagerAccessMixin.local_project.path / path
