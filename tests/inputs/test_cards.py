"""Tariff-zone cards in, plan files out (``plans import``), on cards copied from public captures."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import GB, MB, bill, fen, make_usage, month_lines

from tariffcli.inputs.cards import (
    MAX_BYTES,
    MAX_CARDS,
    Card,
    Kind,
    card_to_addon,
    card_to_plan,
    classify,
    import_cards,
    parse_cards_json,
    parse_cards_text,
    plan_yaml,
)
from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.files import plan_files
from tariffcli.inputs.standard_rates import (
    CardError,
    parse_fee,
    parse_out_of_bundle,
    parse_resources,
    parse_standard_rates,
    rates_by_operator,
)
from tariffcli.model.errors import DataError, UsageError
from tariffcli.model.plan import Confidence, Status

HERE = Path(__file__).resolve().parent / "fixtures" / "cards"
REPO = Path(__file__).resolve().parents[2]
RATES_DIR = REPO / "plans" / "standard-rates"
DAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def rates():
    files = [(f"plans/standard-rates/{p.name}", p.read_text(encoding="utf-8")) for p in sorted(RATES_DIR.glob("*.yaml"))]
    return rates_by_operator(files)


SCRAPES = {  # the scrape shape carries no provenance: the capture it was copied from
    "cmcc_jiangsu_full.excerpt.json": "3c35500c78ea50e67c3d092b44bd4187f9d2b8c4/jiangsu_full.json",
    "cmcc_shanghai_full.excerpt.json": "79e44d307d1ff1a66c2afde8f75b87a0a452ca6a/shanghai_full.json",
}


def load(name: str) -> tuple[Card, ...]:
    extra = {}
    if name in SCRAPES:
        extra = {"source_url": f"https://github.com/cherry10086/tariff-scrape/blob/{SCRAPES[name]}",
                 "retrieved": "2026-09-09", "reliability": "A-"}
    return parse_cards_json((HERE / name).read_bytes(), name, **extra)


def by_name(cards, name: str) -> Card:
    return next(c for c in cards if c.name == name)


def plan_of(card: Card, rates):
    data = card_to_plan(card, rates, retrieved=DAY)
    return parse_plan(plan_yaml(data, card), f"{data['id']}.yaml")


# ---------------------------------------------------------------- parsing both JSON shapes and pasted text


def test_the_scrape_shape_reads_every_field_and_the_line_of_each_card():
    cards = load("cmcc_jiangsu_full.excerpt.json")
    assert len(cards) == 8
    mengka = by_name(cards, "动感地带·大萌卡")
    assert (mengka.fee, mengka.filing_number, mengka.operator) == ("19元/月", "25JT206517", "China Mobile")
    assert mengka.resources == "国内通话 100分钟 国内通用流量 1GB 权益 移动云盘"
    assert mengka.range_tab == "全网资费"
    assert mengka.line == 22  # the line its "{" is on
    assert cards[0].line == 2


def test_the_zone_field_names_are_read_including_nested_and_top_level_resources():
    cards = load("zone_fields.json")
    mango = cards[0]
    assert mango.name == "动感地带芒果卡（宽带版）-79元档"
    assert mango.operator == "中国移动"
    assert mango.out_of_bundle == "主叫0.1元/分钟,流量5元/GB,短信0.1元/条"
    assert parse_resources(mango.resources).data == "15 GB"
    assert parse_resources(mango.resources).app_data == "5 GB"
    assert cards[1].resources == "国内通话 100分钟 国内通用流量 1GB"


def test_pasted_app_text_gives_one_card_per_block():
    cards = parse_cards_text((HERE / "app_text.txt").read_text(encoding="utf-8"), "app_text.txt", operator="中国移动")
    assert [c.name for c in cards] == ["放心用流量包-10元档", "59元元气卡", "无线宽带(FWA)-市区版-1年（续费不含终端）",
                                       "动感地带·大萌卡"]
    assert (cards[0].fee, cards[0].filing_number, cards[0].regions) == ("10元/月", "25JT100001", "北京")
    assert parse_resources(cards[1].resources).data == "50 GB"
    fwa = parse_resources(cards[2].resources)
    assert (fwa.data, fwa.app_data, fwa.voice) == ("1 TB", "0 MB", 0)
    d = cards[3]
    assert (d.fee, d.filing_number, d.line) == ("19元/月", "25JT206517", 36)
    assert parse_resources(d.resources).voice == 100


def test_pasted_text_with_ascii_colons_on_one_line():
    (card,) = parse_cards_text("潮玩卡\n资费标准: 39元/月\n方案编号:24JT208915\n国内通用流量: 5GB\n", "paste")
    assert (card.fee, card.filing_number, card.resources) == ("39元/月", "24JT208915", "国内通用流量 5GB")


def test_limits_are_checked_before_the_work():
    with pytest.raises(DataError, match="larger than"):
        parse_cards_json(b" " * (MAX_BYTES + 1), "big.json")
    many = json.dumps([{"name": "x"}] * (MAX_CARDS + 1)).encode()
    with pytest.raises(DataError, match="more than"):
        parse_cards_json(many, "many.json")
    with pytest.raises(DataError, match="more than"):
        parse_cards_text("x\n\n" * (MAX_CARDS + 1), "many.txt")


def test_malformed_json_is_located():
    with pytest.raises(DataError) as exc:
        parse_cards_json(b'[\n {"name": "a"},\n {"name": }\n]', "bad.json")
    assert exc.value.problems[0].line == 3
    with pytest.raises(DataError) as exc:
        parse_cards_json(b'[\n {"name": "a"},\n {"fee": "39\\u5143"}\n]', "noname.json")
    assert (exc.value.problems[0].line, exc.value.problems[0].field) == (3, "name")


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(("text", "fee", "stated"), [
    ("39元/月", "39", True), ("月费 39 元", "39", True), ("39元", "39", False), ("167.3元/月", "167.3", True),
])
def test_fee_shapes(text, fee, stated):
    assert parse_fee(text) == (Decimal(fee), stated)


@pytest.mark.parametrize(("text", "why"), [
    ("79元/月起", "starting price"), ("390元/年", "yearly"), ("月费 — 元", "no fee"), (None, "no fee"),
    ("5元（个人消费）", "cannot read"),
])
def test_fees_that_are_not_a_monthly_fee_are_refused(text, why):
    with pytest.raises(CardError, match=why):
        parse_fee(text)


def test_both_resource_shapes():
    zone = parse_resources("国内通话 300分钟 国内通用流量 50GB 定向流量 50GB 短信 0条 宽带 500M家庭 权益 专属特色权益")
    assert (zone.voice, zone.data, zone.app_data, zone.sms) == (300, "50 GB", "50 GB", 0)
    assert zone.other == ("宽带 500M家庭", "权益 专属特色权益")
    monitor = parse_resources("流量 70GB · 通话 700 分")
    assert (monitor.voice, monitor.data, monitor.sms) == (700, "70 GB", None)
    assert parse_resources("流量 200 MB · 通话 30 分").data == "200 MB"
    assert parse_resources("流量 1T · 通话 0 分").data == "1 TB"
    assert parse_resources("国内通用流量 300GB（含港澳台流量10GB）").other == ("国内通用流量 300GB（含港澳台流量10GB）",)


@pytest.mark.parametrize("text", ["国内通话 很多", "国内通用流量 大量", "套餐 100分钟", "国内通话 100分钟 国内通话 50分钟"])
def test_resources_that_cannot_be_read_are_refused(text):
    with pytest.raises(CardError):
        parse_resources(text)


def test_out_of_bundle_text():
    got = parse_out_of_bundle("国内主叫：0.1元/分钟，国内流量：5元/GB，短信：0.1元/条(次)，彩信：0.3元/条(次)")
    assert got == {"voice": (Decimal("0.1"), "分钟"), "data": (Decimal("5"), "GB"), "sms": (Decimal("0.1"), "条")}
    with pytest.raises(CardError, match="out-of-bundle"):
        parse_out_of_bundle("主叫按标准资费")


@pytest.mark.parametrize(("text", "why"), [
    ("国内通用流量 1GB/天", "daily"), ("国内通用流量1GB/天", "daily"), ("国内通用流量 30GB/年", "yearly"),
    ("国内通用流量 5GB/季", "quarterly"), ("定向流量 2GB/日", "daily"), ("国内通用流量 10GB（前3个月）", "some months"),
    ("流量 10GB 首月 · 通话 100 分", "some months"), ("国内通用流量 10GB起", "only a monthly volume"),
])
def test_a_volume_that_is_not_a_monthly_allowance_is_refused(text, why):
    with pytest.raises(CardError, match=why) as exc:
        parse_resources(text)
    assert exc.value.field == "resources"
    assert "流量" in str(exc.value)  # names the item


def test_a_monthly_volume_may_say_so():
    assert parse_resources("国内通用流量 5GB/月").data == "5 GB"
    assert parse_resources("国内通用流量 5GB每月 定向流量 1GB / 月").app_data == "1 GB"


def test_every_out_of_bundle_rate_is_read_and_none_overwrites_another():
    # two rates in one part: both are read
    assert parse_out_of_bundle("国内语音0.15元/分钟短信0.1元/条") == {
        "voice": (Decimal("0.15"), "分钟"), "sms": (Decimal("0.1"), "条")}
    # a video-call rate is not a voice rate: left out (the notes say so)
    assert parse_out_of_bundle("语音0.1元/分钟，视频通话1元/分钟") == {"voice": (Decimal("0.1"), "分钟")}
    assert parse_out_of_bundle("视频通话1元/分钟") == {}
    # the same rate twice is one rate; two different rates for one kind are refused
    assert parse_out_of_bundle("主叫0.1元/分钟，语音0.1元/分钟") == {"voice": (Decimal("0.1"), "分钟")}
    with pytest.raises(CardError, match="two out-of-bundle voice rates"):
        parse_out_of_bundle("主叫0.1元/分钟，国内通话0.2元/分钟")


@pytest.mark.parametrize(("text", "why"), [
    ("流量5元/GB，不足1GB按0.03元/MB计", "cannot tell what"),  # a rate that names no kind
    ("主叫短信0.1元/条", "cannot tell what"),  # one rate, two kinds
    ("语音0.1元/GB", "not per 分钟"),
    ("主叫0.1元/分钟，短信按标准资费", "cannot read"),
])
def test_out_of_bundle_rates_that_cannot_be_read_exactly_are_refused(text, why):
    with pytest.raises(CardError, match=why):
        parse_out_of_bundle(text)


def test_a_card_with_two_rates_in_one_part_fills_in_only_data(rates):
    card = Card(name="某卡", source="paste", operator="China Unicom", fee="39元/月", resources="国内通话 100分钟",
                out_of_bundle="国内语音0.15元/分钟短信0.2元/条，视频通话1元/分钟")
    data = card_to_plan(card, rates, retrieved=DAY)
    assert data["overage"]["voice"] == {"rate": Decimal("0.15")}
    assert data["overage"]["sms"] == {"rate": Decimal("0.2")}
    assert "states no out-of-bundle data rates" in data["notes"]
    assert "Not modelled, so not charged: video calls (视频通话) '视频通话1元/分钟'" in data["notes"]


# ---------------------------------------------------------------- classification


@pytest.mark.parametrize(("file", "name", "kind"), [
    ("cmcc_jiangsu_full.excerpt.json", "动感地带·大萌卡", Kind.MAIN),
    ("cmcc_jiangsu_full.excerpt.json", "动感地带芒果卡-129元档", Kind.BROADBAND),
    ("cmcc_jiangsu_full.excerpt.json", "全球通5GA尊享套餐199档", Kind.BROADBAND),
    ("cmcc_jiangsu_full.excerpt.json", "动感地带萌卡-10元", Kind.SECONDARY),
    ("cmcc_jiangsu_full.excerpt.json", "中国移动直播神器融合号卡239元档7折36个月合约", Kind.CONTRACT),
    ("cmcc_jiangsu_full.excerpt.json", "智家硬件礼包-移动高清投影电视（基础版36月）", Kind.NON_MOBILE),
    ("cmcc_shanghai_full.excerpt.json", "预存享好礼（180元档）", Kind.PREPAYMENT),
    ("cmcc_shanghai_full.excerpt.json", "校园套餐年付活动（存量）", Kind.PREPAYMENT),
    ("cmcc_shanghai_full.excerpt.json", "5G-A权益畅享副卡", Kind.SECONDARY),
    ("cmcc_shanghai_full.excerpt.json", "签约套餐享流量活动（100GB）", Kind.PROMOTION),
    ("cmcc_shanghai_full.excerpt.json", "新版智选积木套餐流量包（10元2GB）", Kind.ADD_ON),
    ("cmcc_shanghai_full.excerpt.json", "语音包8元档", Kind.MAIN),
    ("cards_sample.json", "3元300分钟国内语音包（秦皇岛）-立即生效", Kind.ADD_ON),
    ("cards_sample.json", "【租机】橙分期-天翼畅享199元套餐201910", Kind.CONTRACT),
    ("cards_sample.json", "放心享 (8元)", Kind.MAIN),
])
def test_classification(file, name, kind):
    got, why = classify(by_name(load(file), name))
    assert got is kind, why
    assert why


# ---------------------------------------------------------------- cards -> plans


def test_a_card_becomes_a_valid_plan_with_the_standard_rates_named(rates):
    plan = plan_of(by_name(load("cmcc_jiangsu_full.excerpt.json"), "动感地带·大萌卡"), rates)
    assert plan.id == "cmcc-25jt206517"
    assert (plan.name, plan.operator, plan.province, plan.filing_number) == (
        "动感地带·大萌卡", "China Mobile", "national", "25JT206517")
    assert plan.monthly_fee == Decimal("19.00")
    assert (plan.allowances.voice, plan.allowances.data, plan.allowances.sms) == (100, GB, 0)
    assert plan.overage.voice.rate == Decimal("0.10")
    assert plan.confidence is Confidence.OFFICIAL_COPY and plan.status is Status.ON_SALE
    assert plan.sources[0].url.startswith("https://github.com/cherry10086/tariff-scrape/blob/3c35500c")
    assert "filled in from plans/standard-rates/china-mobile.yaml" in (plan.notes or "")
    assert "full month (全月) is assumed" in (plan.notes or "")
    assert "not listed: 辽宁、湖南、重庆" in (plan.notes or "")


def test_the_imported_plan_bills_correctly(rates):
    # 大萌卡 19 CNY with 100 min + 1 GB; 120 min at the China Mobile standard 0.10 CNY/min: 19 + 20 x 0.10 = 21.00.
    plan = plan_of(by_name(load("cmcc_jiangsu_full.excerpt.json"), "动感地带·大萌卡"), rates)
    lines = month_lines(bill(plan, make_usage(voice_min=120, data_kb=GB)))
    assert (lines["fee"], lines["voice"], lines["data"], lines["total"]) == (fen("19.00"), fen("2.00"), 0, fen("21.00"))
    # 50 MB over the GB: 50 x 0.03 = 1.50; 1.5 GB over: 5.00 for the first GB + 512 x 0.03 capped at 5.00 = 10.00.
    assert month_lines(bill(plan, make_usage(data_kb=GB + 50 * MB)))["data"] == fen("1.50")
    assert month_lines(bill(plan, make_usage(data_kb=GB + 1536 * MB)))["data"] == fen("10.00")


def test_rates_stated_on_the_card_win_and_the_rest_is_filled_in(rates):
    mango, _, _ = load("zone_fields.json")
    data = card_to_plan(mango, rates, retrieved=DAY)
    assert data["overage"]["voice"] == {"rate": Decimal("0.1")}
    assert "Out-of-bundle rates on the card" in data["notes"]
    assert "states no out-of-bundle" not in data["notes"]
    plan = parse_plan(plan_yaml(data, mango), "mango.yaml")
    assert plan.valid_from == date(2026, 2, 26)
    assert plan.allowances.app_data == 5 * GB
    assert plan.sources[0].url == "https://h.app.coc.10086.cn/cmcc-app/pc-pages/tariffZonePers.html"
    assert plan.confidence is Confidence.EXAMPLE  # a card without a stated provenance
    # 200 min: 79 + 100 x 0.10 = 89.00 (the card's rate, not another figure).
    assert month_lines(bill(plan, make_usage(voice_min=200, data_kb=GB)))["total"] == fen("89.00")


def test_monitor_cards_withdrawn_and_dated(rates):
    cards = load("cards_sample.json")
    plan = plan_of(by_name(cards, "联通5G智享套餐49元2026（河北）"), rates)
    assert (plan.id, plan.province, plan.status) == ("unicom-26he300232", "Hebei", Status.WITHDRAWN)
    assert (plan.valid_from, plan.valid_to) == (date(2026, 4, 29), date(2026, 7, 25))
    assert (plan.allowances.voice, plan.allowances.data) == (300, 180 * GB)
    assert plan.overage.voice.rate == Decimal("0.15")
    keep = plan_of(by_name(cards, "放心享 (8元)"), rates)
    assert keep.filing_number is None and keep.id.startswith("cmcc-hebei-8-")
    assert "keep-number" in keep.tags and keep.monthly_fee == Decimal("8.00")
    elderly = plan_of(by_name(cards, "神州行欢孝卡2024版-19元"), rates)
    assert "elderly" in elderly.tags


def test_a_card_that_cannot_be_read_is_reported_not_guessed(rates):
    partial = by_name(load("cards_sample.json"), "5G畅享59元套餐")
    with pytest.raises(DataError) as exc:
        card_to_plan(partial, rates, retrieved=DAY)
    problem = exc.value.problems[0]
    assert (problem.field, problem.file, problem.line) == ("fee", "cards_sample.json", partial.line)
    assert "gives no fee" in problem.message
    odd = Card(name="某卡", source="paste", operator="China Mobile", fee="39元/月", resources="国内通话 很多")
    with pytest.raises(DataError, match="cannot read 国内通话"):
        card_to_plan(odd, rates, retrieved=DAY)


def test_a_card_sold_in_several_provinces_is_refused_not_made_nationwide(rates):
    card = Card(name="某卡", source="paste", operator="China Mobile", fee="39元/月", resources="国内通话 100分钟",
                regions="北京,广东,上海")
    with pytest.raises(DataError, match="sold in several provinces") as exc:
        card_to_plan(card, rates, retrieved=DAY)
    assert exc.value.problems[0].field == "regions"
    one = Card(name="某卡", source="paste", operator="China Mobile", fee="39元/月", resources="国内通话 100分钟",
               regions="北京,广东,上海", province="广东")
    assert card_to_plan(one, rates, retrieved=DAY)["province"] == "Guangdong"
    for regions, province in (("北京市", "Beijing"), ("全国", "national"), ("", "unspecified")):
        alone = Card(name="某卡", source="paste", operator="China Mobile", fee="39元/月", resources="国内通话 100分钟",
                     regions=regions or None)
        assert card_to_plan(alone, rates, retrieved=DAY)["province"] == province


def test_no_standard_rates_for_the_operator_is_a_reason():
    card = Card(name="双百", source="x", operator="China Broadnet", fee="19元/月", resources="国内通话 100分钟")
    with pytest.raises(DataError, match="no standard-rates file for China Broadnet"):
        card_to_plan(card, {}, retrieved=DAY)


def test_import_skips_by_kind_and_reports_every_reason(rates):
    cards = load("cmcc_jiangsu_full.excerpt.json") + load("cmcc_shanghai_full.excerpt.json") + load("cards_sample.json")
    report = import_cards(cards, rates, retrieved=DAY)
    assert sum(report.kinds.values()) == len(cards) == len(report.plans) + len(report.skipped)
    assert sorted(p.plan_id for p in report.plans) == sorted([
        "cmcc-25jt206517", "cmcc-24jt208915", "cmcc-25jt215413", "cmcc-24sh200039",
        "unicom-26he300310", "unicom-26he300232", report.plans[-2].plan_id, report.plans[-1].plan_id])
    reasons = {s.card.name: s.reason for s in report.skipped}
    assert "scrape artifact" in reasons["全品类优惠活动560档（X-36期）（备）"]
    assert reasons["5G-A权益畅享副卡"].startswith("a secondary SIM")
    assert "include 'broadband'" in reasons["全球通5GA尊享套餐199档"]
    assert reasons["5G畅享59元套餐"].startswith("fee: the card gives no fee")
    assert report.kinds["broadband"] == 3
    assert all(p.path == f"{p.plan_id.split('-')[0]}/{p.plan_id}.yaml" for p in report.plans)
    with_bb = import_cards(cards, rates, include={"broadband"}, retrieved=DAY)
    assert "cmcc-25jt205410" in {p.plan_id for p in with_bb.plans}
    with pytest.raises(UsageError):
        import_cards(cards, rates, include={"bundles"})


def test_import_output_is_deterministic_and_valid(rates):
    cards = load("cards_sample.json")
    a = import_cards(cards, rates, retrieved=DAY)
    b = import_cards(cards, rates, retrieved=DAY)
    assert [p.text for p in a.plans] == [p.text for p in b.plans]
    for p in a.plans:
        assert p.text.startswith("# Imported by `tariffcli plans import` from cards_sample.json")
        assert parse_plan(p.text, p.path).id == p.plan_id


def test_an_addon_card_joins_a_base_plan(rates):
    cards = load("cmcc_shanghai_full.excerpt.json")
    base = card_to_plan(by_name(cards, "语音包8元档"), rates, retrieved=DAY)
    base["addons"] = [card_to_addon(by_name(cards, "签约套餐享流量活动（100GB）"))]
    plan = parse_plan(plan_yaml(base, by_name(cards, "语音包8元档")), "sh8.yaml")
    pack = plan.addons[0]
    assert (pack.id, pack.fee, pack.allowances.data, pack.optional) == ("pack-26sh200877", Decimal("8.00"), 100 * GB, True)


def test_a_full_listing_imports_in_well_under_a_few_seconds(rates):
    card = by_name(load("cmcc_jiangsu_full.excerpt.json"), "动感地带·大萌卡")
    cards = [Card(**{**card.__dict__, "filing_number": f"25JT{206000 + i}"}) for i in range(500)]
    start = time.perf_counter()
    report = import_cards(cards, rates, retrieved=DAY)
    assert len(report.plans) == 500
    assert time.perf_counter() - start < 3.0


# ---------------------------------------------------------------- the standard-rates files


def test_standard_rates_files_are_valid_and_sourced(rates):
    assert set(rates) == {"China Mobile", "China Telecom", "China Unicom"}
    for r in rates.values():
        assert r.sources and all(s.url.startswith("https://") for s in r.sources)
        assert r.notes
    assert rates["China Telecom"].overage.data.cap == Decimal("600.00")
    assert rates["China Unicom"].overage.data.rate == Decimal("3.00")


def test_a_bad_standard_rates_file_is_located():
    text = (RATES_DIR / "china-mobile.yaml").read_text(encoding="utf-8").replace("sms: {rate: 0.10}", "sms: {rat: 0.10}")
    with pytest.raises(DataError) as exc:
        parse_standard_rates(text, "cm.yaml")
    assert exc.value.problems[0].file == "cm.yaml" and exc.value.problems[0].line


def test_the_plan_loader_skips_the_standard_rates_folder():
    files, problems = plan_files([REPO / "plans"])
    assert not problems
    assert not any("standard-rates" in name for name, _ in files)
