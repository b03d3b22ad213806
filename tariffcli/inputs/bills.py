"""Bill lines: CSV bytes -> categorised charges, with every unmapped item kept.

This module never opens a file: callers pass the bytes and a name for them.
Encodings, CSV dialects and error reporting are those of
:mod:`tariffcli.inputs.usage` (the helpers of :mod:`tariffcli.inputs.csvtext`): every problem is reported at
once, each with its line and column.

One row is one charge on a bill. Columns (English or Chinese headers):

======  ==================================================================
month   month, 月份, 账期, 计费月份, 账单月份 (required): 2010-01, 201001, 2010年1月
item    item, description, 项目, 费用项目, 收费项目, 科目, 费用名称, 明细 (required)
amount  amount, cost, 金额, 费用, 应收金额, 实收金额 (required); ``金额(元)`` is fine.
        Decimal with at most two places, in yuan; ``¥``/``￥``/``元`` are allowed;
        discounts and credits are negative.
line    line, number, 号码, 手机号码 (optional): the number a charge belongs to
======  ==================================================================

Each item is mapped to a category by :data:`KEYWORDS`, a table of
``(category, keywords)`` tried in order: the first category with a keyword
found in the item wins. Chinese keywords match anywhere in the item; English
keywords match whole words, ignoring case. An item no keyword matches gets the
category ``other`` and is listed in :attr:`Bill.unmapped`: it is reported,
never dropped, and still counts in every total.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tariffcli.inputs.csvtext import (
    TOTAL_WORDS,
    CellError,
    cell_problem,
    decode,
    missing_column,
    month_text,
    norm,
    parse_month_cell,
    raise_problems,
    read_header,
    split_records,
)
from tariffcli.inputs.records.model import ALIASES as RECORD_ALIASES
from tariffcli.model.errors import DataError, Problem

__all__ = ["CATEGORIES", "KEYWORDS", "Bill", "BillLine", "categorise", "parse_bill_csv"]

KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("topup", ("最低消费", "保底消费", "低消", "补收", "minimum spend", "minimum charge", "top-up", "topup",
               "shortfall")),
    ("discount", ("减免", "折扣", "返还", "抵扣", "赠费", "退费", "补偿", "返费", "discount", "credit", "rebate",
                  "refund", "waiver")),
    ("value_added", ("彩铃", "来电显示", "梦网", "增值", "代收", "信息费", "手机报", "邮箱", "飞信", "会员", "SP",
                     "VAS", "value-added", "value added", "ringback", "ring back", "caller ID", "caller display",
                     "third-party", "third party")),
    ("one_off", ("手续费", "工本费", "开户费", "换卡费", "补卡费", "违约金", "one-off", "one off", "activation",
                 "SIM fee", "SIM card fee", "request fee", "exit fee")),
    ("data_pack", ("流量包", "流量套餐", "数据套餐", "GPRS套餐", "上网套餐", "加油包", "data pack", "data bundle",
                   "data add-on", "data addon", "data package")),
    ("voice_pack", ("语音包", "通话包", "分钟包", "voice pack", "minutes pack", "minute pack", "voice bundle")),
    ("sms_pack", ("短信包", "短信套餐", "SMS pack", "SMS bundle", "text pack")),
    ("data", ("流量", "上网", "GPRS", "数据", "data", "internet")),
    ("voice", ("通话", "语音", "长途", "市话", "call", "calls", "voice", "minutes")),
    ("sms", ("短信", "彩信", "SMS", "MMS", "text", "texts", "messages")),
    ("monthly_fee", ("套餐", "月租", "月费", "基本费", "功能费", "固定费", "monthly fee", "plan fee", "package fee",
                     "line rental", "plan", "rental")),
)
"""The keyword table: ``(category, keywords)``, tried in order (documented in docs/analyze.md).

