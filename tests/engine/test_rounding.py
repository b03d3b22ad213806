"""Plans billed on the rounding they state (data per session or per month, calls per call or per month).

Figures checked by hand: 15,359.99 MB + 0.01 MB is 15 GB exactly in the month, 15 GB + 1 KB when each
session is rounded up to a KB first; a plan with 15 GB included and 3.00 per started GB over costs its
fee only on the month's total and fee + 3.00 per session. Calls of 61 s and 59 s are 3 minutes per call
and 2 minutes on the month's 120 s.
"""

from __future__ import annotations

from conftest import fen, make_plan

from tariffcli.engine.rounding import simulate_rounded
from tariffcli.engine.types import Usage
from tariffcli.inputs.records import read_record_files

DATA = "user_id,session_date,mb_used\nu1,2025-01-01,15359.99\nu1,2025-01-31,0.01\n"
CALLS = "user_id,call_date,duration_sec\nu1,2025-01-01,61\nu1,2025-01-31,59\n"


def _usage_for(data_text: str) -> tuple[object, dict[tuple[str, str], int]]:
    import numpy as np

    records = read_record_files([("d.csv", data_text.encode()), ("c.csv", CALLS.encode())])
    lr = records.lines[0]
    asked: dict[tuple[str, str], int] = {}

    def usage_for(data: str, calls: str) -> Usage:
        asked[(data, calls)] = asked.get((data, calls), 0) + 1
        h = lr.history("x", data=data, calls=calls)
        z = np.zeros(1, np.int64)
        return Usage(h.months, np.array(h.voice_min), np.array(h.sms), np.array(h.data_kb), z,
                     np.array([31]), np.array([True]))

    return usage_for, asked


def _plan(pid: str, data: str, calls: str) -> object:
    return make_plan(id=pid, monthly_fee="100", allowances={"data": "15 GB", "voice": "2 min"},
                     overage={"data": {"rate": "3", "per": "GB", "increment": "GB"}, "voice": {"rate": "0.20"}},
                     rounding={"data": data, "calls": calls})


def test_each_plan_is_billed_on_its_own_rounding() -> None:
    usage_for, asked = _usage_for(DATA)
    plans = [_plan("a-session", "session", "call"), _plan("b-month", "month", "month"),
             _plan("c-session-month", "session", "month"), _plan("d-month-call", "month", "call")]
    res = simulate_rounded(plans, usage_for, [1, 1, 1, 1])
    totals = [int(t) for t in res.line("total")[:, 0]]
    data = [int(t) for t in res.line("data")[:, 0]]
    voice = [int(t) for t in res.line("voice")[:, 0]]
    assert res.plan_ids == ("a-session", "b-month", "c-session-month", "d-month-call")
    assert data == [fen("3.00"), 0, fen("3.00"), 0]  # 15 GB + 1 KB per session: one started GB over
    assert voice == [fen("0.20"), 0, 0, fen("0.20")]  # 3 minutes per call, 2 on the month: 2 included
    assert totals == [fen("103.20"), fen("100.00"), fen("103.00"), fen("100.20")]
    assert set(asked.values()) == {1}  # each variant built once


def test_the_default_rounds_per_session_and_per_call() -> None:
    plan = make_plan(id="p", monthly_fee="100", allowances={"data": "15 GB", "voice": "2 min"},
                     overage={"data": {"rate": "3", "per": "GB", "increment": "GB"}, "voice": {"rate": "0.20"}})
    assert (plan.rounding.data, plan.rounding.calls) == ("session", "call")
    usage_for, asked = _usage_for(DATA)
    res = simulate_rounded([plan], usage_for)
    assert int(res.line("total")[0, 0]) == fen("103.20")
    assert asked == {("session", "call"): 1}


def test_just_under_the_boundary_both_roundings_agree() -> None:
    usage_for, _ = _usage_for("user_id,session_date,mb_used\nu1,2025-01-01,15359.98\nu1,2025-01-31,0.01\n")
    res = simulate_rounded([_plan("a", "session", "call"), _plan("b", "month", "call")], usage_for)
    # per session: 15,728,619.52 -> 15,728,620 KB and 10.24 -> 11 KB: 15,728,631 KB; month: 15,728,630 KB
    # (15 GB is 15,728,640 KB): neither is over
    assert [int(t) for t in res.line("data")[:, 0]] == [0, 0]
