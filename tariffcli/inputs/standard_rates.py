"""Per-operator standard out-of-bundle rates (标准资费 / 超出资费), the fallback of ``plans import``.

Tariff-zone cards often leave out what a call, an SMS or a GB past the bundle
costs. A standard-rates file (``plans/standard-rates/<operator>.yaml``) holds
those figures for one operator, in exactly the ``overage:`` shape of a plan
file, with its own sources, retrieval date and confidence, so that an
imported plan can say which of its figures were filled in and from where.

The second half reads the figures of a tariff-zone card as the operators write
them (``39元/月``, ``国内通用流量 1GB``, ``主叫0.1元/分钟``, ``2025年12月7日``):
exactly, or refused with the reason (:class:`CardError`), never guessed.

Nothing here opens a file: callers pass ``(text, source)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from tariffcli.inputs.catalogue import normalise
from tariffcli.inputs.validation import validation_problems
from tariffcli.inputs.yaml_located import load_yaml
from tariffcli.model import units
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.limits import MAX_YEAR, MIN_YEAR
from tariffcli.model.plan import Confidence, Overage, Source

FOLDER = "standard-rates"
"""The catalogue sub-folder holding standard-rates files; the plan loader skips it."""


PROVINCES = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan",
    "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi", "海南": "Hainan", "重庆": "Chongqing",
    "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "西藏": "Tibet", "陕西": "Shaanxi", "甘肃": "Gansu",
    "青海": "Qinghai", "宁夏": "Ningxia", "新疆": "Xinjiang",
}
"""The 31 mainland provinces, Chinese -> the English name used in plan files."""
PROVINCE_CODES = dict(zip(
    ["BJ", "TJ", "HE", "SX", "NM", "LN", "JL", "HL", "SH", "JS", "ZJ", "AH", "FJ", "JX", "SD", "HA",
     "HB", "HN", "GD", "GX", "HI", "CQ", "SC", "GZ", "YN", "XZ", "SN", "GS", "QH", "NX", "XJ"],
    PROVINCES.values(), strict=True))
"""Province code in a filing number (``26SH200877``) -> province (GB/T 2260 letters)."""
OPERATORS = {"China Mobile": "cmcc", "China Telecom": "telecom", "China Unicom": "unicom", "China Broadnet": "broadnet"}
"""Operator name -> plan id prefix and catalogue folder."""
OPERATOR_WORDS = {"中国移动": "China Mobile", "移动": "China Mobile", "中国电信": "China Telecom", "电信": "China Telecom",
                   "中国联通": "China Unicom", "联通": "China Unicom", "中国广电": "China Broadnet", "广电": "China Broadnet"}
OPERATOR_ZONES = {"China Mobile": "https://h.app.coc.10086.cn/cmcc-app/pc-pages/tariffZonePers.html",
          "China Telecom": "https://www.189.cn/tariffZone/", "China Unicom": "https://www.10010.com/",
          "China Broadnet": "https://m.10099.com.cn/costNotice/"}
"""Where each operator publishes its cards: the citation of a pasted card that names no address."""


class StandardRates(BaseModel):
    """One operator's standard out-of-bundle rates, sourced and dated."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    operator: str = Field(description="operator name as in plan files, e.g. 'China Mobile'")
    retrieved: date = Field(description="the day the figures were last checked")
    confidence: Confidence = Field(description="how far the figures can be trusted (the weakest source decides)")
    overage: Overage = Field(description="out-of-bundle rates, exactly as in a plan file")
    sources: tuple[Source, ...] = Field(min_length=1)
    notes: str | None = Field(default=None, description="how the figures were chosen and what they leave out")

    _origin: str | None = PrivateAttr(default=None)

    @property
    def origin(self) -> str:
        """The file the rates were read from (as the caller named it)."""
        return self._origin or f"standard rates of {self.operator}"


