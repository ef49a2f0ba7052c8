"""Per-opcode-class gas breakdown of a transaction (or a call) from Anvil's struct logger.

`debug_traceTransaction` / `debug_traceCall` with the default (struct log) tracer returns, for every
executed opcode, the gas left before it (`gas`), its `gasCost`, the call `depth` and the stack. The
self cost of an opcode is the drop of `gas` to the next opcode at the same depth; for a CALL-family
opcode that enters code, the gas the callee used is subtracted, so the CALL keeps only its own cost
(cold account access, value transfer, memory expansion of its arguments). What the struct log does
not show is derived from the transaction: the intrinsic cost (21,000 base, calldata), the EIP-7623
calldata floor (Prague), the SSTORE refund, and for contract creations the code deposit (200 gas a
byte) as the remainder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TX_BASE = 21_000
CREATE_BASE = 32_000
CALLDATA_TOKEN = 4  # per token; a zero byte is 1 token, a non-zero byte 4 (EIP-7623 terms)
CALLDATA_FLOOR_TOKEN = 10
INITCODE_WORD = 2
REFUND_QUOTIENT = 5

CALLS = {"CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"}
CREATES = {"CREATE", "CREATE2"}
ACCOUNT_ACCESS = {"BALANCE", "EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "SELFBALANCE"}
# Static part of memory-touching opcodes: (base, per word of the size operand, stack index of size)
MEMORY_OPS: dict[str, tuple[int, int, int]] = {
    "MLOAD": (3, 0, 0),
    "MSTORE": (3, 0, 0),
    "MSTORE8": (3, 0, 0),
    "CALLDATACOPY": (3, 3, 3),
    "CODECOPY": (3, 3, 3),
    "RETURNDATACOPY": (3, 3, 3),
    "MCOPY": (3, 3, 3),
    "KECCAK256": (30, 6, 2),
    "RETURN": (0, 0, 0),
    "REVERT": (0, 0, 0),
}
SSTORE_KINDS = {
    22_100: "SSTORE zero -> non-zero (cold)",
    20_000: "SSTORE zero -> non-zero (warm)",
    5_000: "SSTORE non-zero -> other (cold)",
    2_900: "SSTORE non-zero -> other (warm)",
    2_200: "SSTORE unchanged or dirty (cold)",
    100: "SSTORE unchanged or dirty (warm)",
}

# Display order of the classes.
ORDER = (
    "intrinsic: 21,000 base",
    "intrinsic: calldata",
    "intrinsic: contract creation",
    "EIP-7623 calldata floor surcharge",
    "SLOAD cold",
    "SLOAD warm",
    *SSTORE_KINDS.values(),
    "SSTORE refund",
    "TLOAD/TSTORE",
    "LOG (topics + data)",
    "CALL family (access, value, args)",
    "account access (BALANCE, EXTCODE*)",
    "CREATE / code deposit",
    "KECCAK256",
    "copies (CALLDATACOPY, MCOPY, ...)",
    "memory expansion",
    "compute (arithmetic, stack, jumps, CALLDATALOAD, ...)",
    "unattributed",
)


@dataclass
class Breakdown:
    gas_used: int
    classes: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    by_contract: dict[str, int] = field(default_factory=dict)
    """Execution gas (self costs) per contract address."""

    def rows(self) -> list[tuple[str, int, int]]:
        """`(class, gas, opcode count)` in display order, non-zero classes only."""
        out = []
        for name in ORDER:
            gas = self.classes.get(name, 0)
            if gas:
                out.append((name, gas, self.counts.get(name, 0)))
        return out

    def __add__(self, other: Breakdown) -> Breakdown:
        merged = Breakdown(self.gas_used + other.gas_used)
        for target, a, b in (
            (merged.classes, self.classes, other.classes),
            (merged.counts, self.counts, other.counts),
            (merged.by_contract, self.by_contract, other.by_contract),
        ):
            for key in set(a) | set(b):
                target[key] = a.get(key, 0) + b.get(key, 0)
        return merged


def calldata_tokens(data: bytes) -> int:
    zeros = data.count(0)
    return zeros + 4 * (len(data) - zeros)


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def _memory_static(op: str, stack: list[str]) -> int | None:
    spec = MEMORY_OPS.get(op)
    if spec is None:
        if op.startswith("LOG") and op[3:].isdigit():
            size = _int(stack[-2]) if len(stack) >= 2 else 0
            return 375 + 375 * int(op[3:]) + 8 * size
        return None
    base, per_word, size_index = spec
    if not per_word:
        return base
    size = _int(stack[-size_index]) if len(stack) >= size_index else 0
    return base + per_word * ((size + 31) // 32)


def _classify(op: str, cost: int, stack: list[str]) -> list[tuple[str, int]]:
    if op == "SLOAD":
        return [("SLOAD cold" if cost >= 2_100 else "SLOAD warm", cost)]
    if op == "SSTORE":
        return [(SSTORE_KINDS.get(cost, "unattributed"), cost)]
    if op in ("TLOAD", "TSTORE"):
        return [("TLOAD/TSTORE", cost)]
    if op in CALLS:
        return [("CALL family (access, value, args)", cost)]
    if op in CREATES:
        return [("CREATE / code deposit", cost)]
    if op in ACCOUNT_ACCESS:
        return [("account access (BALANCE, EXTCODE*)", cost)]
    static = _memory_static(op, stack)
    if static is None:
        return [("compute (arithmetic, stack, jumps, CALLDATALOAD, ...)", cost)]
    if op.startswith("LOG"):
        name = "LOG (topics + data)"
    elif op == "KECCAK256":
        name = "KECCAK256"
    elif op in ("CALLDATACOPY", "CODECOPY", "RETURNDATACOPY", "MCOPY"):
        name = "copies (CALLDATACOPY, MCOPY, ...)"
    else:
        name = "compute (arithmetic, stack, jumps, CALLDATALOAD, ...)"
    static = min(static, cost)
    return [(name, static), ("memory expansion", cost - static)]


def analyse_struct_logs(
    logs: list[Mapping[str, Any]], to: str | None
) -> tuple[dict[str, int], dict[str, int], dict[str, int], int]:
    """`(classes, counts, by_contract, refund counter)` of the execution part of a trace."""
    classes: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    by_contract: dict[str, int] = defaultdict(int)
    frames: list[str] = [to.lower() if to else "(created contract)"]
    open_calls: list[int] = []  # indices of CALL-family steps whose callee is running
    n = len(logs)

    def add(i: int, cost: int) -> None:
        step = logs[i]
        parts = _classify(step["op"], cost, step.get("stack") or [])
        for name, gas in parts:
            classes[name] += gas
        counts[parts[0][0]] += 1
        by_contract[frames[-1]] += cost

    for i, step in enumerate(logs):
        depth = step["depth"]
        nxt = logs[i + 1] if i + 1 < n else None
        if nxt is not None and nxt["depth"] > depth:
            stack = step.get("stack") or []
            op = step["op"]
            if op in CALLS and len(stack) >= 2:
                frames.append("0x" + _int(stack[-2]).to_bytes(32, "big")[-20:].hex())
            else:
                frames.append("(created contract)")
            open_calls.append(i)
            continue
        if nxt is not None and nxt["depth"] == depth:
            add(i, step["gas"] - nxt["gas"])
        else:
            add(i, step["gasCost"])
        if nxt is not None and nxt["depth"] < depth:
            # The frame ends; settle the CALL that opened it.
            call = open_calls.pop()
            frames.pop()
            first = logs[call + 1]
            used = first["gas"] - (step["gas"] - step["gasCost"])
            total = logs[call]["gas"] - nxt["gas"]
            name = _classify(logs[call]["op"], total - used, [])[0][0]
            classes[name] += total - used
            counts[name] += 1
            by_contract[frames[-1]] += total - used
    refund = int(logs[-1].get("refund", 0)) if logs else 0
    return dict(classes), dict(counts), dict(by_contract), refund


def _intrinsic(data: bytes, create: bool) -> tuple[int, int, int]:
    """`(standard calldata gas, creation gas, EIP-7623 floor)` of a transaction's input."""
    tokens = calldata_tokens(data)
    creation = CREATE_BASE + INITCODE_WORD * ((len(data) + 31) // 32) if create else 0
    return CALLDATA_TOKEN * tokens, creation, TX_BASE + CALLDATA_FLOOR_TOKEN * tokens


CODE_DEPOSIT_BYTE = 200


def breakdown_from_trace(
    trace: Mapping[str, Any],
    data: bytes,
    to: str | None,
    gas_used: int | None = None,
    created: tuple[str, int] | None = None,
) -> Breakdown:
    """A breakdown from a struct-log trace of a transaction/call with input `data` to `to`.

    `created` is `(address, deployed code size)` for a contract creation.
    """
    create = to is None
    frame = to if to is not None else (created[0] if created else None)
    classes, counts, by_contract, refund_counter = analyse_struct_logs(trace["structLogs"], frame)
    calldata, creation, floor = _intrinsic(data, create)
    if created is not None:
        classes["CREATE / code deposit"] = CODE_DEPOSIT_BYTE * created[1]
        counts["CREATE / code deposit"] = created[1]
    execution = sum(classes.values())
    standard = TX_BASE + calldata + creation + execution
    refund = min(refund_counter, standard // REFUND_QUOTIENT)
    used = gas_used if gas_used is not None else max(floor, standard - refund)
    classes["intrinsic: 21,000 base"] = TX_BASE
    classes["intrinsic: calldata"] = calldata
    counts["intrinsic: calldata"] = len(data)
    if creation:
        classes["intrinsic: contract creation"] = creation
    charged = standard - refund
    if floor > charged:
        classes["EIP-7623 calldata floor surcharge"] = floor - charged
        charged = floor
    if refund:
        classes["SSTORE refund"] = -refund
    rest = used - charged
    if rest:
        classes["unattributed"] = rest
    return Breakdown(used, classes, counts, by_contract)


TRACE_OPTIONS = {"disableStorage": True, "disableMemory": True, "disableStack": False}

Rpc = Callable[[str, list[Any]], Any]


def trace_transaction(rpc: Rpc, tx_hash: str) -> Breakdown:
    tx = rpc("eth_getTransactionByHash", [tx_hash])
    receipt = rpc("eth_getTransactionReceipt", [tx_hash])
    trace = rpc("debug_traceTransaction", [tx_hash, TRACE_OPTIONS])
    data = bytes.fromhex(str(tx["input"]).removeprefix("0x"))
    created = None
    if tx.get("to") is None and receipt.get("contractAddress"):
        address = str(receipt["contractAddress"])
        code = str(rpc("eth_getCode", [address, "latest"])).removeprefix("0x")
        created = (address, len(code) // 2)
    return breakdown_from_trace(trace, data, tx.get("to"), _int(receipt["gasUsed"]), created)


def trace_call(rpc: Rpc, call: Mapping[str, Any]) -> Breakdown:
    trace = rpc("debug_traceCall", [dict(call), "latest", TRACE_OPTIONS])
    data = bytes.fromhex(str(call.get("data", "0x")).removeprefix("0x"))
    return breakdown_from_trace(trace, data, call.get("to"))


def format_breakdown(title: str, b: Breakdown, names: Mapping[str, str] | None = None) -> str:
    """A plain-text (Markdown-compatible) table of a breakdown."""
    lines = [
        f"#### {title}: {b.gas_used:,} gas",
        "",
        "| class | gas | share | ops |",
        "|---|--:|--:|--:|",
    ]
    for name, gas, count in b.rows():
        share = gas / b.gas_used if b.gas_used else 0.0
        lines.append(f"| {name} | {gas:,} | {share:.1%} | {count or ''} |")
    if b.by_contract:
        lines += ["", "| contract (execution only) | gas |", "|---|--:|"]
        for address, gas in sorted(b.by_contract.items(), key=lambda kv: -kv[1]):
            label = (names or {}).get(address.lower(), address)
            lines.append(f"| {label} | {gas:,} |")
    return "\n".join(lines)