Order matters: a minimum-spend top-up (``不足最低消费补收``) is recognised before
anything else; value-added services (``来电显示功能费``) before fees; packs
(``5元GPRS数据流量套餐``) before the out-of-bundle usage of their service
(``上网流量费``), and usage before the monthly fee (``套餐外语音通话费``)."""

CATEGORIES: tuple[str, ...] = tuple(c for c, _ in KEYWORDS) + ("other",)
"""Every category, ``other`` being the one for unmapped items."""

MAX_BYTES = 5_000_000
"""Largest bill file read: a household's bills for years are a few hundred kilobytes."""
MAX_AMOUNT_FEN = 100_000_000
"""1,000,000.00: a single bill line above this is a typo."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("month", "billing_month", "月份", "账期", "计费月份", "账单月份", "年月", "月"),
    "item": ("item", "description", "name", "项目", "费用项目", "收费项目", "科目", "费用名称", "明细", "费用类型",
             "账目", "计费项目", "内容"),
    "amount": ("amount", "cost", "金额", "费用", "应收金额", "实收金额", "消费金额", "应收", "金额元"),
    "line": RECORD_ALIASES["line"],
}
_CURRENCY_UNITS = {"元", "cny", "rmb", "yuan", "¥", "￥"}


def _matcher(keyword: str) -> re.Pattern[str]:
    if keyword.isascii():
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(keyword)}(?![A-Za-z0-9])", re.IGNORECASE)
    return re.compile(re.escape(keyword))


_MATCHERS = tuple((cat, tuple((kw, _matcher(kw)) for kw in kws)) for cat, kws in KEYWORDS)


def categorise(item: str) -> tuple[str, str | None]:
    """(category, keyword that matched) of a bill item; ``('other', None)`` when none does."""
    text = unicodedata.normalize("NFKC", item)
    for cat, matchers in _MATCHERS:
        for kw, pattern in matchers:
            if pattern.search(text):
                return cat, kw
    return "other", None


@dataclass(frozen=True)
class BillLine:
    """One charge on a bill."""

    month: str
    """Billing month, ``YYYY-MM``."""
    item: str
    """The item as written on the bill."""
    amount: int
    """Fen; negative for discounts and credits."""
    line: str
    """The number the charge belongs to ('' when the bill has no line column)."""
    category: str
    """One of :data:`CATEGORIES`."""
    keyword: str | None
    """The keyword of :data:`KEYWORDS` that chose the category (None for ``other``)."""
    row: int
    """Line of the file the charge was read from."""


@dataclass(frozen=True)
class Bill:
    """A bill file: its charges in file order."""

    source: str
    items: tuple[BillLine, ...]
    has_line_column: bool
    warnings: tuple[str, ...] = ()

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(sorted({b.month for b in self.items}))

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(sorted({b.line for b in self.items}))

    @property
    def unmapped(self) -> tuple[BillLine, ...]:
        """Items no keyword matched (category ``other``), in file order."""
        return tuple(b for b in self.items if b.category == "other")

    def charges(self, line: str) -> dict[str, dict[str, int]]:
        """month -> category -> fen for one line (categories with no charge are absent)."""
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for b in self.items:
            if b.line == line:
                out[b.month][b.category] = out[b.month].get(b.category, 0) + b.amount
        return dict(out)


_AMOUNT = re.compile(r"(?P<sign>[+-]?)\s*(?P<num>\d+(?:\.\d+)?)")


def parse_amount(text: str) -> int:
    """Fen of an amount cell: ``-5.00``, ``19.34元``, ``¥5``; at most two decimal places."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        raise CellError("the amount is empty; write 0.00 for a free item", "bad_value")
    core = t
    for unit in sorted(_CURRENCY_UNITS, key=len, reverse=True):
        core = re.sub(re.escape(unit), "", core, flags=re.IGNORECASE)
    core = core.replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", core):
        raise CellError(f"{t!r} has thousands separators; write {core.replace(',', '')!r}", "bad_value")
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", core):
        raise CellError(f"{t!r} uses a decimal comma; write {core.replace(',', '.')!r}", "bad_value")
    m = _AMOUNT.fullmatch(core)
    if not m:
        raise CellError(f"cannot read {t!r} as an amount; write e.g. 19.34 or -5.00", "bad_value")
    try:
        value = Decimal(m.group("num"))
    except InvalidOperation:  # pragma: no cover - the regex only admits numbers
        raise CellError(f"cannot read {t!r} as an amount", "bad_value") from None
    fen = value * 100
    if fen != fen.to_integral_value():
        raise CellError(f"{t!r} has more than two decimal places", "bad_value")
    if fen > MAX_AMOUNT_FEN:
        raise CellError(f"{t!r} is implausibly large for one bill line", "out_of_range")
    return -int(fen) if m.group("sign") == "-" else int(fen)


