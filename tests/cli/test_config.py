"""The optional `sum:` settings of a project's ape-config.yaml: read through Ape's plugin config
and used as the registry location, `deploy`'s incentive defaults and the default trainer."""

from __future__ import annotations

from ape_sum.chain.registry import REGISTRY_DIR_ENV, default_registry_path
from ape_sum.config import SumConfig, sum_config

DAY = 24 * 3600


def test_settings_are_read_from_the_project_config(project, monkeypatch):
    settings = {
        "trainer": "sentiment",
        "registry": "deployments/sum.json",
        "deploy": {"incentive": "points", "refund_wait": "2d"},
    }
    with project.temp_config(sum=settings):
        config = sum_config()
        assert isinstance(config, SumConfig)
        assert config.trainer == "sentiment"
        assert config.deploy.incentive == "points"
        assert config.deploy.refund_wait == "2d"
        assert config.deploy.owner_claim_wait == "7d"  # unset keys keep their defaults
        monkeypatch.delenv(REGISTRY_DIR_ENV)
        assert default_registry_path() == project.path / "deployments" / "sum.json"
    assert sum_config().trainer is None
    assert default_registry_path().parts[-2:] == (".ape-sum", "deployments.json")


def test_deploy_defaults_and_default_trainer_come_from_the_settings(invoke, bc_model_file, project):
    waits = {"refund_wait": "2d", "owner_claim_wait": "3d", "any_claim_wait": "4d"}
    with project.temp_config(sum={"deploy": {"incentive": "points", **waits}}):
        configured = invoke("deploy", bc_model_file, "--name", "configured", "--json").json
        # An option on the command line still wins over the setting.
        explicit = invoke(
            "deploy", bc_model_file, "--name", "explicit", "--refund-wait", "1d", "--json"
        ).json
    assert configured["incentive"]["kind"] == "points"
    assert configured["incentive"]["refund_wait_s"] == 2 * DAY
    assert configured["incentive"]["any_address_claim_wait_s"] == 4 * DAY
    assert explicit["incentive"]["refund_wait_s"] == 1 * DAY
    assert explicit["incentive"]["owner_claim_wait_s"] == 3 * DAY

    # Without a trainer argument: the `sum.trainer` setting, else the last deployment.
    assert invoke("info", "--json").json["trainer"] == explicit["trainer"]
    with project.temp_config(sum={"trainer": "configured"}):
        assert invoke("info", "--json").json["trainer"] == configured["trainer"]
