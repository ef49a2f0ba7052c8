"""Pure helpers of the CLI: units, plain-English reverts, and the account rules."""

from __future__ import annotations

import re

import pytest
from ape.exceptions import Abort

from ape_sum._cli.click_ext import SumCliContext
from ape_sum.chain.reverts import describe_error, first_line
from ape_sum.core.units import UnitError, format_duration, format_wei, parse_duration, parse_wei


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("90s", 90),
        ("10min", 600),
        ("1d", 86400),
        ("1d12h", 129600),
        ("12h30m", 45000),
        ("1w", 7 * 86400),
        ("1w2d", 9 * 86400),
        ("1.5h", 5400),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "1x", "-1d", "0.5s"])
def test_parse_duration_refuses(text):
    with pytest.raises(UnitError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "wei"),
    [
        ("1000 wei", 1000),
        (1000, 1000),
        ("5 gwei", 5 * 10**9),
        ("0.1 ether", 10**17),
        ("1e-3 ETH", 10**15),
    ],
)
def test_parse_wei(text, wei):
    assert parse_wei(text) == wei


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("lots", "not an amount: 'lots'"),
        ("1 bitcoin", "unknown unit 'bitcoin'"),
        ("0.5 wei", "is not a whole number of wei"),
        ("-1", "not an amount: '-1'"),
        ("10", "'10' needs a unit: e.g. '10 ether', '10 gwei' or '10 wei'"),
        ("0.01", "'0.01' needs a unit"),
    ],
)
def test_parse_wei_refuses(text, reason):
    with pytest.raises(UnitError, match=re.escape(reason)):
        parse_wei(text)


def test_formatting():
    assert format_wei(1_500_000_000_000_000) == "0.0015 ETH"
    assert format_wei(-(10**18)) == "-1 ETH"
    assert format_duration(0) == "0s" and format_duration(3725) == "1h 2m"


def test_custom_errors_in_plain_words():
    assert "too early" in describe_error("TooEarly", {"readyAt": 200}, now=100)
    assert "1m 40s" in describe_error("TooEarly", {"readyAt": 200}, now=100)
    text = describe_error("InsufficientDeposit", {"sent": 1, "cost": 10**18})
    assert "1 ETH" in text
    assert describe_error("Mystery", {"x": 1}) == "Mystery(x=1)"


def test_first_line_of_an_error():
    assert first_line(ValueError("\n  bad value\nsecond line")) == "bad value"
    assert first_line(KeyError()) == "KeyError"
    assert first_line(AttributeError(""), "not found") == "not found"


def test_live_networks_need_an_explicit_account(monkeypatch):
    monkeypatch.setattr(SumCliContext, "network_is_dev", property(lambda self: False))
    ctx = SumCliContext()
    with pytest.raises(Abort, match="choose the sending account with --account"):
        ctx.resolve_account(None)
    with pytest.raises(Abort, match="only for local and forked networks"):
        ctx.resolve_account("TEST::0")


def test_local_networks_default_to_the_first_test_account(accounts):
    assert SumCliContext().resolve_account(None) == accounts[0]
    assert SumCliContext().resolve_account("TEST::3") == accounts[3]