def _check(rates: StandardRates, source: str, line_of: dict[tuple[str, ...], int]) -> list[Problem]:
    d = rates.overage.data
    problems: list[Problem] = []
    shapes = [n for n in ("rate", "tiers", "ramp") if getattr(d, n) is not None]
    where = ("overage", "data")
    if len(shapes) != 1:
        problems.append(Problem("give exactly one of 'rate', 'tiers' or 'ramp' for out-of-bundle data",
                                file=source, line=line_of.get(where), field="overage.data"))
    if d.ramp is not None and d.ramp.block % units.KB_PER[d.increment]:
        problems.append(Problem("the block must be a whole number of billing increments",
                                file=source, line=line_of.get(where), field="overage.data.ramp.block"))
    return problems


def parse_standard_rates(text: str, source: str) -> StandardRates:
    """Parse and validate one standard-rates file; every problem names ``source`` and its line."""
    located = load_yaml(text, source)
    if not isinstance(located.data, dict):
        raise DataError(Problem("a standard-rates file must be a mapping of keys to values", file=source, line=1))
    try:
        rates = StandardRates.model_validate(normalise(located.data))
    except ValidationError as exc:
        raise DataError(validation_problems(exc, located, source, StandardRates)) from None
    problems = _check(rates, source, {("overage", "data"): located.line_of(("overage", "data")) or 1})
    if problems:
        raise DataError(problems)
    rates._origin = source
    return rates


def rates_by_operator(files: Iterable[tuple[str, str]]) -> dict[str, StandardRates]:
    """Parse ``(source, text)`` pairs; two files for one operator are an error. Every problem is reported at once."""
    out: dict[str, StandardRates] = {}
    problems: list[Problem] = []
    for source, text in files:
        try:
            rates = parse_standard_rates(text, source)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if rates.operator in out:
            problems.append(Problem(f"standard rates for {rates.operator} are also in {out[rates.operator].origin}",
                                    file=source, line=1, field="operator", code="duplicate"))
        else:
            out[rates.operator] = rates
    if problems:
        raise DataError(problems)
    return out


_VOLUME_KEYS = frozenset({"block", "up_to", "volume_cap", "throttle_after"})


def volume_text(kb: int) -> str:
    """A data volume in KB as plan-file text in the largest whole unit: 1048576 -> '1 GB'."""
    for unit, size in (("TB", 1024**3), ("GB", 1024**2), ("MB", 1024)):
        if kb and kb % size == 0:
            return f"{kb // size} {unit}"
    return f"{kb} KB"


def plan_data(model: BaseModel) -> dict[str, object]:
    """A model (an ``Overage`` or a part of it) as plan-file data: volumes with their units, defaults left out."""

    def walk(value: object, key: str = "") -> object:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        if key in _VOLUME_KEYS and isinstance(value, int):
            return volume_text(value)
        return value

    out = walk(model.model_dump(exclude_none=True, exclude_defaults=True))
    assert isinstance(out, dict)
    return out


def describe_data(overage: Overage) -> str:
    """Out-of-bundle data in words, for notes: 'ramp 0.03 CNY/MB up to 3.00 per 1 GB, cap 600.00'."""
    d = overage.data
    if d.ramp is not None:
        text = f"{d.ramp.rate} CNY/{d.ramp.per} up to {d.ramp.block_price} per {volume_text(d.ramp.block)}"
    elif d.tiers:
        text = "tiers " + ", then ".join(f"{t.rate} CNY/{t.per}" for t in d.tiers)
    else:
        text = f"{d.rate} CNY/{d.per}"
    text += f", billed per started {d.increment}"
    if d.cap is not None:
        text += f", cap {d.cap}"
    if d.volume_cap is not None:
        text += f", stopped after {volume_text(d.volume_cap)} over"
    return text


# ---------------------------------------------------------------- card figures
# How the zones write fees, allowances, out-of-bundle rates and dates, read exactly or refused.

RESOURCE_LABELS = {"国内通话": "voice", "通话": "voice", "语音": "voice", "国内语音": "voice",
                    "国内通用流量": "data", "通用流量": "data", "流量": "data", "国内流量": "data",
                    "定向流量": "app_data", "短信": "sms", "宽带": None, "移动高清": None, "国际通话": None,
                    "彩信": None, "权益": None, "其他": None}
