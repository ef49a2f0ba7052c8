"""Gas benchmark: workloads S, D, N, C, their budgets, measurement and breakdowns.

Only the budget table is imported here; measurement modules import Ape inside their functions.
"""

from ape_sum.gas.budgets import BUDGET_BY_ROW, BUDGETS, WORKLOADS, Budget, rows_of

__all__ = ["BUDGETS", "BUDGET_BY_ROW", "WORKLOADS", "Budget", "rows_of"]
