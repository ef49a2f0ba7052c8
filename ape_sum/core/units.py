"""Parse and format the units users type: durations (`1d`, `12h30m`) and ether amounts.

The one duration parser and the one duration formatter: the CLI options, the simulation's
`--*-wait` options and every "too early: ... in 2h 5m" message use these.

Pure functions without Ape, so the CLI can validate options before it connects to a network.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ape_sum.exceptions import SumError

__all__ = [
    "UnitError",
    "format_duration",
    "format_wei",
    "parse_duration",
    "parse_wei",
]

_DURATION_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Longest unit names first, so `10min` is ten minutes and not ten `m` followed by `in`.
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(sec|min|[smhdw])")
_WEI_UNITS = {
    "wei": 0,
    "kwei": 3,
    "mwei": 6,
    "gwei": 9,
    "szabo": 12,
    "finney": 15,
    "ether": 18,
    "eth": 18,
}
_AMOUNT = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?\d+))?\s*([a-zA-Z]*)\s*$")
UINT256_MAX = 2**256 - 1


class UnitError(SumError, ValueError):
    """A duration or amount that cannot be parsed; the message says why in one line."""


def parse_duration(text: str | int) -> int:
    """Seconds in `text`: a plain number of seconds, or parts such as `90s`, `10min`, `1d12h`,
    `1w` (units `s`/`sec`, `m`/`min`, `h`, `d`, `w`); the total must be whole seconds."""
    if isinstance(text, int) and not isinstance(text, bool):
        if text < 0:
            raise UnitError(f"a duration cannot be negative: {text}")
        return text
    body = str(text).strip().lower().replace(" ", "")
    if not body:
        raise UnitError("empty duration")
    if body.isascii() and body.isdigit():
        return int(body)
    position, total = 0, Decimal(0)
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        total += Decimal(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position != len(body) or position == 0:
        raise UnitError(
            f"not a duration: {str(text)[:40]!r} (use seconds or units s, min, h, d, w, like 1d12h)"
        )
    if total != total.to_integral_value():
        raise UnitError(f"a duration must be a whole number of seconds: {text!r}")
    return int(total)


def parse_wei(text: str | int) -> int:
    """Wei in `text`: a number with its unit, like `0.01 ether`, `5 gwei` or `1000 wei`.

    Typed amounts always carry a unit, so `10` is never read as 10 wei (or as 10 ether) by
    accident; a Python `int` is already wei."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        match = _AMOUNT.match(str(text))
        if not match:
            raise UnitError(f"not an amount: {str(text)[:40]!r} (e.g. 0.1 ether, 5 gwei, 1000 wei)")
        number, exponent, unit = match.groups()
        if not unit:
            raise UnitError(
                f"{str(text).strip()[:40]!r} needs a unit: e.g. '{number} ether', "
                f"'{number} gwei' or '{number} wei'"
            )
        unit = unit.lower()
        if unit not in _WEI_UNITS:
            raise UnitError(f"unknown unit {unit!r} (use wei, gwei or ether)")
        try:
            amount = Decimal(number) * (Decimal(10) ** (int(exponent or 0) + _WEI_UNITS[unit]))
        except InvalidOperation:
            raise UnitError(f"not an amount: {str(text)[:40]!r}") from None
        if amount != amount.to_integral_value():
            raise UnitError(f"{text!r} is not a whole number of wei")
        value = int(amount)
    if value < 0:
        raise UnitError(f"an amount cannot be negative: {text!r}")
    if value > UINT256_MAX:
        raise UnitError(f"amount {text!r} does not fit uint256")
    return value


def format_wei(wei: int) -> str:
    """`wei` in ether with up to 18 decimals and no trailing zeros, like `0.0015 ETH`."""
    sign = "-" if wei < 0 else ""
    whole, frac = divmod(abs(int(wei)), 10**18)
    text = f"{whole}.{frac:018d}".rstrip("0").rstrip(".")
    return f"{sign}{text} ETH"


def format_duration(seconds: int) -> str:
    """A short human form, the two largest units, truncated: `0s`, `45s`, `2h 5m`, `1d 3h`, `9d`."""
    seconds = int(seconds)
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts[:2])