"""Labels of a resources text -> allowance (None: shown in the notes, not modelled)."""
TEXT_LABELS = {
    "资费名称": "name", "名称": "name", "资费标准": "fee", "方案编号": "filing_number", "资费类型": "type",
    "适用范围": "scope", "适用地区": "regions", "上线日期": "online_date", "下线日期": "offline_date",
    "有效期限": "validity", "在网要求": "lock_in", "违约责任": "exit_terms", "超出资费说明": "out_of_bundle",
    "超出资费": "out_of_bundle", "其他服务内容": "other", "服务内容": "resources", "资费内容": "resources",
}
LABEL_LINE = re.compile(r"^([^\s:]{1,8})\s*:\s*(.*)$")
"""Field labels of a card pasted as text -> :class:`~tariffcli.inputs.cards.Card` fields."""


class CardError(ValueError):
    """A card figure that cannot be read; ``field`` names the card field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


_FEE = re.compile(r"^(?:月费|资费)?(\d+(?:\.\d{1,2})?)元(/月|每月|/每月)?$")
_NUM = r"(\d+(?:\.\d+)?)"
_VOLUME = re.compile(_NUM + r"\s*(TB|GB|MB|KB|T|G|M|K)B?(.*)$", re.I)
_KB = {"K": 1, "M": 1024, "G": 1024**2, "T": 1024**3}


def parse_fee(text: str | None) -> tuple[Decimal, bool]:
    """``39元/月``, ``月费 39 元`` or ``39元`` -> (39, whether the period is stated). Other shapes raise :class:`CardError`."""
    if not text or not text.strip():
        raise CardError("fee", "the card gives no fee (资费标准)")
    compact = re.sub(r"\s+", "", text)
    m = _FEE.match(compact)
    if m:
        return Decimal(m.group(1)), bool(m.group(2)) or compact.startswith("月费")
    if "起" in compact:
        raise CardError("fee", f"the fee '{text}' is a starting price (起), not a monthly fee")
    if re.search(r"/年|每年", compact):
        raise CardError("fee", f"the fee '{text}' is yearly, not monthly")
    if re.search(r"[—\-–]", compact):
        raise CardError("fee", "the card gives no fee (资费标准 is blank)")
    raise CardError("fee", f"cannot read the fee '{text}' (expected e.g. '39元/月')")


_MONTHLY = re.compile(r"^(?:/月|每月|/每月)?$")
_INCLUDED = re.compile(r"^[（(]含[^（()）]*[)）]$")
"""An inclusion note that does not change the figure: 300GB（含港澳台流量10GB） is 300 GB, 10 GB of it usable abroad."""
_PERIODS = ((r"天|日", "a daily"), (r"年", "a yearly"), (r"季|季度", "a quarterly"), (r"周", "a weekly"))


def _volume(label: str, value: str) -> tuple[str, str]:
    """``30GB`` or ``30GB/月`` -> ('30 GB', ''); an inclusion note is returned as the rest, any other suffix refused."""
    m = _VOLUME.match(value)
    if not m:
        raise CardError("resources", f"cannot read {label} '{value}' (expected e.g. '30GB')")
    unit = m.group(2).upper()[0]
    if (Decimal(m.group(1)) * _KB[unit]) % 1:
        raise CardError("resources", f"{label} '{value}' is not a whole number of KB")
    rest = re.sub(r"\s+", "", m.group(3))
    if not (_MONTHLY.match(rest) or _INCLUDED.match(rest)):
        why = next((f"{word} allowance, not a monthly one" for pattern, word in _PERIODS
                    if re.match(rf"^(?:/|每)(?:{pattern})", rest)), None)
        if why is None and re.search(r"前\s*\d+\s*个?月|首月|\d+\s*个月", rest):
            why = "limited to some months, not a monthly allowance"
        raise CardError("resources", f"{label} '{value}' is {why}" if why else
                        f"cannot read {label} '{value}': only a monthly volume (e.g. '30GB' or '30GB/月') is read")
    return f"{m.group(1)} {unit}B" if unit != "K" else f"{m.group(1)} KB", rest if _INCLUDED.match(rest) else ""


@dataclass(frozen=True)
class Resources:
    """What a card's resources text says: allowances (None: not stated) and what is shown but not modelled."""

    voice: int | None = None
    sms: int | None = None
    data: str | None = None
    app_data: str | None = None
    other: tuple[str, ...] = ()
    """Items the plan format does not model (broadband, TV, benefits, international minutes...), as written."""


