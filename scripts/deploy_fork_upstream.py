"""Deploy the fork suite's trainer on the connected network, as if it were live on mainnet.

`make test` runs this against an upstream Anvil with chain id 1 before it runs the suite on a fork
of that chain (see tests/harness.py). It writes the deployment as JSON to
`$APE_SUM_DEPLOYMENT_OUT`.
"""

import json
import os
import tempfile
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parents[1] / "tests" / "fork" / "data" / "upstream-model.json"


def main():
    from ape import accounts, chain, networks

    from ape_sum.chain.deployment import IncentiveConfig, deploy_model
    from ape_sum.chain.registry import Registry
    from ape_sum.core.models.files import load_model_file

    model, encoder = load_model_file(MODEL_FILE)
    incentive = IncentiveConfig(
        refund_wait_s=3600, owner_claim_wait_s=2 * 86400, any_address_claim_wait_s=3 * 86400,
        cost_weight=10**15,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as registry_dir:
        record = deploy_model(
            model, encoder or "", name="upstream-sentiment",
            description="Fork-suite trainer deployed on the upstream chain",
            incentive=incentive, sender=accounts.test_accounts[0],
            registry=Registry(Path(registry_dir) / "deployments.json"),
        )  # fmt: skip
    deployment = {
        "name": record.name,
        "trainer": record.trainer,
        "classifier": record.classifier,
        "incentive_mechanism": record.incentive_mechanism,
        "chain_id": chain.chain_id,
        "network": networks.provider.network_choice,
        "block_number": record.block_number,
        "model_file": str(MODEL_FILE),
    }
    out = os.environ.get("APE_SUM_DEPLOYMENT_OUT")
    if out:
        Path(out).write_text(json.dumps(deployment, indent=2))
    print(json.dumps(deployment, indent=2))
