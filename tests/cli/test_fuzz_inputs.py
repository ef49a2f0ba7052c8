"""Property-based bad-input fuzzing of the commands (security review; complements the table in
`test_bad_input.py`): whatever the user types, a command either succeeds or exits non-zero with
ONE line saying why, and a refused command sends no transaction (the nonces do not move)."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))

_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["nan", "-inf", "1e400", "0x1f", "", " ", "1_0", "\u0661"]),
)
_vectors = st.lists(_number, min_size=0, max_size=35).map(",".join)
_inputs = st.one_of(_vectors, st.text(max_size=40), st.text(string.printable, max_size=60))
_labels = st.one_of(
    st.sampled_from(["benign", "malignant", "0", "1", "2", "-1", "", "BENIGN", str(2**64)]),
    st.text(max_size=10),
)  # fmt: skip
_deposits = st.one_of(
    st.sampled_from(["0", "1 wei", "-1 wei", "1e99 ether", "ether", "1 bitcoin", "nan ether", ""]),
    st.text(max_size=12),
)
_ids = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["0x" + "ab" * 32, "0x", "#1", "1.5", ""]),
    st.text(max_size=12),
)


def _no_option(text: str) -> bool:
    """Arguments that click would read as an option are a different (click) error path."""
    return not text.startswith("-")


def _nonces(accounts) -> list[int]:
    return [a.nonce for a in accounts[:5]]


def _refused_cleanly(result) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_add_data_fuzz(invoke, deployed, accounts):
    @given(data=_inputs.filter(_no_option), label=_labels.filter(_no_option), deposit=_deposits)
    @FUZZ
    def check(data: str, label: str, deposit: str) -> None:
        before = _nonces(accounts)
        args = ["add-data", data, "--label", label]
        if deposit:
            args += ["--deposit", deposit]
        result = invoke(*args, ok=None)
        if result.exit_code == 0:
            assert sum(_nonces(accounts)) == sum(before) + 1
        else:
            _refused_cleanly(result.result)
            assert _nonces(accounts) == before, args

    check()


def test_predict_fuzz(invoke, deployed):
    @given(data=_inputs.filter(_no_option))
    @FUZZ
    def check(data: str) -> None:
        result = invoke("predict", data, ok=None)
        if result.exit_code != 0:
            _refused_cleanly(result.result)

    check()


@pytest.mark.parametrize("command", ["refund", "report"])
def test_claim_fuzz(invoke, deployed, accounts, command):
    @given(contribution=_ids.filter(_no_option))
    @FUZZ
    def check(contribution: str) -> None:
        before = _nonces(accounts)
        result = invoke(command, contribution, ok=None)
        assert result.exit_code != 0  # nothing was contributed: nothing to claim
        _refused_cleanly(result.result)
        assert _nonces(accounts) == before

    check()


def test_deploy_fuzz_model_files(invoke, accounts, tmp_path):
    garbage = st.one_of(
        st.binary(max_size=120),
        st.dictionaries(st.sampled_from(["type", "weights", "classifications", "encoder"]),
                        st.one_of(st.text(max_size=8), st.lists(st.floats(), max_size=3),
                                  st.integers()), max_size=4).map(lambda d: json.dumps(d).encode()),
    )  # fmt: skip

    @given(
        content=garbage,
        waits=st.sampled_from(
            [("1d", "7d", "9d"), ("2d", "1d", "9d"), ("x", "7d", "9d"), ("-1s", "1d", "2d")]
        ),
    )
    @FUZZ
    def check(content: bytes, waits: tuple[str, str, str]) -> None:
        path = tmp_path / "fuzz-model.json"
        path.write_bytes(content)
        before = _nonces(accounts)
        result = invoke(
            "deploy", path, "--name", "fuzz", "--refund-wait", waits[0],
            "--owner-claim-wait", waits[1], "--any-claim-wait", waits[2], ok=None,
        )  # fmt: skip
        assert result.exit_code != 0
        _refused_cleanly(result.result)
        assert _nonces(accounts) == before

    check()
