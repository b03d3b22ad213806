"""Optional packs: the exact combination search, plans ranked with packs, and the keep-number view."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURE_CATALOGUE, GB, MB, examples, fen, make_history, make_plan, make_usage
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.compare.addons import best_packs, optional_packs, with_packs
from tariffcli.compare.ranking import compare
from tariffcli.engine import simulate
from tariffcli.model.plan import Addon, Plan

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tariffcli" / "schemas" / "comparison.schema.json").read_text("utf-8"))


def pack(pid: str, fee: str, data: str | None = None, voice: int | None = None, sms: int | None = None,
         max_count: int = 1, optional: bool = True) -> dict:
    allowances: dict = {}
    if data is not None:
        allowances["data"] = data
    if voice is not None:
        allowances["voice"] = voice
    if sms is not None:
        allowances["sms"] = sms
    return {"id": pid, "name": pid, "fee": fee, "allowances": allowances, "optional": optional,
            "max_count": max_count}


def brute_force(plan: Plan, usage) -> int:
    """Every set of optional packs billed by the engine; the cheapest total."""
    packs = optional_packs(plan)
    best = None
    for counts in itertools.product(*[range(a.max_count + 1) for a in packs]):
        chosen = tuple((a, k) for a, k in zip(packs, counts, strict=True) if k)
        total = int(simulate([with_packs(plan, chosen)], usage).totals[0])
        best = total if best is None else min(best, total)
    return best


def greedy(plan: Plan, usage) -> int:
    """The shortcut the search must not take: best price per GB first, while a pack still lowers the bill."""
    packs = sorted(optional_packs(plan), key=lambda a: a.fee / a.allowances.data)
    chosen: list[tuple[Addon, int]] = []
    total = int(simulate([plan], usage).totals[0])
    for a in packs:
        trial = (*chosen, (a, 1))
        t = int(simulate([with_packs(plan, trial)], usage).totals[0])
        if t < total:
            chosen, total = list(trial), t
    return total


# ---------------------------------------------------------------- the search


def test_search_finds_the_optimum_where_greedy_fails() -> None:
    # 4 GB a month and nothing included; out of bundle 0.29/MB makes every GB cost 296.96.
    # Greedy takes the cheapest per GB first (3 GB for 10.00), then needs a 2 GB pack: 17.00.
    # The optimum is the two 2 GB packs: 14.00 a month.
    plan = make_plan(
        id="diy", monthly_fee="8",
        addons=[pack("big-3gb", "10", "3 GB"), pack("two-gb-a", "7", "2 GB"), pack("two-gb-b", "7", "2 GB")],
    )
    usage = make_usage(data_kb=4 * GB, n=12)
    choice = best_packs(plan, usage)
    assert [(a.id, k) for a, k in choice.packs] == [("two-gb-a", 1), ("two-gb-b", 1)]
    assert choice.total == 12 * fen("22.00")
    assert choice.total == brute_force(plan, usage)
    assert greedy(plan, usage) == 12 * fen("25.00") > choice.total


def test_dominated_pack_is_pruned_without_losing_the_optimum() -> None:
    # 'small' costs as much as 'large' for less data: alone it is dominated; with 'large' it is still worth adding.
    plan = make_plan(addons=[pack("small", "10", "1 GB"), pack("large", "10", "2 GB"), pack("sms", "5", sms=100)])
    usage = make_usage(data_kb=2 * GB + 500 * MB, n=3)
    choice = best_packs(plan, usage)
    assert choice.total == brute_force(plan, usage)
    assert {a.id for a, _ in choice.packs} == {"large", "small"}
    assert choice.candidates == 8
    assert choice.billed < choice.candidates  # the SMS pack is useless here and 'small' alone is dominated


def test_stacked_packs_up_to_max_count() -> None:
    plan = make_plan(addons=[pack("gb", "5", "1 GB", max_count=3)])
    usage = make_usage(data_kb=2 * GB + 100 * MB, n=2)  # the last 100 MB would cost 29.00 out of bundle
    choice = best_packs(plan, usage)
    assert choice.packs[0][1] == 3
    assert choice.total == 2 * fen("15.00")
    lines = simulate([with_packs(plan, choice.packs)], usage).line("addons")
    assert lines.tolist() == [[1500, 1500]]


def test_no_pack_when_none_pays() -> None:
    plan = make_plan(addons=[pack("gb", "30", "1 GB")])
    choice = best_packs(plan, make_usage(data_kb=10 * MB, n=12))  # 2.90 a month out of bundle
    assert choice.packs == ()
    assert choice.total == 12 * fen("2.90")


def test_packs_that_are_not_optional_are_never_chosen() -> None:
    plan = make_plan(addons=[pack("bundled", "1", "1 GB", optional=False)])
    assert optional_packs(plan) == ()
    assert best_packs(plan, make_usage(data_kb=GB, n=1)).packs == ()


@settings(max_examples=examples(60))
@given(
    specs=st.lists(st.tuples(st.integers(1, 40), st.integers(0, 4), st.sampled_from([0, 0, 50, 200]),
                             st.integers(1, 3)), min_size=1, max_size=4),
    use_mb=st.lists(st.integers(0, 6000), min_size=2, max_size=2),
    voice=st.integers(0, 400),
    minimum=st.integers(0, 60),
    promo=st.booleans(),
)
def test_search_equals_brute_force(specs, use_mb, voice, minimum, promo) -> None:
    packs = [pack(f"p{i}", str(fee), f"{gb} GB", voice=mins or None, max_count=k)
             for i, (fee, gb, mins, k) in enumerate(specs)]
    plan = make_plan(monthly_fee="5", minimum_spend=str(minimum), addons=packs,
                     promotions=[{"from_month": 1, "to_month": 1, "extra": {"data": "1 GB"}}] if promo else [],
                     overage={"data": {"rate": "0.05", "per": "MB", "increment": "MB"}})
    usage = make_usage(data_kb=[m * MB for m in use_mb], voice_min=[voice, voice // 2], n=2)
    assert best_packs(plan, usage).total == brute_force(plan, usage)


def test_with_packs_keeps_promotions_and_their_notes() -> None:
    plan = make_plan(
        monthly_fee="40",
        promotions=[{"from_month": 1, "to_month": 3, "discount": "50%", "note": "half price"}],
        addons=[pack("gb", "10", "1 GB")],
    )
    derived = with_packs(plan, ((plan.addon("gb"), 1),))
    assert derived.id == plan.id and derived.origin == plan.origin
    assert [(ph.from_month, ph.to_month) for ph in derived.promotions] == [(1, 3), (4, 600)]
    res = simulate([derived], make_usage(data_kb=GB, n=6))
    assert res.line("fee")[0].tolist() == [4000] * 6
    assert res.line("discount")[0].tolist() == [-2000] * 3 + [0] * 3
    assert res.line("addons")[0].tolist() == [1000] * 6
    assert res.line("data")[0].tolist() == [0] * 6
    standard = with_packs(plan, ((plan.addon("gb"), 1),), standard=True)
    assert [(ph.from_month, ph.to_month) for ph in standard.promotions] == [(1, 600)]

    cmp = compare([plan], make_history(data_kb=GB), start="2027-01", horizon=6, with_addons=True)
    row = cmp.rows[0]
    assert [(a.id, k) for a, k in row.packs] == [("gb", 1)]
    assert [n.code for n in row.notes].count("promotion_ends") == 1  # no note for the packs' own phases
    assert row.after_promotions == fen("50.00")  # standard fee plus the pack


def test_addon_model_fields() -> None:
    with pytest.raises(ValueError):
        make_plan(addons=[pack("x", "1", "1 GB", max_count=11)])
    plan = make_plan(addons=[pack("x", "1", "1 GB")])
    assert plan.addon("x").optional and plan.addon("x").max_count == 1


# ---------------------------------------------------------------- the command line


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def flat(text: str) -> str:
    """Output with every run of whitespace made one space (the terminal wraps long lines)."""
    return " ".join(text.split())


def write_usage(path: Path, voice: int, sms: int, data_mb: int) -> Path:
    rows = [f"2026-{m:02d},{voice},{sms},{data_mb}" for m in range(1, 13)]
    path.write_text("month,voice_min,sms,data_mb\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


PLAN_58 = """\
id: my-58
name: 58元套餐
operator: China Mobile
province: national
monthly_fee: 58.00
allowances: {voice: 300 min, sms: 100, data: 5 GB}
overage:
  voice: {rate: 0.19}
  sms: {rate: 0.10}
  data: {rate: 0.29, per: MB, increment: KB}
