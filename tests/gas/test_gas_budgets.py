"""Every row of the gas budget table is measured and must be within its budget.

Runs on `ethereum:local:foundry` only (the budgets are defined on Anvil with a pinned hardfork);
skipped elsewhere. About 20 s for the measurement, once per module.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ape_sum.gas import BUDGETS
from ape_sum.gas.report import BEGIN, END

pytestmark = pytest.mark.gas

# Rows that do not meet their budget yet: docs/GAS.md has their per-opcode-class breakdowns and
# why. Each is held to a ceiling just above today's figure so it cannot get worse unnoticed; its
# budget check is an expected failure until the contracts change. The ceilings include the
# canonical-input checks (S predict +412: the sortedness comparison in the margin loop; N and C
# deploy: the `maxInputFeatures` and wait-time immutables and their checks).
OVER_BUDGET_CEILINGS = {
    "S predict": 74_300,
    "N deploy total": 5_800_000,
    "C deploy total": 7_050_000,
}


def test_every_row_is_measured(measured):
    assert list(measured) == [b.row for b in BUDGETS]


@pytest.mark.parametrize("budget", BUDGETS, ids=lambda b: b.row)
def test_row_within_budget(measured, budget):
    m = measured[budget.row]
    ceiling = OVER_BUDGET_CEILINGS.get(budget.row)
    if ceiling is not None:
        assert m.gas <= ceiling, f"{budget.row}: {m.gas:,} gas regressed above {ceiling:,}"
        if m.gas > budget.budget:
            pytest.xfail(f"{budget.row}: {m.gas:,} > budget {budget.budget:,} (known; docs/GAS.md)")
    assert m.gas <= budget.budget, (
        f"{budget.row}: {m.gas:,} gas > budget {budget.budget:,} "
        f"(+{m.gas - budget.budget:,}; original {budget.original:,}); see "
        f"`ape sum gas-report --breakdown '{budget.row}'`"
    )


def test_breakdown_accounts_for_every_unit_of_gas(measured):
    from ape_sum.gas.measure import breakdown

    for row in ("S addData update", "S predict", "S deploy total"):
        b = breakdown(measured[row])
        assert sum(b.classes.values()) == b.gas_used
        assert b.classes.get("unattributed", 0) == 0, row
        assert b.classes["intrinsic: 21,000 base"] >= 21_000


def test_command_json_output(on_foundry, tmp_path):
    """`gas-report --json` in its own process (its own fresh Anvil), one workload; every
    `--update-doc` file gets the table of that one run."""
    code = "from ape_sum._cli.gas import gas_report; gas_report()"
    readme, notes = tmp_path / "README.md", tmp_path / "GAS.md"
    readme.write_text(f"# title\n\n{BEGIN}\nold\n{END}\n\nmore\n")
    docs = ["--update-doc", str(readme), "--update-doc", str(notes)]
    completed = subprocess.run(
        [sys.executable, "-c", code, "--json", "-w", "C", *docs],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    rows = json.loads(completed.stdout)
    assert [r["row"] for r in rows] == ["C deploy total", "C predict", "C addData", "C refund"]
    for r in rows:
        assert set(r) == {"row", "gas", "budget", "original", "ratio"}
        assert r["ratio"] == pytest.approx(r["gas"] / r["original"], abs=1e-4)
    table = notes.read_text()  # no markers yet: appended
    assert f"| C refund | {rows[-1]['gas']:,} |" in table
    assert readme.read_text() == "# title\n\n" + table + "\nmore\n"
