"""The gas benchmark's pure-Python parts: workloads, breakdown arithmetic, report formatting."""

from __future__ import annotations

from ape_sum.gas import BUDGET_BY_ROW, BUDGETS, rows_of
from ape_sum.gas.breakdown import breakdown_from_trace, calldata_tokens
from ape_sum.gas.report import BEGIN, END, update_document
from ape_sum.gas.workloads import K, build


def test_budget_table_shape():
    assert len(BUDGETS) == 21
    assert rows_of("S")[2] == "S addData agree"
    assert all(b.budget < b.original for b in BUDGETS)
    assert BUDGET_BY_ROW["C refund"].budget == 580_000


def test_workloads_tell_their_story():
    s = build("S")
    assert len(set(s.good)) == K and len(s.model.weights) == 1000 and all(s.model.weights)
    assert max(abs(w) for w in s.model.weights) <= 10**9
    assert (s.good_label, s.bad_label) == (1, 0)
    d = build("D")
    assert len(d.good) == 400 and all(d.model.weights)
    n = build("N")
    assert len(set(n.good)) == K and n.bad is not None
    c = build("C")
    assert c.bad is None and len(c.good) == 512
    assert build("S").good == s.good  # seeded


def _step(op, gas, cost, depth=1, stack=None, refund=0):
    return {"op": op, "gas": gas, "gasCost": cost, "depth": depth, "stack": stack or [],
            "refund": refund}  # fmt: skip


def test_breakdown_of_a_call_with_a_callee():
    # caller: SLOAD (cold), STATICCALL into a callee doing SLOAD + RETURN, then STOP.
    logs = [
        _step("SLOAD", 10_000, 2_100),
        _step("STATICCALL", 7_900, 7_000, stack=["0x0", "0xab", "0x1"]),
        _step("SLOAD", 5_000, 2_100, depth=2),
        _step("RETURN", 2_900, 0, depth=2),
        _step("STOP", 2_900 + 2_600 + 50, 0),
    ]
    # STATICCALL: total drop 7,900 - 5,550 = 2,350 minus callee use 2,100 = 250 self.
    data = bytes([0, 1, 2])
    b = breakdown_from_trace({"structLogs": logs}, data, "0xCAFE")
    assert b.classes["SLOAD cold"] == 4_200
    assert b.classes["CALL family (access, value, args)"] == 250
    assert b.classes["intrinsic: calldata"] == 4 * calldata_tokens(data) == 36
    assert b.gas_used == 21_000 + 36 + 4_200 + 250
    assert b.by_contract["0x" + "00" * 19 + "ab"] == 2_100
    assert b.by_contract["0xcafe"] == 2_350


def test_breakdown_applies_refund_and_floor():
    logs = [_step("SSTORE", 30_000, 20_000, refund=19_900), _step("STOP", 10_000, 0, refund=19_900)]
    b = breakdown_from_trace({"structLogs": logs}, b"", "0x01")
    assert b.classes["SSTORE refund"] == -(41_000 // 5)  # capped at a fifth
    assert b.gas_used == 41_000 - 41_000 // 5
    big = b"\x01" * 1_000  # floor 21,000 + 40,000 > standard 21,000 + 16,000
    b = breakdown_from_trace({"structLogs": [_step("STOP", 1, 0)]}, big, "0x01")
    assert b.gas_used == 61_000
    assert b.classes["EIP-7623 calldata floor surcharge"] == 24_000


def test_update_document(tmp_path):
    doc = tmp_path / "GAS.md"
    doc.write_text("# Gas\n\nintro\n")
    assert update_document(doc, "| a |")
    assert update_document(doc, "| b |")
    text = doc.read_text()
    assert text.count(BEGIN) == 1 and "| b |" in text and "| a |" not in text
    assert text.startswith("# Gas\n\nintro\n") and text.rstrip().endswith(END)
    assert not update_document(doc, "| b |")