def parse_bill_csv(data: bytes, source: str) -> Bill:
    """Read a bill-lines CSV (bytes) into a :class:`Bill`; raises :class:`DataError` listing every problem."""
    if len(data) > MAX_BYTES:
        raise DataError(f"the file is larger than {MAX_BYTES:,} bytes; a bill has a few hundred lines", file=source,
                        code="too_large")
    rows = split_records(decode(data, source), source)
    if not rows:
        raise DataError("the file is empty; expected a header line such as 'month,item,amount'", file=source,
                        code="empty")
    header_line, header = rows[0]
    columns, problems, warnings = read_header(header, header_line, source, _ALIASES, "a bill")
    for name in ("month", "item", "amount"):
        if name not in columns:
            problems.append(missing_column(name, _ALIASES, header, header_line, source))
    amount = columns.get("amount")
    if amount is not None and amount.unit is not None and norm(amount.unit) not in _CURRENCY_UNITS:
        problems.append(Problem(f"unit {amount.unit!r} in the header: amounts are read in yuan (元)",
                                file=source, line=header_line, field=amount.header, code="bad_unit"))
    raise_problems(problems)
    if len(rows) == 1:
        raise DataError("the file has a header but no charges; add one row per bill line", file=source,
                        line=header_line, code="empty")
    width = len(header)
    items: list[BillLine] = []
    for line, cells in rows[1:]:
        if any(c.strip() for c in cells[width:]):
            problems.append(Problem(f"the row has {len(cells)} cells but the header has {width}; quote an item "
                                    "that holds a comma", file=source, line=line, code="bad_value"))
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            col = columns.get(name)
            return cells[col.index] if col is not None and col.index < len(cells) else ""

        values: dict[str, int] = {}
        for name, read in (("month", parse_month_cell), ("amount", parse_amount)):
            try:
                values[name] = read(cell(name))
            except CellError as exc:
                problems.append(cell_problem(source, line, columns[name].header, exc))
        item = unicodedata.normalize("NFKC", cell("item")).strip()
        if not item:
            problems.append(cell_problem(source, line, columns["item"].header,
                                         CellError("the item is empty; give the charge's name", "bad_value")))
        elif norm(item) in TOTAL_WORDS or norm(cell("month")) in TOTAL_WORDS:
            problems.append(cell_problem(source, line, columns["item"].header, CellError(
                f"{item!r} looks like a total row; delete it and keep one row per charge", "bad_value")))
            continue
        number = ""
        if "line" in columns:
            number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", cell("line")))
            if not number:
                problems.append(cell_problem(source, line, columns["line"].header, CellError(
                    "the number is empty; give the line of every charge, or leave out the line column", "bad_value")))
                continue
        if len(values) < 2 or not item:
            continue
        category, keyword = categorise(item)
        items.append(BillLine(month=month_text(values["month"]), item=item, amount=values["amount"],
                              line=number, category=category, keyword=keyword, row=line))
    raise_problems(problems)
    return Bill(source=source, items=tuple(items), has_line_column="line" in columns, warnings=tuple(warnings))
