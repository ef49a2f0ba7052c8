"""A user's whole session on one chain: deploy, add-data, predict, contributions, refund, report.

On `ethereum:local:test` every command runs in this process against py-evm; on
`ethereum:local:foundry` (and the fork) every command connects to the session's running Anvil.
`test_session_in_separate_processes` also drives real `ape sum` processes against that Anvil,
the way a user would, which only works where the chain outlives a process (Anvil).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DAY = 24 * 3600


def balance_after(account, before: int, spent: int = 0, received: int = 0, fees: int = 0) -> bool:
    return int(account.balance) == before - spent + received - fees


def test_full_session(invoke, deployed, samples, accounts, chain):
    alice, bob, carol = accounts[1], accounts[2], accounts[3]
    classes = samples["classes"]
    good_input, good_label = samples["right"][0]
    bad_input, bad_label = samples["bad"][0]

    # predict (free)
    predicted = invoke("predict", good_input).stdout.strip()
    assert predicted == classes[good_label]
    assert invoke("predict", "bc", good_input, "--json").json["class_index"] == good_label

    # add-data: Alice adds good data, Bob mislabelled data
    before = int(alice.balance)
    added = invoke("add-data", good_input, "--label", classes[good_label],
                   "--account", "TEST::1", "--json").json  # fmt: skip
    assert added["author"] == alice.address and added["label"] == classes[good_label]
    assert added["cost_wei"] > 0 and added["refund_from"] == added["added_time"] + DAY
    assert balance_after(alice, before, spent=added["cost_wei"], fees=added["fees_wei"])
    bob_before = int(bob.balance)
    bad = invoke("add-data", "bc", bad_input, "--label", classes[bad_label],
                 "--account", "TEST::2", "--json").json  # fmt: skip
    assert balance_after(bob, bob_before, spent=bad["cost_wei"], fees=bad["fees_wei"])

    # contributions, as Alice: both too early for anything
    listing = invoke("contributions", "--account", "TEST::1", "--json").json
    items = listing["contributions"]
    assert [c["id"] for c in items] == [1, 2]
    assert items[0]["author"] == alice.address and items[1]["author"] == bob.address
    assert items[0]["claimable"] == added["cost_wei"]
    assert all(c["assessment"]["action"] == "wait" for c in items)
    paged = invoke("contributions", "--account", "TEST::1", "--page-size", "1", "--json").json
    # one block per log query: the same history (assessments may differ by the seconds passed)
    strip = [{k: v for k, v in c.items() if k != "assessment"} for c in paged["contributions"]]
    assert strip == [{k: v for k, v in c.items() if k != "assessment"} for c in items]
    table = invoke("contributions", "--account", "TEST::1").stdout
    assert "wait 23h 59m" in table or "wait 1d" in table

    # refund too early: refused, nothing sent
    nonce = alice.nonce
    early = invoke("refund", "1", "--account", "TEST::1", ok=False)
    assert "too early" in early.error
    assert alice.nonce == nonce

    chain.mine(deltatime=DAY + 1)

    # Bob's refund: the model disagrees with his label
    nonce = bob.nonce
    refused = invoke("refund", bad["tx"], "--account", "TEST::2", ok=False)
    assert "the model disagrees with your label" in refused.error
    assert bob.nonce == nonce
    # Carol cannot report yet: no validated data of her own
    nonce = carol.nonce
    assert "refunded (validated)" in invoke("report", "2", "--account", "TEST::3", ok=False).error
    assert carol.nonce == nonce
    # nobody can report data the model agrees with; Alice's own data is hers to refund
    nonce = bob.nonce
    assert "the model agrees" in invoke("report", "1", "--account", "TEST::2", ok=False).error
    assert bob.nonce == nonce
    nonce = alice.nonce
    own = invoke("report", "1", "--account", "TEST::1", ok=False).error
    assert "use `ape sum refund` instead" in own
    assert alice.nonce == nonce

    # Alice's refund: the whole deposit back
    before = int(alice.balance)
    refund = invoke("refund", "#1", "--account", "TEST::1", "--json").json
    assert refund["amount_wei"] == added["cost_wei"]
    assert balance_after(alice, before, received=refund["amount_wei"], fees=refund["fees_wei"])
    nonce = alice.nonce
    assert "already got your refund" in invoke("refund", "1", "--account", "TEST::1",
                                                ok=False).error  # fmt: skip
    assert alice.nonce == nonce

    # Alice (validated) reports Bob's data: 1 of 1 validated contributions -> the whole deposit
    before = int(alice.balance)
    report = invoke("report", "2", "--account", "TEST::1", "--json").json
    assert report["action"] == "report"
    assert report["amount_wei"] == bad["cost_wei"]
    assert balance_after(alice, before, received=report["amount_wei"], fees=report["fees_wei"])
    nonce = alice.nonce
    assert "nothing is left" in invoke("report", "2", "--account", "TEST::1", ok=False).error
    assert alice.nonce == nonce

    final = invoke("contributions", "--json", "--account", "TEST::4").json["contributions"]
    assert [c["claimable"] for c in final] == [0, 0]
    info = invoke("info", "--json").json
    assert info["balance_wei"] == 0
    assert info["incentive"]["total_good_data"] == 1
    assert info["incentive"]["total_submitted"] == 2


def test_owner_takes_what_is_left_after_its_deadline(invoke, deployed, samples, owner, chain):
    bad_input, bad_label = samples["bad"][1]
    added = invoke("add-data", bad_input, "--label", samples["classes"][bad_label],
                   "--account", "TEST::2", "--json").json  # fmt: skip
    chain.mine(deltatime=2 * DAY)
    nonce = owner.nonce
    assert "refunded (validated)" in invoke("report", "1", ok=False).error  # owner: too soon
    assert owner.nonce == nonce
    chain.mine(deltatime=6 * DAY)
    view = invoke("contributions", "--json").json["contributions"][0]["assessment"]
    assert view["action"] == "take" and view["allowed"]
    before = int(owner.balance)
    taken = invoke("report", added["tx"], "--json").json
    assert taken["action"] == "take" and taken["amount_wei"] == added["cost_wei"]
    assert balance_after(owner, before, received=taken["amount_wei"], fees=taken["fees_wei"])


def test_predict_file_reports_accuracy(invoke, deployed, samples, tmp_path):
    rows = samples["right"][:5]
    lines = [",".join([f"f{i}" for i in range(30)] + ["label"])]
    lines += [f"{x},{samples['classes'][y]}" for x, y in rows]
    path = tmp_path / "batch.csv"
    path.write_text("\n".join(lines) + "\n")
    result = invoke("predict", "--file", path, "--json").json
    assert result["labelled"] == 5 and result["accuracy"] == 1.0
    assert "accuracy 100.0% (5/5)" in invoke("predict", "--file", path).stdout


def test_text_model_session_with_points(invoke, text_model_file, accounts, chain):
    payload = invoke("deploy", text_model_file, "--incentive", "points", "--name", "reviews",
                     "--json").json  # fmt: skip
    review = "a wonderful, moving film with a great cast"
    predicted = invoke("predict", "reviews", review, "--json").json
    label = predicted["class"]
    alice = accounts[1]
    before = int(alice.balance)
    added = invoke("add-data", "reviews", review, "--label", label, "--account", "TEST::1",
                   "--deposit", "1 gwei", "--json").json  # fmt: skip
    assert added["cost_wei"] == 0  # the points mechanism returns any deposit sent
    assert balance_after(alice, before, fees=added["fees_wei"])
    chain.mine(deltatime=DAY + 1)
    refund = invoke("refund", "1", "--trainer", "reviews", "--account", "TEST::1", "--json").json
    assert refund["amount_wei"] == 0
    mechanism = payload["incentive_mechanism"]
    from ape_sum.chain.contracts import container

    points = container("Points").at(mechanism)
    assert points.numValidForAddress(alice.address) == 1


def test_session_in_separate_processes(bc_model_file, samples, networks, chain, tmp_path):
    """Real `ape sum` processes against the session's running Anvil, sharing only the chain and
    the registry file, like a user at a shell."""
    provider = networks.provider
    if provider.network_choice != "ethereum:local:foundry":
        pytest.skip("needs a chain that outlives a process: ethereum:local:foundry")
    env = dict(os.environ, APE_SUM_REGISTRY_DIR=str(tmp_path), APE_FOUNDRY_HOST=provider.uri)
    ape = str(Path(sys.executable).parent / "ape")
    network = ["--network", "ethereum:local:foundry"]

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([ape, "sum", *map(str, args), *network], env=env, text=True,
                              capture_output=True, timeout=300, cwd=tmp_path)  # fmt: skip
        assert (done.returncode == 0) == ok, f"{args}: {done.stdout}{done.stderr}"
        return done

    good_input, good_label = samples["right"][2]
    label = samples["classes"][good_label]
    deployed = json.loads(run("deploy", bc_model_file, "--json").stdout)
    assert json.loads((tmp_path / "deployments.json").read_text())
    assert run("predict", good_input).stdout.strip() == label
    added = json.loads(run("add-data", good_input, "--label", label, "--account", "TEST::1",
                           "--json").stdout)  # fmt: skip
    listing = json.loads(run("contributions", "--json").stdout)
    assert listing["trainer"] == deployed["trainer"]
    assert listing["contributions"][0]["tx_hash"] == added["tx"]
    early = run("refund", "1", "--account", "TEST::1", ok=False)
    assert "too early" in early.stderr and len(early.stderr.strip().splitlines()) == 1
    chain.mine(deltatime=DAY + 1)
    refund = json.loads(run("refund", "1", "--account", "TEST::1", "--json").stdout)
    assert refund["amount_wei"] == added["cost_wei"]
    report = run("report", "1", "--account", "TEST::2", ok=False)
    assert "nothing is left" in report.stderr
