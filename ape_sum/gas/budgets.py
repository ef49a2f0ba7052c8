"""The gas budget table: the original research system's figures and our budgets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    row: str
    original: int
    budget: int


BUDGETS: tuple[Budget, ...] = (
    Budget("S deploy total", 30_227_389, 8_500_000),
    Budget("S predict", 84_521, 70_000),
    Budget("S addData agree", 272_994, 125_000),
    Budget("S addData update", 311_476, 190_000),
    Budget("S refund", 221_223, 120_000),
    Budget("S report", 186_289, 120_000),
    Budget("D deploy total", 10_712_802, 5_000_000),
    Budget("D predict", 889_715, 420_000),
    Budget("D addData agree", 1_534_035, 600_000),
    Budget("D addData update", 2_035_014, 900_000),
    Budget("D refund", 1_154_570, 480_000),
    Budget("D report", 1_115_811, 480_000),
    Budget("N deploy total", 10_308_336, 3_000_000),
    Budget("N predict", 160_982, 110_000),
    Budget("N addData", 671_653, 480_000),
    Budget("N refund", 297_672, 150_000),
    Budget("N report", 262_586, 150_000),
    Budget("C deploy total", 14_962_063, 6_000_000),
    Budget("C predict", 1_785_612, 560_000),
    Budget("C addData", 2_052_007, 800_000),
    Budget("C refund", 2_011_857, 580_000),
)

BUDGET_BY_ROW: dict[str, Budget] = {b.row: b for b in BUDGETS}
WORKLOADS: tuple[str, ...] = ("S", "D", "N", "C")


def rows_of(workload: str) -> list[str]:
    """The budget rows of one workload, in table order."""
    return [b.row for b in BUDGETS if b.row.split(" ", 1)[0] == workload]