def _allowance(key: str, label: str, value: str) -> tuple[object, str]:
    if value in ("", "-", "—", "--"):
        return None, ""
    if value in ("不限", "不限量", "无限"):
        return "unlimited", ""
    if key in ("data", "app_data"):
        return _volume(label, value)
    m = re.match(r"^(\d+)\s*(分钟|分)$" if key == "voice" else r"^(\d+)\s*条$", value)
    if not m:
        raise CardError("resources", f"cannot read {label} '{value}' (expected e.g. "
                        + ("'100分钟')" if key == "voice" else "'100条')"))
    return int(m.group(1)), ""


def parse_resources(text: str | None) -> Resources:
    """Both shapes: ``国内通话 100分钟 国内通用流量 1GB 定向流量 30GB 短信 0条`` and ``流量 70GB · 通话 700 分``."""
    tokens: list[str] = []
    for tok in (text or "").replace("·", " ").split():
        m = re.match(r"^(国内通话|国内通用流量|定向流量|短信)(\d.*)$", tok)
        tokens += [m.group(1), m.group(2)] if m else [tok]
    found: dict[str, object] = {}
    other: list[str] = []
    i = 0
    while i < len(tokens):
        label = tokens[i]
        if label not in RESOURCE_LABELS:
            raise CardError("resources", f"cannot read '{label}' in the resources (expected a label such as 国内通话)")
        j = len(tokens) if label == "权益" else i + 1
        while j < len(tokens) and tokens[j] not in RESOURCE_LABELS:
            j += 1
        value = " ".join(tokens[i + 1:j])
        key = RESOURCE_LABELS[label]
        if key is None:
            if value not in ("", "-", "—"):
                other.append(f"{label} {value}")
        elif key in found:
            raise CardError("resources", f"{label} is given twice")
        else:
            found[key], rest = _allowance(key, label, value)
            if rest:
                other.append(f"{label} {value}")
        i = j
    return Resources(other=tuple(other), **found)  # type: ignore[arg-type]


_OOB_KINDS = (("video", r"视频通话|视频电话|可视电话"), ("voice", r"主叫|语音|通话"), ("sms", r"短信"),
              ("mms", r"彩信"), ("data", r"流量"))
"""Kinds of out-of-bundle rate: video calls are looked for first (视频通话 is not a voice call)."""
_OOB_RATE = re.compile(_NUM + r"\s*元\s*/\s*(分钟|分|条|次|GB|MB|KB|G|M)", re.I)
_OOB_UNITS = {"voice": ("分钟", "分"), "video": ("分钟", "分"), "sms": ("条", "次"), "mms": ("条", "次"),
              "data": ("GB", "MB", "KB")}
OOB_NOT_MODELLED = {"video": "video calls (视频通话)", "mms": "MMS (彩信)"}
"""Out-of-bundle kinds a card may state that plans do not model: ignored, and the notes say so."""


def _oob_kinds(text: str) -> set[str]:
    kinds = set()
    for kind, pattern in _OOB_KINDS:
        if re.search(pattern, text):
            kinds.add(kind)
            text = re.sub(pattern, "", text)
    return kinds


