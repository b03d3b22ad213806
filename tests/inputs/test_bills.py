"""Bill lines: the keyword table, amounts in fen, unmapped items kept, every error located."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffcli.analyze.report import GROUP_OF_CATEGORY
from tariffcli.inputs.bills import CATEGORIES, KEYWORDS, categorise, parse_amount, parse_bill_csv
from tariffcli.model.errors import DataError
from tariffcli.model.money import format_fen

ROOT = Path(__file__).resolve().parents[2]


def read(text: str, encoding: str = "utf-8"):
    return parse_bill_csv(text.encode(encoding), "b.csv")


def errors(text: str) -> list[str]:
    with pytest.raises(DataError) as exc:
        read(text)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(("item", "category"), [
    # seed 002's bill
    ("套餐月费", "monthly_fee"), ("GPRS套餐费(5元)", "data_pack"), ("5元GPRS数据流量套餐", "data_pack"),
    ("GPRS上网流量费", "data"), ("套餐外语音通话费", "voice"), ("短信费", "sms"), ("不足最低消费补收", "topup"),
    # value-added services (seeds 001, 004) before fees and SMS
    ("彩铃功能费", "value_added"), ("来电显示功能费", "value_added"), ("梦网短信", "value_added"),
    ("SP代收费", "value_added"), ("Ringback tone", "value_added"), ("Caller ID", "value_added"),
    # packs, discounts, one-offs
    ("4G流量加油包", "data_pack"), ("Data pack 1GB", "data_pack"), ("语音包", "voice_pack"), ("短信包", "sms_pack"),
    ("预存返还", "discount"), ("Loyalty credit", "discount"), ("补卡费", "one_off"), ("SIM fee", "one_off"),
    # English usage and fees
    ("Monthly fee", "monthly_fee"), ("Call charges", "voice"), ("Mobile data", "data"), ("SMS", "sms"),
    # unmapped
    ("神秘费用", "other"), ("Special offer", "other"), ("Speed booster", "other"),
])
def test_keyword_table(item: str, category: str) -> None:
    assert categorise(item)[0] == category


def test_english_keywords_match_whole_words_only() -> None:
    assert categorise("Special charge")[0] == "other"  # 'SP' is not in 'Special'
    assert categorise("SP charge")[0] == "value_added"
    assert categorise("Datatrack")[0] == "other"


def test_the_keyword_table_is_data_and_covers_every_category() -> None:
    assert isinstance(KEYWORDS, tuple)
    for category, words in KEYWORDS:
        assert isinstance(category, str) and isinstance(words, tuple) and words
        assert all(isinstance(w, str) and w for w in words)
    assert CATEGORIES[-1] == "other"
    assert set(CATEGORIES) == set(GROUP_OF_CATEGORY)


def test_the_documented_keyword_table_is_the_one_in_the_code() -> None:
    doc = (ROOT / "docs" / "analyze.md").read_text("utf-8")
    rows = "\n".join(f"| `{c}` | " + ", ".join(words) + " |" for c, words in KEYWORDS)
    assert rows in doc, "docs/analyze.md: regenerate the keyword table from tariffcli.inputs.bills.KEYWORDS"


def test_unmapped_items_are_kept_counted_and_listed() -> None:
    bill = read("month,item,amount\n2026-01,Monthly fee,8.00\n2026-01,神秘费用,5.00\n")
    assert [b.item for b in bill.unmapped] == ["神秘费用"]
    assert bill.unmapped[0].row == 3
    assert bill.charges("") == {"2026-01": {"monthly_fee": 800, "other": 500}}


def test_chinese_headers_lines_months_and_amounts() -> None:
    text = ("账期,号码,费用项目,金额(元)\n"
            "201001,138 0000 0001,套餐月费,88.00\n"
            "2010年1月,13800000001,预存返还,-10\n"
            "2010/02,13800000002,彩铃,￥5\n"
            "2010-02,13800000002,短信费,0.5元\n")
    bill = read(text, "gb18030")
    assert bill.has_line_column
    assert bill.lines == ("13800000001", "13800000002")
    assert bill.months == ("2010-01", "2010-02")
    assert [b.amount for b in bill.items] == [8800, -1000, 500, 50]
    assert bill.charges("13800000001") == {"2010-01": {"monthly_fee": 8800, "discount": -1000}}


@given(st.integers(min_value=-10_000_000, max_value=10_000_000))
def test_amounts_are_read_exactly(fen: int) -> None:
    assert parse_amount(format_fen(fen)) == fen


def test_every_bad_cell_is_reported_with_line_and_column() -> None:
    problems = errors("month,item,amount\n"
                      "2026-13,fee,1.00\n"
                      "2026-01,,1.00\n"
                      "2026-01,fee,1.234\n"
                      "2026-01,fee,\"1,234.00\"\n"
                      "2026-01,fee,abc\n"
                      "2026-01,合计,9.00\n")
    assert problems == [
        "b.csv:2: month: '2026-13' has month 13; months run from 1 to 12",
        "b.csv:3: item: the item is empty; give the charge's name",
        "b.csv:4: amount: '1.234' has more than two decimal places",
        "b.csv:5: amount: '1,234.00' has thousands separators; write '1234.00'",
        "b.csv:6: amount: cannot read 'abc' as an amount; write e.g. 19.34 or -5.00",
        "b.csv:7: item: '合计' looks like a total row; delete it and keep one row per charge",
    ]


def test_missing_columns_and_wrong_units() -> None:
    problems = errors("month,金额(分)\n2026-01,100\n")
    assert any("no item column" in p for p in problems)
    assert any("unit '分'" in p for p in problems)


def test_an_empty_number_in_a_line_column_is_an_error() -> None:
    assert errors("month,line,item,amount\n2026-01,,fee,1.00\n") == [
        "b.csv:2: line: the number is empty; give the line of every charge, or leave out the line column"]


def test_unknown_columns_are_ignored_with_a_warning() -> None:
    bill = read("month,item,amount,备注\n2026-01,fee,1.00,x\n")
    assert any("'备注'" in w for w in bill.warnings)
