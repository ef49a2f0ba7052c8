"""`ape sum demo`: the whole story on the session's network, with balances that add up."""

from __future__ import annotations


def test_demo_tells_the_story_and_every_wei_is_accounted_for(invoke, accounts):
    report = invoke("demo", "--per-contributor", "2", "--json").json
    assert report["model_type"] == "dense perceptron"
    assert len(report["story"]) >= 6
    assert report["contributions"] == 2 + 1 + 2
    assert 0.8 <= report["accuracy_before"] <= 1.0 and 0.8 <= report["accuracy_after"] <= 1.0
    assert report["refunds"] >= 4  # the good data comes back
    assert report["reports"] >= 1  # bad data is reported
    assert report["trainer_balance_end"] == 0
    actors = {a["name"]: a for a in report["actors"]}
    assert actors["Dave"]["change"] == 0
    assert actors["Bob"]["change"] < 0 < actors["Alice"]["change"] + actors["Alice"]["fees"]
    for actor in actors.values():
        expected = -actor["deposits"] + actor["received"] - actor["fees"]
        assert actor["change"] == expected, actor
    for account in accounts[:5]:
        assert any(a["address"] == account.address for a in report["actors"])


def test_demo_text_output(invoke):
    text = invoke("demo", "--per-contributor", "1").stdout
    assert text.startswith("SUM demo")
    assert "Accuracy on" in text and "balance change" in text
    assert "Left in the trainer: 0 ETH" in text