def out_of_bundle_parts(text: str) -> list[tuple[str, Decimal, str, str]]:
    """Every rate of an out-of-bundle text as (kind, rate, unit, the words it was read from), in order.

    Parts are split on separators and after every rate, so ``国内语音0.15元/分钟短信0.1元/条`` is two parts.
    A part that names a kind but gives no rate, a rate that names no kind or two, or a unit that does not fit
    the kind raises :class:`CardError`.
    """
    parts: list[tuple[str, Decimal, str, str]] = []
    for piece in re.split(r"[,，;；、\n]", text):
        start = 0
        for m in _OOB_RATE.finditer(piece):
            kinds, words, start = _oob_kinds(piece[start:m.start()]), piece[start:m.end()].strip(), m.end()
            if len(kinds) != 1:
                raise CardError("out_of_bundle", f"cannot tell what the out-of-bundle rate '{words}' is for"
                                + (f" (it names {len(kinds)} kinds)" if kinds else ""))
            kind = kinds.pop()
            unit = m.group(2).upper()
            unit = unit if unit[0] not in "GMK" else unit[0] + "B"
            if unit not in _OOB_UNITS[kind]:
                raise CardError("out_of_bundle", f"the out-of-bundle rate '{words}' is per {unit}, "
                                f"not per {' or '.join(_OOB_UNITS[kind])}")
            parts.append((kind, Decimal(m.group(1)), unit, words))
        rest = piece[start:].strip()
        if _oob_kinds(rest):
            raise CardError("out_of_bundle", f"cannot read the out-of-bundle rate '{rest}'")
    return parts


def parse_out_of_bundle(text: str) -> dict[str, tuple[Decimal, str]]:
    """``主叫0.1元/分钟,流量5元/GB,短信0.1元/条`` -> {'voice': (0.1, '分钟'), 'data': (5, 'GB'), 'sms': (0.1, '条')}.

    Only the modelled kinds (voice, sms, data); a kind stated twice with different rates raises :class:`CardError`.
    """
    out: dict[str, tuple[Decimal, str]] = {}
    said: dict[str, str] = {}
    for kind, rate, unit, words in out_of_bundle_parts(text):
        if kind in OOB_NOT_MODELLED:
            continue
        if kind in out and out[kind] != (rate, unit):
            raise CardError("out_of_bundle", f"the card states two out-of-bundle {kind} rates: "
                            f"'{said[kind]}' and '{words}'")
        out[kind], said[kind] = (rate, unit), words
    return out


def parse_date(text: str | None) -> date | None:
    """``2025年12月7日``, ``20260722`` or ``2026-07-22``; None when blank. Other text raises :class:`CardError`."""
    if not text or not text.strip() or text.strip() in ("-", "—"):
        return None
    m = re.match(r"^(\d{4})(?:年|-|/)?(\d{1,2})(?:月|-|/)?(\d{1,2})日?$", text.strip())
    day = None
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            day = None
    if day is None:
        raise CardError("date", f"cannot read the date '{text}'")
    if not MIN_YEAR <= day.year <= MAX_YEAR:  # 99991231 would overflow the day after (valid_to)
        raise CardError("date", f"the date '{text}' is not between {MIN_YEAR} and {MAX_YEAR}")
    return day


def fill_overage(stated_text: str | None, op: str, std: StandardRates | None) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    """A plan's ``overage``: the card's own rates (``stated_text``) where it states them, else ``std``'s.

    Also returns the notes saying which figures were filled in and from where,
    and the standard-rates sources to cite when any was used.
    """
    stated = parse_out_of_bundle(stated_text) if stated_text else {}
    missing = [k for k in ("voice", "sms", "data") if k not in stated]
    if missing and std is None:
        raise CardError("out_of_bundle", f"the card gives no out-of-bundle {'/'.join(missing)} rate "
                        f"and there is no standard-rates file for {op}")
    base = plan_data(std.overage) if std else {}
    out: dict[str, Any] = {k: {"rate": stated[k][0]} if k in stated else base[k] for k in ("voice", "sms")}
    notes = [f"Out-of-bundle rates on the card: '{stated_text}'."] if stated else []
    ignored = [f"{OOB_NOT_MODELLED[k]} '{w}'" for k, _, _, w in (out_of_bundle_parts(stated_text) if stated_text
                                                                  else []) if k in OOB_NOT_MODELLED]
    if ignored:
        notes.append(f"Not modelled, so not charged: {'; '.join(ignored)}.")
    used_std = bool(missing)
    if "data" in stated:
        rate, unit = stated["data"]
        ramp = std.overage.data.ramp if std else None
        if std and ramp and unit == "GB" and ramp.block == 1024**2 and ramp.block_price == rate:
            out["data"], used_std = base["data"], True
            notes.append(f"The card gives data at {rate} CNY/GB but not how part of a GB is charged: "
                         f"{describe_data(std.overage)}, as in {std.origin}.")
        else:
            out["data"] = {"rate": rate, "per": unit, "increment": unit}
            notes.append(f"The card gives data at {rate} CNY/{unit} with no rounding rule: each started {unit} "
                         "is billed in full (this never understates the cost).")
    else:
        out["data"] = base["data"]
    if not (std and used_std):
        return out, notes, []
    if missing:
        said = {"voice": f"voice {std.overage.voice.rate} CNY/min", "sms": f"SMS {std.overage.sms.rate} CNY",
                "data": f"data {describe_data(std.overage)}"}
        notes.insert(0, f"The card states no out-of-bundle {'/'.join(missing)} rates: "
                     f"{'; '.join(said[k] for k in missing)} are filled in from {std.origin} (standard rates of "
                     f"{op}, checked {std.retrieved}, confidence {std.confidence}).")
    sources = [{"url": s.url, "retrieved": s.retrieved, **({"tag": s.tag} if s.tag else {}),
                "note": f"cited by {std.origin}" + (f": {s.note}" if s.note else "")} for s in std.sources]
    return out, notes, sources


