"""Tariff-zone cards (资费公示) in, plan files out: the core of ``tariffcli plans import``.

A card is one entry of an operator's official tariff zone: name, fee (``39元/月``),
filing number (方案编号), type, eligibility scope, regions and a resources text
(``国内通话 100分钟 国内通用流量 1GB``). Cards come as JSON (our capture shape,
the zone's Chinese field names, or the cherry10086 scrape shape) or as text
pasted from the operator's app. Each card is classified (main plan, add-on,
promotion, broadband bundle, secondary SIM, pre-payment, contract, non-mobile);
main plans become plan files, and whatever the card does not state (usually the
out-of-bundle rates) comes from the operator's standard-rates file, named in
the plan's notes. A card whose fee or resources cannot be read is reported
with the reason, never guessed.

Nothing here opens a file or reads the clock: callers pass bytes or text, a
source name and the retrieval date.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import yaml
from pydantic import ValidationError

from tariffcli.inputs.catalogue import check_plan, normalise
from tariffcli.inputs.standard_rates import (
    LABEL_LINE,
    OPERATOR_ZONES,
    OPERATORS,
    PROVINCES,
    RESOURCE_LABELS,
    TEXT_LABELS,
    CardError,
    Resources,
    StandardRates,
    confidence_of,
    eligibility_of,
    fill_overage,
    operator_name,
    parse_date,
    parse_fee,
    parse_resources,
    province_of,
    region_list,
)
from tariffcli.inputs.validation import validation_problems
from tariffcli.inputs.yaml_located import Located
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.plan import Plan

MAX_BYTES = 5_000_000
"""Largest card file read (JSON or pasted text)."""
MAX_CARDS = 5_000
"""Most cards in one file (a full provincial listing holds a few thousand)."""



class Kind(StrEnum):
    """What a card is, as far as importing it goes."""

    MAIN = "main-plan"
    ADD_ON = "add-on"
    PROMOTION = "promotion"
    BROADBAND = "broadband"
    SECONDARY = "secondary-card"
    PREPAYMENT = "prepayment"
    CONTRACT = "contract"
    NON_MOBILE = "non-mobile"


@dataclass(frozen=True)
class Card:
    """One tariff-zone card, its fields as the operator wrote them (text, unparsed)."""

    name: str
    source: str
    line: int | None = None
    operator: str | None = None
    fee: str | None = None
    filing_number: str | None = None
    type: str | None = None
    scope: str | None = None
    regions: str | None = None
    resources: str | None = None
    out_of_bundle: str | None = None
    online_date: str | None = None
    offline_date: str | None = None
    validity: str | None = None
    lock_in: str | None = None
    exit_terms: str | None = None
    other: str | None = None
    status: str | None = None
    province: str | None = None
    range_tab: str | None = None
    source_url: str | None = None
    retrieved: str | None = None
    reliability: str | None = None
    suspect: bool = False
    note: str | None = None

    def where(self, field_name: str | None = None, message: str = "") -> Problem:
        """A problem located at this card."""
        label = f"card '{self.name}'" + (f" ({self.filing_number})" if self.filing_number else "")
        return Problem(f"{label}: {message}", file=self.source, line=self.line, field=field_name, code="card")


_FIELDS = {f.name for f in fields(Card)} - {"source", "line", "suspect"}
_KEYS = {k: f for f, ks in {
    "name": "资费名称 名称 套餐名称 资费方案名称 productName",
    "fee": "price 资费标准 月费 资费",
    "filing_number": "code 方案编号 报备编号 备案编号 filingNumber",
    "type": "资费类型", "scope": "适用范围 适用对象", "regions": "region 适用地区",
    "resources": "服务内容 资费内容", "out_of_bundle": "超出资费说明 超出资费 超套资费 套外资费 extraFees",
    "online_date": "onDate 上线日期 上线时间", "offline_date": "offDate 下线日期 下线时间",
    "validity": "有效期限", "lock_in": "在网要求", "exit_terms": "违约责任", "other": "其他服务内容 权益说明",
    "operator": "运营商", "status": "状态", "range_tab": "rangeTab", "suspect": "suspect_scrape_artifact",
}.items() for k in ks.split()} | {f: f for f in _FIELDS | {"suspect"}}
"""Field names seen in the zones and scrapes -> :class:`Card` fields; other keys are ignored."""


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dict):
        value = " ".join(f"{k} {_text(v) or '-'}" for k, v in value.items())
    elif isinstance(value, list):
        value = "，".join(t for v in value if (t := _text(v)))
    text = re.sub(r"<br\s*/?>", " ", str(value)).strip()
    return text or None


def card_from_mapping(obj: Mapping[str, Any], source: str, line: int | None = None, **defaults: str) -> Card:
    """A card from one JSON object in any of the known shapes; ``defaults`` fill fields the object lacks."""
    values: dict[str, Any] = {}
    extra_resources = []
    for key, value in obj.items():
        name = _KEYS.get(str(key).strip())
        if name == "suspect":
            values["suspect"] = bool(value)
        elif name and name not in values and (text := _text(value)):
            values[name] = text
        elif str(key) in RESOURCE_LABELS and (text := _text(value)):
            extra_resources.append(f"{key} {text}")
    if extra_resources:
        values["resources"] = " ".join(filter(None, [values.get("resources"), *extra_resources]))
    if values.get("range_tab") and "operator" not in values:
        values["operator"] = "China Mobile"  # the rangeTab scrape shape is China Mobile's zone
    for key, value in defaults.items():
        values.setdefault(key, value)
    if not values.get("name"):
        raise DataError(Problem("a card without a name (资费名称)", file=source, line=line, field="name", code="card"))
    return Card(source=source, line=line, **values)


def _check_size(size: int, source: str) -> None:
    if size > MAX_BYTES:
        raise DataError(Problem(f"card file is larger than {MAX_BYTES:,} bytes", file=source, code="too_large"))


def _json_items(text: str, source: str) -> list[tuple[int | None, Any]]:
    """The elements of a top-level JSON list with the line each starts on (a wrapping object: no lines)."""
    dec = json.JSONDecoder()
    ws = re.compile(r"\s*")
    i = ws.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("[", i):
        doc = json.loads(text)
        items = next((doc[k] for k in ("cards", "data", "list", "tariffs") if isinstance(doc, dict)
                      and isinstance(doc.get(k), list)), None)
        if items is None:
            raise DataError(Problem("expected a JSON list of cards", file=source, line=1, code="card_json"))
        if len(items) > MAX_CARDS:
            raise DataError(Problem(f"more than {MAX_CARDS:,} cards", file=source, code="too_many"))
        return [(None, x) for x in items]
    out: list[tuple[int | None, Any]] = []
    line, last, i = 1, 0, ws.match(text, i + 1).end()  # type: ignore[union-attr]
    while not text.startswith("]", i):
        if len(out) >= MAX_CARDS:
            raise DataError(Problem(f"more than {MAX_CARDS:,} cards", file=source, code="too_many"))
        line, last = line + text.count("\n", last, i), i
        obj, i = dec.raw_decode(text, i)
        out.append((line, obj))
        i = ws.match(text, i).end()  # type: ignore[union-attr]
        if text.startswith(",", i):
            i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
        elif not text.startswith("]", i):
            raise json.JSONDecodeError("expected ',' or ']'", text, i)
    if text[i + 1:].strip():
        raise json.JSONDecodeError("extra data after the list", text, i + 1)
    return out


def parse_cards_json(data: bytes, source: str, **defaults: str) -> tuple[Card, ...]:
    """Cards from a JSON list (our shape, the zones' Chinese field names, or the cherry10086 scrape shape).

    ``defaults`` (e.g. ``operator="China Mobile"``, ``retrieved="2026-09-09"``)
    fill fields the cards do not carry. Every malformed entry is reported at once.
    """
    _check_size(len(data), source)
    try:
        text = data.decode("utf-8-sig")
        items = _json_items(text, source)
    except UnicodeDecodeError as exc:
        raise DataError(Problem(f"not UTF-8 text (byte {exc.start})", file=source, code="encoding")) from None
    except json.JSONDecodeError as exc:
        raise DataError(Problem(f"not valid JSON: {exc.msg}", file=source, line=exc.lineno, code="card_json")) from None
    except RecursionError:
        raise DataError(Problem("JSON nested too deeply", file=source, code="card_json")) from None
    cards: list[Card] = []
    problems: list[Problem] = []
    for line, obj in items:
        if not isinstance(obj, dict):
            problems.append(Problem("a card must be a JSON object", file=source, line=line, code="card_json"))
            continue
        try:
            cards.append(card_from_mapping(obj, source, line, **defaults))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return tuple(cards)




def _parse_block(lines: list[str], source: str, line: int, defaults: Mapping[str, str]) -> Card:
    values: dict[str, str] = {}
    resources: list[str] = []
    i = 0
    while i < len(lines):
        text = lines[i]
        cells = [c.strip() for c in text.split("\t")]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        m = LABEL_LINE.match(text)
        if len(cells) > 1 and all(c in RESOURCE_LABELS for c in cells) and len(nxt.split("\t")) == len(cells):
            resources += [f"{c} {v.strip()}" for c, v in zip(cells, nxt.split("\t"), strict=True)]
            i += 1
        elif m and (m.group(1) in TEXT_LABELS or m.group(1) in RESOURCE_LABELS):
            value = m.group(2).strip()
            if not value and nxt and not LABEL_LINE.match(nxt):
                value, i = nxt, i + 1
            if m.group(1) in TEXT_LABELS:
                values.setdefault(TEXT_LABELS[m.group(1)], value)
            else:
                resources.append(f"{m.group(1)} {value}")
        elif text in RESOURCE_LABELS and nxt:
            resources.append(f"{text} {nxt}")
            i += 1
        elif "name" not in values:
            values["name"] = text
        elif text not in TEXT_LABELS:
            values["other"] = f"{values['other']} {text}" if "other" in values else text
        i += 1
    if resources:
        values["resources"] = " ".join(filter(None, [values.get("resources"), *resources]))
    return card_from_mapping({**defaults, **values}, source, line)


def parse_cards_text(text: str, source: str, **defaults: str) -> tuple[Card, ...]:
    """Cards pasted from the operator's app or page: one card per block, blocks separated by blank lines.

    The first line of a block is the name (or ``资费名称：...``); then lines such
    as ``资费标准：39元/月`` or a label line with its value on the next line;
    full-width or ASCII colons. Resource labels (``国内通用流量`` / ``50GB``, or a
    tab-separated header row and value row) make up the resources text.
    """
    _check_size(len(text.encode("utf-8")), source)
    text = text.replace("\r\n", "\n").replace("：", ":").lstrip("\ufeff")
    cards: list[Card] = []
    problems: list[Problem] = []
    block: list[str] = []
    start = 1
    for n, raw in enumerate([*text.split("\n"), ""], 1):
        stripped = raw.strip()
        if stripped and not stripped.startswith(("#", "---", "===")):
            if not block:
                start = n
            block.append(stripped)
            continue
        if block:
            if len(cards) >= MAX_CARDS:
                raise DataError(Problem(f"more than {MAX_CARDS:,} cards", file=source, code="too_many"))
            try:
                cards.append(_parse_block(block, source, start, defaults))
            except DataError as exc:
                problems.extend(exc.problems)
            block = []
    if problems:
        raise DataError(problems)
    if not cards:
        raise DataError(Problem("no cards in this text", file=source, line=1, code="empty"))
    return tuple(cards)


# ---------------------------------------------------------------- classification

_RULES: tuple[tuple[Kind, str, re.Pattern[str], str], ...] = tuple(
    (k, f, re.compile(p), why) for k, f, p, why in (
        (Kind.CONTRACT, "name", r"合约|分期|租机", "a contract or instalment offer"),
        (Kind.PREPAYMENT, "name", r"预存|年付|充值送", "a pre-payment promotion"),
        (Kind.PREPAYMENT, "fee", r"元\s*/\s*年", "paid by the year (pre-payment)"),
        (Kind.SECONDARY, "name", r"副卡|一号双终端", "a secondary SIM (副卡)"),
        (Kind.SECONDARY, "scope", r"副卡办理|新办副卡|需.{0,6}主卡", "a secondary SIM: the scope requires a main card"),
        (Kind.NON_MOBILE, "name", r"看家|安防|智能家居|旺铺号|调测费|投影|光猫|机顶盒|听书|短剧|云盘",
         "not a mobile plan"),
        (Kind.ADD_ON, "type", r"加装包|叠加包|流量包|语音包", "an add-on (资费类型)"),
        (Kind.PROMOTION, "type", r"营销活动|促销|活动", "a promotion (资费类型)"),
        (Kind.BROADBAND, "name", r"宽带|融合|\d+M包", "a broadband bundle"),
        (Kind.BROADBAND, "resources", r"宽带\s+[^\s\-—]", "includes home broadband (宽带)"),
        (Kind.MAIN, "name", r"^语音包\d+元档", "the voice tier of a build-your-own package (自选套餐), a base plan"),
        (Kind.ADD_ON, "name", r"流量包|语音包|加油包|叠加包|月包|会员(?![0-9])|\d+[GT]B?(国内)?(通用)?流量", "an add-on pack"),
        (Kind.PROMOTION, "name", r"活动|优惠|特惠|享好礼|礼包|体验", "a promotion"),
        (Kind.ADD_ON, "scope", r"^(使用|已办理|已参加|办理)|(使用|办理了?)[^，。；]{0,30}套餐的?(客户|用户)",
         "requires another plan"),
    ))


def classify(card: Card) -> tuple[Kind, str]:
    """What the card is and why: the first rule (name, type, scope, fee, resources keywords) that matches."""
    for kind, name, pattern, why in _RULES:
        value = getattr(card, name) or ""
        m = pattern.search(value)
        if m:
            return kind, f"{why}: {name} has '{m.group(0)}'"
    return Kind.MAIN, f"a main plan ({card.type or '套餐'})"


# ---------------------------------------------------------------- card -> plan

_FILING = re.compile(r"^[0-9]{2}[A-Z]{2}[0-9A-Z]{3,12}$")
_TAGS = (("youth", r"\d+周?岁(及)?以下|校园|学生|青春"), ("elderly", r"孝|老年|长辈|爱心|(60|65)周?岁(及)?以上"),
         ("riders", r"骑手"))


def _plan_id(card: Card, op: str, province: str, filing: str | None) -> str:
    if filing:
        return f"{OPERATORS[op]}-{filing.lower()}"
    words = re.findall(r"[a-z0-9]+", card.name.lower())
    place = [] if province in ("national", "unspecified") else [re.sub(r"[^a-z0-9]+", "-", province.lower())]
    digest = hashlib.sha256(f"{province}|{card.name}".encode()).hexdigest()[:6]
    return "-".join([OPERATORS[op], *place, *words, digest])


def _allowances(res: Resources) -> tuple[dict[str, Any], list[str]]:
    out: dict[str, Any] = {}
    missing = []
    for key, word in (("voice", "call minutes"), ("sms", "SMS"), ("data", "general data")):
        value = getattr(res, key)
        if value is None:
            missing.append(word)
        out[key] = value if value is not None else {"voice": 0, "sms": 0, "data": "0 GB"}[key]
        if key == "voice" and isinstance(value, int):
            out[key] = f"{value} min"
    if res.app_data is not None:
        out["app_data"] = res.app_data
    notes = [f"The card lists no {', '.join(missing)}: none included."] if missing else []
    if res.other:
        notes.append("Also on the card, not modelled: " + "; ".join(res.other) + ".")
    return out, notes


def _life(card: Card, seen: date) -> tuple[str, dict[str, date], list[str]]:
    start, end = parse_date(card.online_date), parse_date(card.offline_date)
    valid: dict[str, date] = {"valid_from": start} if start else {}
    notes = []
    if end and (not start or end >= start):
        valid["valid_to"] = end + timedelta(days=1)
        notes.append(f"下线日期 {end} is taken as the last day on sale.")
    status_text = f"{card.type or ''} {card.status or ''}"
    if "停售" in status_text or "withdrawn" in status_text or (end is not None and end < seen):
        return "withdrawn", valid, [*notes, f"Withdrawn from sale (停售) as of the capture of {seen}."]
    return "on-sale", valid, [*notes, f"Listed as on sale in the capture of {seen}."]




def _tags(card: Card, kind: Kind, fee: Decimal, res: Resources) -> list[str]:
    text = f"{card.name} {card.scope or ''}"
    tags = ["5g"] if re.search(r"5G", card.name, re.I) else []
    if fee <= 10 and kind is Kind.MAIN:
        tags.append("keep-number")
    tags += [tag for tag, pattern in _TAGS if re.search(pattern, text)]
    if res.app_data:
        tags.append("app-data")
    if kind is not Kind.MAIN:
        tags.append(kind.value)
    elif any(o.startswith("宽带") for o in res.other):
        tags.append("broadband")
    return tags




def _card_source(card: Card, op: str, seen: date, filing: str | None) -> dict[str, Any]:
    url = card.source_url if (card.source_url or "").startswith(("https://", "http://")) else OPERATOR_ZONES[op]
    tag = (card.reliability or "").split(" ")[0]
    note = f"card 「{card.name}」" + (f" 方案编号 {filing}" if filing else "") + f": {card.fee}; {card.resources}"
    if not card.source_url:
        note += f" (card text as given in {card.source}; this address is the operator's tariff zone)"
    return {"url": url, "retrieved": seen, **({"tag": tag} if tag in ("A", "A-", "B", "B-", "C") else {}), "note": note}


def _card_notes(card: Card, province: str) -> list[str]:
    notes = [f"{label}: {value}." for label, value in (("在网要求", card.lock_in), ("有效期限", card.validity),
             ("违约责任", card.exit_terms), ("其他服务内容", card.other)) if value]
    regions = region_list(card.regions)
    if province == "national" and len(regions) > 1:
        missing = [p for p in PROVINCES if p not in regions]
        notes.append(f"适用地区 lists {len(regions)} provinces" + (f"; not listed: {'、'.join(missing)}." if missing else "."))
    elif province == "national" and regions:
        notes.append(f"适用地区 on the captured page: {card.regions}.")
    notes.append("The card does not say how the first month is charged: a full month (全月) is assumed.")
    return [*notes, f"Capture note: {card.note}"] if card.note else notes


def card_to_plan(card: Card, rates: Mapping[str, StandardRates], *, retrieved: date | None = None) -> dict[str, Any]:
    """Plan-file data for one card (validate it with ``parse_plan``); a figure that cannot be read raises DataError.

    ``retrieved`` is the date the card was read, used when the card carries none.
    """
    try:
        return _card_to_plan(card, rates, retrieved)
    except CardError as exc:
        raise DataError(card.where(exc.field, str(exc))) from None


def _card_to_plan(card: Card, rates: Mapping[str, StandardRates], retrieved: date | None) -> dict[str, Any]:
    op = operator_name(card.operator)
    fee, period_stated = parse_fee(card.fee)
    res = parse_resources(card.resources)
    if res.voice is None and res.sms is None and res.data is None and res.app_data is None:
        raise CardError("resources", "the card lists no calls, SMS or data (服务内容): cannot tell what the fee includes")
    seen = parse_date(card.retrieved) or retrieved
    if seen is None:
        raise CardError("retrieved", "no date the card was read: give the retrieval date")
    filing = (card.filing_number or "").strip().upper()
    province = province_of(card.province, filing, card.range_tab, card.regions)
    notes = [f"Imported from the tariff-zone card 「{card.name}」" + (f" (方案编号 {filing})." if filing else
                                                                  " (the card gives no 方案编号).")]
    if filing and not _FILING.match(filing):
        notes.append(f"'{filing}' does not look like a filing number (方案编号) and is not recorded.")
        filing = ""
    if not period_stated:
        notes.append(f"The fee '{card.fee}' gives no period: taken as monthly.")
    overage, over_notes, over_sources = fill_overage(card.out_of_bundle, op, rates.get(op))
    allowances, allow_notes = _allowances(res)
    status, valid, life_notes = _life(card, seen)
    kind = classify(card)[0]
    plan: dict[str, Any] = {
        "id": _plan_id(card, op, province, filing or None), "name": card.name, "operator": op, "province": province,
        "monthly_fee": fee.quantize(Decimal("0.01")), "first_month": "full", "allowances": allowances,
        "overage": overage,
    }
    if scope := eligibility_of(card.scope):
        plan["eligibility"] = [scope]
    if tags := _tags(card, kind, fee, res):
        plan["tags"] = tags
    plan.update(confidence=confidence_of(card.reliability), status=status)
    if filing:
        plan["filing_number"] = filing
    plan.update(valid)
    plan["sources"] = [_card_source(card, op, seen, filing or None), *over_sources]
    plan["notes"] = " ".join([*notes, *allow_notes, *over_notes, *life_notes, *_card_notes(card, province)])
    return plan


def card_to_addon(card: Card, *, optional: bool = True) -> dict[str, Any]:
    """A pack card (e.g. 8元/100GB) as an ``addons`` entry of another plan; unreadable figures raise DataError."""
    try:
        fee, _ = parse_fee(card.fee)
        res = parse_resources(card.resources)
    except CardError as exc:
        raise DataError(card.where(exc.field, str(exc))) from None
    allowances = {k: getattr(res, k) for k in ("voice", "sms", "data", "app_data") if getattr(res, k) is not None}
    ref = (card.filing_number or hashlib.sha256(card.name.encode()).hexdigest()[:8]).lower()
    note = f"方案编号 {card.filing_number}; " if card.filing_number else ""
    note += f"适用范围: {card.scope}; " if card.scope else ""
    return {"id": f"pack-{ref}", "name": card.name, "fee": fee.quantize(Decimal("0.01")), "allowances": allowances,
            "optional": optional, "note": note + f"source: {card.source_url or card.source}"}


# ---------------------------------------------------------------- import


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """safe_dump (libyaml's when present), plus exact decimals written as the plain numbers they are."""


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:float" if "." in format(v, "f") else "tag:yaml.org,2002:int", format(v, "f")))


def plan_yaml(data: Mapping[str, Any], card: Card) -> str:
    """The plan file text: a header comment naming the card and its source, then the keys in order."""
    where = f"{card.source}" + (f", line {card.line}" if card.line else "")
    head = f"# Imported by `tariffcli plans import` from {where}: card 「{card.name}」.\n"
    if card.source_url:
        head += f"# Capture: {card.source_url}\n"
    return head + yaml.dump(dict(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def validate_plan(data: Mapping[str, Any], source: str) -> Plan:
    """Plan-file data through the Plan model and the catalogue's cross-field checks (as ``parse_plan`` does)."""
    located = Located(normalise(dict(data)))
    try:
        plan = Plan.model_validate(located.data)
    except ValidationError as exc:
        raise DataError(validation_problems(exc, located, source, Plan)) from None
    problems = check_plan(plan, located, source)
    if problems:
        raise DataError(problems)
    return plan


@dataclass(frozen=True)
class PlanFile:
    """One generated plan file: ``path`` is ``<operator folder>/<id>.yaml``."""

    path: str
    plan_id: str
    text: str
    card: Card
    kind: Kind


@dataclass(frozen=True)
class Skipped:
    """A card not turned into a plan, and why."""

    card: Card
    kind: Kind
    reason: str

    def __str__(self) -> str:
        return str(self.card.where(None, f"[{self.kind}] {self.reason}"))


@dataclass(frozen=True)
class ImportReport:
    """What an import produced: plan files, every skipped card with its reason, and counts of cards by kind."""

    plans: tuple[PlanFile, ...]
    skipped: tuple[Skipped, ...]
    kinds: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{k} {n}" for k, n in self.kinds.items())
        return f"{sum(self.kinds.values())} cards ({counts}): {len(self.plans)} plans, {len(self.skipped)} skipped"


def _kinds(include: Iterable[str]) -> set[Kind]:
    try:
        return {Kind(k) for k in include} | {Kind.MAIN}
    except ValueError:
        raise UsageError(f"unknown card kind in {sorted(include)}; one of: {', '.join(Kind)}", field="include") from None


def import_cards(cards: Iterable[Card], rates: Mapping[str, StandardRates], *, include: Iterable[str] = frozenset(),
                 retrieved: date | None = None) -> ImportReport:
    """Plan files for the main plans among ``cards`` (and the kinds in ``include``); every other card is skipped with
    its reason. Cards flagged as suspected scrape artifacts are never imported."""
    wanted = _kinds(include)
    plans: list[PlanFile] = []
    skipped: list[Skipped] = []
    counts: Counter[str] = Counter()
    ids: dict[str, Card] = {}
    for card in cards:
        kind, why = classify(card)
        counts[kind.value] += 1
        if card.suspect:
            skipped.append(Skipped(card, kind, "flagged as a suspected scrape artifact: not imported"))
            continue
        if kind not in wanted:
            skipped.append(Skipped(card, kind, f"{why}; skipped (include '{kind}' to import it)"))
            continue
        try:
            data = _card_to_plan(card, rates, retrieved)
            path = f"{OPERATORS[data['operator']]}/{data['id']}.yaml"
            validate_plan(data, path)
            text = plan_yaml(data, card)
        except CardError as exc:
            skipped.append(Skipped(card, kind, f"{exc.field}: {exc}"))
            continue
        except DataError as exc:
            skipped.append(Skipped(card, kind, "the plan does not validate: " + "; ".join(map(str, exc.problems))))
            continue
        if data["id"] in ids:
            skipped.append(Skipped(card, kind, f"same plan id {data['id']} as card '{ids[data['id']].name}'"))
            continue
        ids[data["id"]] = card
        plans.append(PlanFile(path, data["id"], text, card, kind))
    return ImportReport(tuple(plans), tuple(skipped), dict(sorted(counts.items())))
