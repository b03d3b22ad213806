"""Standard usage baskets: the model, the built-in ITU baskets and basket files.

A basket is a month of usage (minutes or calls, SMS, data, app data) with a
citation. Basket files come in as text (nothing here opens a file); every
problem is reported with ``file:line``. Pricing is in
:mod:`tariffcli.compare.baskets`.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from tariffcli.inputs.validation import capped, validation_problems
from tariffcli.inputs.yaml_located import load_yaml
from tariffcli.model.errors import DataError, Problem, UsageError
from tariffcli.model.plan import Count, DataQty

# ---------------------------------------------------------------- the model


def _minutes(value: object) -> Decimal:
    """Minutes, possibly fractional ('50.87 min', 1.7): ITU's legacy call basket uses 50.87 minutes."""
    if isinstance(value, bool):
        raise ValueError(f"expected minutes such as '70 min', got {value!r}")
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str):
        m = re.match(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(min|分钟)?\s*$", value)
        if not m:
            raise ValueError(f"cannot read {value!r} as minutes; write e.g. '70 min' or '1.7 min'")
        try:
            d = Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - the pattern only admits numbers
            raise ValueError(f"cannot read {value!r} as minutes") from None
    else:
        raise ValueError(f"expected minutes such as '70 min', got {value!r}")
    if not d.is_finite() or d < 0:
        raise ValueError(f"minutes must be a non-negative number (got {value!r})")
    if d > 44_640:
        raise ValueError(f"{d} minutes is more than a month holds")
    return d


Minutes = Annotated[Decimal, BeforeValidator(_minutes)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Citation(_Frozen):
    """Where a basket's volumes come from."""

    title: str = Field(description="what the source is, e.g. 'ITU ICT Price Baskets, BasketHistory sheet'")
    url: str | None = Field(default=None, description="address of the source")
    retrieved: date | None = Field(default=None, description="date the source was read (YYYY-MM-DD)")
    note: str | None = Field(default=None, description="page, table or remark")


class Basket(_Frozen):
    """A month of usage to price every operator on the same footing."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="short id, e.g. itu-2025-high")
    name: str = Field(description="name shown in outputs")
    name_zh: str | None = Field(default=None, description="Chinese name (shown with --lang zh)")
    voice: Minutes | None = Field(
        default=None, description="outgoing domestic minutes a month; with `calls`, the total spread over them"
    )
    calls: int | None = Field(default=None, ge=1, le=10_000, description="number of calls a month")
    call_length: Minutes | None = Field(default=None, description="average length of a call, minutes")
    sms: Count = Field(default=0, description="SMS a month")
    data: DataQty = Field(default=0, description="general data a month, e.g. '5 GB'")
    app_data: DataQty = Field(
        default=0, description="app-specific data (定向流量); counts as general data on plans without that bucket"
    )
    period: str | None = Field(default=None, description="years the basket was used, e.g. '2018-2024'")
    experimental: bool = Field(default=False, description="an experimental basket (not run unless asked for)")
    source: Citation | None = Field(default=None, description="the citation for the basket's volumes")
    note: str | None = None

    _origin: str | None = PrivateAttr(default=None)

    @property
    def origin(self) -> str | None:
        """The file the basket was loaded from (None for a built-in basket)."""
        return self._origin

    @property
    def billed_minutes(self) -> int:
        """Minutes billed a month: every started minute of each call is billed (不足1分钟按1分钟).

        With ``calls``, each call is ``call_length`` (or ``voice / calls``) long and is
        rounded up on its own; without, the month's minutes are rounded up once.
        """
        if self.calls is not None:
            length = self.call_length if self.call_length is not None else (self.voice or Decimal(0)) / self.calls
            return self.calls * int(length.to_integral_value(rounding=ROUND_CEILING))
        return int((self.voice or Decimal(0)).to_integral_value(rounding=ROUND_CEILING))

    def display_name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name


def check_basket(b: Basket) -> list[tuple[tuple[str, ...], str]]:
    """Rules that span several fields, as (path, message)."""
    out: list[tuple[tuple[str, ...], str]] = []
    if b.call_length is not None and b.calls is None:
        out.append((("call_length",), "'call_length' needs 'calls' (the number of calls a month)"))
    if b.call_length is not None and b.voice is not None:
        out.append((("voice",), "give 'voice' (total minutes) or 'call_length' (per call) with 'calls', not both"))
    if b.calls is not None and b.call_length is None and b.voice is None:
        out.append((("calls",), "'calls' needs 'call_length' (average minutes a call) or 'voice' (total minutes)"))
    if b.billed_minutes == 0 and b.sms == 0 and b.data == 0 and b.app_data == 0:
        out.append(((), "a basket needs some usage: voice, calls, sms, data or app_data"))
    return out


# ---------------------------------------------------------------- built-in baskets

ITU_SOURCE = Citation(
    title="ITU ICT Price Baskets: ITU_ICTPriceBaskets_2008-2025.xlsx (BasketHistory sheet) and the IPB questionnaire manual 2025",
    url="https://itu.int/en/ITU-D/Statistics/Documents/ICT_Prices/",
    note="monthly volumes; rules: cheapest plan meeting every volume, out-of-bundle use allowed, "
    "30-day month, promotions excluded (as summarised in the project's reference/baskets.md)",
)
ITU_AFFORDABILITY_SOURCE = Citation(
    title='ITU, "Affordability of ICT services 2024", p.18',
    note="affordability is the basket price divided by monthly GNI per capita (GNI / 12)",
)


def _itu(id: str, name: str, name_zh: str, period: str, *, voice: int = 0, sms: int = 0, data: str = "0 MB",
         experimental: bool = False, note: str | None = None) -> Basket:
    return Basket.model_validate({
        "id": id, "name": name, "name_zh": name_zh, "voice": voice or None, "sms": sms, "data": data,
        "period": period, "experimental": experimental, "source": ITU_SOURCE, "note": note,
    })


BUILTIN: tuple[Basket, ...] = (
    _itu("itu-2024-voice", "ITU mobile-cellular low usage (voice), 2018-2024",
         "ITU 移动蜂窝低用量（语音），2018-2024", "2018-2024", voice=70, sms=20,
         note="last collected 2024; discontinued from 2025"),
    _itu("itu-2024-data", "ITU data-only mobile broadband, 2021-2024",
         "ITU 纯数据移动宽带，2021-2024", "2021-2024", data="2 GB"),
    _itu("itu-2024-low", "ITU data and voice, low consumption, 2018-2024",
         "ITU 数据与语音 低用量，2018-2024", "2018-2024", voice=70, sms=20, data="500 MB"),
    _itu("itu-2024-high", "ITU data and voice, high consumption, 2021-2024",
         "ITU 数据与语音 高用量，2021-2024", "2021-2024", voice=140, sms=70, data="2 GB"),
    _itu("itu-2025-data", "ITU data-only mobile broadband, 2025",
         "ITU 纯数据移动宽带，2025", "2025-", data="5 GB"),
    _itu("itu-2025-low", "ITU data and voice, low consumption, 2025",
         "ITU 数据与语音 低用量，2025", "2025-", voice=70, sms=50, data="1 GB"),
    _itu("itu-2025-high", "ITU data and voice, high consumption, 2025",
         "ITU 数据与语音 高用量，2025", "2025-", voice=140, sms=20, data="5 GB"),
    _itu("itu-2025-data-1gb", "ITU data-only 1 GB (experimental), 2025",
         "ITU 纯数据 1 GB（试验性），2025", "2025-", data="1 GB", experimental=True),
    _itu("itu-2025-data-2gb", "ITU data-only 2 GB (experimental), 2025",
         "ITU 纯数据 2 GB（试验性），2025", "2025-", data="2 GB", experimental=True,
         note="the 2021-2024 data-only basket, kept as experimental"),
    _itu("itu-2025-data-10gb", "ITU data-only 10 GB (experimental), 2025",
         "ITU 纯数据 10 GB（试验性），2025", "2025-", data="10 GB", experimental=True),
)
"""ITU baskets, 2018-2024 and 2025 volumes (reference/baskets.md). Experimental ones run only when named."""

DEFAULT_BASKETS: tuple[Basket, ...] = tuple(b for b in BUILTIN if not b.experimental)


def builtin(basket_id: str) -> Basket | None:
    """A built-in basket by id, or None."""
    return next((b for b in BUILTIN if b.id == basket_id), None)


def unknown_basket(ref: str) -> UsageError:
    """The error for a --basket that is neither a built-in id nor a file."""
    close = difflib.get_close_matches(ref, [b.id for b in BUILTIN], n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else "; see 'tariffcli baskets --list'"
    return UsageError(f"--basket: no built-in basket '{ref}' and no such file{hint}", field="basket")


# ---------------------------------------------------------------- basket files


def parse_baskets(text: str, source: str) -> tuple[Basket, ...]:
    """Baskets from YAML ``text``: one basket mapping, or ``baskets:`` with a list of them.

    Every problem in the file is collected and raised in one :class:`DataError`,
    each with ``file:line``.
    """
    located = load_yaml(text, source)
    data = located.data
    if isinstance(data, dict) and set(data) == {"baskets"}:
        items, prefix = data["baskets"], ("baskets",)
        if not isinstance(items, list) or not items:
            raise DataError(Problem("'baskets' must be a list of baskets", file=source,
                                    line=located.line_of(prefix), field="baskets"))
        entries: list[tuple[Any, tuple[str | int, ...]]] = [(item, prefix + (i,)) for i, item in enumerate(items)]
    elif isinstance(data, dict):
        entries = [(data, ())]
    else:
        raise DataError(Problem("a basket file is a mapping (one basket) or 'baskets:' with a list",
                                file=source, line=1))
    baskets: list[Basket] = []
    problems: list[Problem] = []
    for item, path in entries:
        if not isinstance(item, dict):
            problems.append(Problem("a basket must be a mapping of keys to values", file=source,
                                    line=located.line_of(path), field=".".join(map(str, path)) or None))
            continue
        try:
            b = Basket.model_validate(item)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, located, source, Basket, path))
            continue
        rules = check_basket(b)
        for sub, msg in rules:
            problems.append(Problem(msg, file=source, line=located.line_of(path + sub),
                                    field=".".join(map(str, path + sub)) or None, code="invalid_value"))
        if not rules:
            b._origin = source
            baskets.append(b)
    seen: dict[str, Basket] = {}
    for b in baskets:
        if b.id in seen or builtin(b.id) is not None:
            problems.append(Problem(f"basket id '{b.id}' is used twice" if b.id in seen
                                    else f"basket id '{b.id}' is the id of a built-in basket; choose another",
                                    file=source, field="id", code="duplicate_id"))
        seen[b.id] = b
    if problems:
        raise DataError(capped(sorted(problems, key=lambda p: p.line or 0), source))
    return tuple(baskets)