def operator_name(text: str | None) -> str:
    """The operator a card names (``中国移动``, ``China Mobile``...) as used in plan files; unknown raises CardError."""
    op = (text or "").strip()
    if op in OPERATORS:
        return op
    if op in OPERATOR_WORDS:
        return OPERATOR_WORDS[op]
    raise CardError("operator", f"unknown operator '{op}'" if op else "the card does not say which operator it is from")


def region_list(regions: str | None) -> list[str]:
    """``北京,广东,上海`` -> the province names, without 省/市."""
    return [r.removesuffix("省").removesuffix("市") for r in re.split(r"[,，、\s]+", regions or "") if r]


def province_of(province: str | None, filing: str, range_tab: str | None, regions: str | None) -> str:
    """``national`` for 全网/集团 cards (filing ``..JT..``), else the province in English (or ``unspecified``).

    A card whose 适用地区 lists several provinces (not all of them) and that nothing else places raises
    :class:`CardError`: a plan has one province, and ``unspecified`` would rank it everywhere.
    """
    p = (province or "").strip().removesuffix("省").removesuffix("市")
    if p in ("national", "全网", "全国", "集团") or filing[2:4] == "JT" or "全网" in (range_tab or ""):
        return "national"
    if p:
        return PROVINCES.get(p, p)
    if filing[2:4] in PROVINCE_CODES:
        return PROVINCE_CODES[filing[2:4]]
    listed = region_list(regions)
    if any(r in ("全国", "全网", "全国通用") for r in listed) or set(PROVINCES) <= set(listed):
        return "national"
    if len(listed) > 1:
        raise CardError("regions", f"sold in several provinces ({'、'.join(listed)}), not nationwide: "
                        "import it once for each province, giving that province")
    return PROVINCES.get(listed[0], listed[0]) if listed else "unspecified"


_GENERIC_SCOPE = re.compile(r"^[\u4e00-\u9fff]{0,8}(用户|客户)[。.]?$")
_RESTRICTED = re.compile(r"限|岁|学生|校园|骑手|仅|区域|不公开|专属|除外|副卡")


def eligibility_of(scope: str | None) -> str | None:
    """The 适用范围 as an eligibility entry, or None when it is open to every customer (全网用户, 上海用户...)."""
    s = re.sub(r"\s+", " ", scope or "").strip()
    return None if not s or (_GENERIC_SCOPE.match(s) and not _RESTRICTED.search(s)) else s


def confidence_of(reliability: str | None) -> str:
    """The plan confidence for a card's reliability tag: A- (a public copy of the zone) is official-copy."""
    tag = (reliability or "").split(" ")[0]
    return {"A": "verified", "A-": "official-copy", "B": "reported", "B-": "reported"}.get(tag, "example")
