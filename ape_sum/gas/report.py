"""Formatting of gas-report results: the console table, JSON and the Markdown table for the docs."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ape_sum.gas.measure import Measurement

BEGIN = "<!-- gas-report:begin -->"
END = "<!-- gas-report:end -->"


def to_json(results: Sequence[Measurement]) -> str:
    return json.dumps([m.to_json() for m in results], indent=2)


def text_table(results: Sequence[Measurement]) -> str:
    header = f"{'row':<18} {'gas':>12} {'budget':>12} {'original':>12} {'ratio':>6}  result"
    lines = [header, "-" * len(header)]
    for m in results:
        verdict = "pass" if m.passed else f"FAIL (+{m.gas - m.budget:,})"
        lines.append(
            f"{m.row:<18} {m.gas:>12,} {m.budget:>12,} {m.original:>12,} {m.ratio:>6.3f}  {verdict}"
        )
    passed = sum(m.passed for m in results)
    lines.append(f"{passed}/{len(results)} rows within budget")
    return "\n".join(lines)


def markdown_table(results: Sequence[Measurement], context: str = "") -> str:
    lines = [
        "| row | gas | budget | original | gas / original | within budget |",
        "|---|--:|--:|--:|--:|:-:|",
    ]
    for m in results:
        lines.append(
            f"| {m.row} | {m.gas:,} | {m.budget:,} | {m.original:,} | {m.ratio:.2f} "
            f"| {'yes' if m.passed else '**no**'} |"
        )
    if context:
        lines += ["", context]
    return "\n".join(lines)


def update_document(path: Path, table: str) -> bool:
    """Replace the text between the gas-report markers in `path` (append them if missing)."""
    block = f"{BEGIN}\n{table}\n{END}"
    text = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    new = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else (text + ("\n" if text and not text.endswith("\n") else "") + block + "\n")
    )
    changed = new != text
    if changed:
        path.write_text(new)
    return changed