confidence: example
sources: [{url: "https://example.com/my-58", retrieved: 2026-11-21}]
"""


def test_keep_number_user_abroad_sees_cheapest_package_and_yearly_saving(tmp_path: Path) -> None:
    """Done: 20 SMS and 5 minutes a month, abroad; cheapest package and the yearly saving against 58.00."""
    usage = write_usage(tmp_path / "abroad.csv", voice=5, sms=20, data_mb=0)
    current = tmp_path / "my-58.yaml"
    current.write_text(PLAN_58, encoding="utf-8")
    # the frozen test catalogue (its figures are the ones worked below)
    args = ["compare", str(usage), "--start", "2027-01", "--tag", "keep-number", "--with-addons",
            "--current", str(current), "--plans", str(FIXTURE_CATALOGUE)]
    r = run(*args)
    assert r.exit_code == 0, r.stderr
    out = flat(r.stdout)
    # 无忧卡 5元: 5.00 + 5 min x 0.10 + 20 SMS x 0.10 = 7.50 a month, 90.00 a year; the 58 plan costs 696.00
    assert "Cheapest way to keep the number: 无忧卡（201905）5元: 90.00 a year (7.50 a month)." in out
    assert "That is 606.00 a year less than your current plan (my-58)." in out
    assert "abroad, receiving SMS: free" in out
    assert "abroad: no roaming rates in the plan data" in out  # the China Unicom cards
    # China Mobile's 2013 rates, historical: 5 min at 0.99 to 2.99 a minute
    assert "0.99 / 1.99 / 2.99 a minute by destination; your 5 min a month would cost 4.95 to 14.95" in out
    assert "historical figures, 2013-02" in out
    assert "how to apply: Ask China Mobile" in out
    assert "conditions: not on a contract (合约) plan" in out

    doc = json.loads(run(*args, "--format", "json").stdout)
    jsonschema.validate(doc, SCHEMA)
    kn = doc["keep_number"]
    assert kn["cheapest"] == "telecom-wuyouka-5" and kn["packs"] == []
    assert kn["yearly_cost"] == "90.00" and kn["yearly_saving"] == "606.00"
    assert doc["plans"][0]["saving"] == "606.00"
    wuyou = next(p for p in kn["plans"] if p["id"] == "telecom-wuyouka-5")
    assert wuyou["abroad"]["sms_received"] == "0" and wuyou["abroad"]["as_of"] == "2012"
    assert all("addons" in p for p in doc["plans"])


def test_keep_number_plan_with_a_pack_when_the_usage_needs_one(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    keep = PLAN_58.replace("id: my-58", "id: keep-8").replace("name: 58元套餐", "name: 8元保号").replace(
        "monthly_fee: 58.00", "monthly_fee: 8.00").replace(
        "allowances: {voice: 300 min, sms: 100, data: 5 GB}", "allowances: {voice: 30 min}")
    keep += ("tags: [keep-number]\n"
             "addons:\n  - {id: data-1gb, name: 1GB流量包, fee: 10.00, allowances: {data: 1 GB}, optional: true}\n")
    (plans / "keep.yaml").write_text(keep, encoding="utf-8")
    (plans / "big.yaml").write_text(PLAN_58.replace("tags", "x") + "tags: [keep-number]\n", encoding="utf-8")
    usage = write_usage(tmp_path / "u.csv", voice=5, sms=0, data_mb=800)
    r = run("compare", str(usage), "--start", "2027-01", "--plans", str(plans), "--tag", "keep-number",
            "--with-addons")
    assert r.exit_code == 0, r.stderr
    assert "8元保号 + 1GB流量包" in flat(r.stdout)
    assert "Cheapest way to keep the number: 8元保号 + 1GB流量包: 216.00 a year (18.00 a month)." in flat(r.stdout)
    assert "packs: 1GB流量包 × 1, 10.00" in flat(r.stdout)
    # without --with-addons the same plan pays 800 MB at 0.29/MB
    r = run("compare", str(usage), "--start", "2027-01", "--plans", str(plans), "--tag", "keep-number")
    assert "1GB流量包" not in flat(r.stdout)
    assert "Cheapest way to keep the number: 58元套餐: 696.00 a year" in flat(r.stdout)


def test_with_addons_changes_nothing_on_a_catalogue_without_packs() -> None:
    # the frozen test catalogue has no optional packs: --with-addons only adds an empty "addons" to each row
    sample = str(ROOT / "sample_bills" / "heavy-data.csv")
    base = ["compare", sample, "--start", "2027-01", "--format", "json", "--plans", str(FIXTURE_CATALOGUE)]
    plain = json.loads(run(*base).stdout)
    packs = json.loads(run(*base, "--with-addons").stdout)
    jsonschema.validate(packs, SCHEMA)
    assert [p["total"] for p in packs["plans"]] == [p["total"] for p in plain["plans"]]
    assert all(p.pop("addons") == [] for p in packs["plans"])
    assert packs == plain


def test_with_addons_on_the_bundled_catalogue_only_lowers_totals_with_the_plans_own_packs() -> None:
    from decimal import Decimal

    from tariffcli.inputs.files import load_plans

    optional = {p.id: {a.id for a in p.addons} for p in load_plans()}
    sample = str(ROOT / "sample_bills" / "heavy-data.csv")
    base = ["compare", sample, "--start", "2027-01", "--format", "json"]
    plain = {p["id"]: p for p in json.loads(run(*base).stdout)["plans"]}
    packs = json.loads(run(*base, "--with-addons").stdout)
    jsonschema.validate(packs, SCHEMA)
    assert sorted(p["id"] for p in packs["plans"]) == sorted(plain)
    changed = 0
    for p in packs["plans"]:
        assert p["status"] == "on-sale"
        chosen = {a["id"] for a in p["addons"]}
        assert chosen <= optional[p["id"]], p["id"]  # only the plan's own packs
        if chosen:
            changed += 1
            assert Decimal(p["total"]) < Decimal(plain[p["id"]]["total"]), p["id"]  # a pack only when it saves
        else:
            assert p["total"] == plain[p["id"]]["total"], p["id"]
    assert changed  # the heavy-data user is better off with at least one of the catalogue's data packs
