"""Standard usage baskets: the cheapest plan per operator for the same usage, as ITU prices them.

A basket is a month of usage (minutes or calls, SMS, data, app data) with a
citation. For each basket and operator this module finds the cheapest plan that
covers the basket, its monthly price, the runner-up, and whether out-of-bundle
use made a smaller plan cheaper than the cheapest plan whose bundle covers the
basket outright. Prices come from :func:`tariffcli.engine.simulate`; nothing
here bills anything itself.

ITU rules applied (``../shared/reference/baskets.md``; docs/baskets.md):

* the cheapest plan that meets or exceeds every volume, out-of-bundle use
  allowed where that is cheaper;
* promotions excluded: plans are priced on their standard terms
  (``simulate(..., promotions=False)``);
* a 30-day month: the basket is one month of usage with data spread over 30
  days (for daily-rate cards); the price is the recurring monthly price, so
  first-month rules and one-off fees do not apply;
* affordability = price / (GNI per capita / 12), when a GNI figure is given.

This module never opens a file and never reads the clock: basket files come in
as text, and the day plans must be on sale comes in as an argument.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from .errors import DataError, Problem, UsageError
from .plans import Count, DataQty, Plan
from .recommend import Note, usable_plans
from .validation import validation_problems
from .yamlsafe import load_yaml

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
        raise DataError(sorted(problems, key=lambda p: p.line or 0))
    return tuple(baskets)


# ---------------------------------------------------------------- pricing


@dataclass(frozen=True)
class Priced:
    """One plan priced for one basket."""

    plan: Plan
    price: int
    """Monthly price for the basket, fen (the bill's total)."""
    lines: dict[str, int]
    """The bill lines that make up the price, fen (engine.LINES)."""
    out_of_bundle: bool
    """The basket goes over at least one of the plan's allowances."""
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class BasketRow:
    """The outcome for one basket and one operator."""

    basket: Basket
    operator: str
    considered: int
    """Plans of this operator priced for the basket."""
    cheapest: Priced | None
    """None when no plan of the operator can carry the basket (e.g. data stopped at a volume cap)."""
    runner_up: Priced | None
    in_bundle: Priced | None
    """The cheapest plan whose allowances cover the whole basket (no out-of-bundle use), if any."""
    affordability: Decimal | None
    """Price as a percentage of monthly GNI per capita (two decimals), when a GNI figure is given."""

    @property
    def out_of_bundle_cheaper(self) -> bool:
        """Out-of-bundle use made a smaller plan cheaper than the cheapest plan whose bundle covers the basket."""
        c, b = self.cheapest, self.in_bundle
        return c is not None and b is not None and c.out_of_bundle and c.price < b.price


@dataclass(frozen=True)
class BasketReport:
    """Every basket priced for every operator."""

    day: date
    """Plans had to be on sale on this day."""
    baskets: tuple[Basket, ...]
    rows: tuple[BasketRow, ...]
    """Basket order first, then operator (alphabetical)."""
    excluded: tuple[tuple[Plan, str], ...]
    """Plans left out, with the reason: ``not_on_sale`` or ``suspended_line``."""
    currency: str | None
    """The currency shared by every plan priced, or None when they differ."""
    gni: Decimal | None = None
    """GNI per capita, a year, in :attr:`currency` (for affordability)."""
    gni_source: str | None = None


BASKET_DAYS = 30
"""ITU prices a 30-day month; daily-rate cards spread the basket's data over these days."""


def basket_usage(basket: Basket) -> Any:  # engine.Usage
    """The basket as one month of usage for :func:`tariffcli.engine.simulate`."""
    import numpy as np

    from .engine import Usage

    def one(v: int) -> Any:
        return np.array([v], np.int64)

    return Usage(
        months=(basket.id,), voice_min=one(basket.billed_minutes), sms=one(basket.sms), data_kb=one(basket.data),
        app_data_kb=one(basket.app_data), data_days=one(BASKET_DAYS), data_days_known=np.array([True]),
    )


def affordability(price: int, gni: Decimal) -> Decimal:
    """Price (fen, a month) as a percentage of monthly GNI per capita, half-up to 0.01."""
    monthly_gni = gni / 12
    return (Decimal(price) / 100 / monthly_gni * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _notes(plan: Plan, res: Any, i: int) -> tuple[Note, ...]:
    notes: list[Note] = []
    if bool(res.topup[i, 0]):
        notes.append(Note("basket_topup", {"amount": int(res.line("topup")[i, 0])}))
    if bool(res.data_capped[i, 0]):
        notes.append(Note("basket_data_capped"))
    if bool(res.throttled[i, 0]):
        notes.append(Note("basket_throttled"))
    notes += [Note("eligibility", {"who": w}) for w in plan.eligibility]
    if plan.confidence.value == "example":
        notes.append(Note("example_figures"))
    return tuple(notes)




def price_baskets(
    plans: Sequence[Plan], baskets: Sequence[Basket], *, day: date,
    gni: Decimal | None = None, gni_source: str | None = None,
) -> BasketReport:
    """Price every basket on every plan on sale on ``day``; keep the cheapest two per operator.

    Plans are simulated on their standard terms (promotions excluded, as ITU
    rules require) in a month after their first, so first-month rules and
    one-off fees do not apply. A plan whose data would be stopped at a volume
    cap before the basket is used up does not cover the basket.
    """
    from .engine import LINES, simulate

    if gni is not None and gni <= 0:
        raise UsageError("--gni must be a positive amount (GNI per capita a year)", field="gni")
    on_sale, excluded = usable_plans(plans, day)
    currencies = sorted({p.currency for p in on_sale})
    currency = currencies[0] if len(currencies) == 1 else None
    if gni is not None and len(currencies) > 1:
        raise UsageError(f"--gni is one currency but the plans use several ({', '.join(currencies)}); "
                         "choose plans of one currency with --operator or --plans", field="gni")
    operators: dict[str, str] = {}
    for p in on_sale:
        operators.setdefault(p.operator.casefold(), p.operator)
    rows: list[BasketRow] = []
    for basket in baskets if on_sale else ():
        priced: dict[str, list[Priced]] = {k: [] for k in operators}
        counts: dict[str, int] = dict.fromkeys(operators, 0)
        # month 2 of every plan: the recurring price, without first-month rules or one-off fees
        res = simulate(on_sale, basket_usage(basket), [2] * len(on_sale), promotions=False)
        for i, p in enumerate(on_sale):
            key = p.operator.casefold()
            counts[key] += 1
            if bool(res.data_stopped[i, 0]):
                continue  # data stops before the basket is used up: the plan does not cover it
            over = bool(res.voice_over[i, 0] or res.sms_over[i, 0] or res.data_over[i, 0])
            lines = {name: int(v) for name, v in zip(LINES, res.lines[i, 0], strict=True)}
            priced[key].append(Priced(p, lines["total"], lines, over, _notes(p, res, i)))
        for key in sorted(operators, key=lambda k: (operators[k].casefold(), operators[k])):
            ranked = sorted(priced[key], key=lambda x: (x.price, x.out_of_bundle, x.plan.id))
            cheapest = ranked[0] if ranked else None
            rows.append(BasketRow(
                basket=basket, operator=operators[key], considered=counts[key], cheapest=cheapest,
                runner_up=ranked[1] if len(ranked) > 1 else None,
                in_bundle=next((x for x in ranked if not x.out_of_bundle), None),
                affordability=None if gni is None or cheapest is None else affordability(cheapest.price, gni),
            ))
    return BasketReport(day=day, baskets=tuple(baskets), rows=tuple(rows), excluded=tuple(excluded),
                        currency=currency, gni=gni, gni_source=gni_source)


__all__ = [
    "BUILTIN", "DEFAULT_BASKETS", "ITU_AFFORDABILITY_SOURCE", "ITU_SOURCE", "Basket", "BasketReport", "BasketRow",
    "Citation", "Priced", "affordability", "basket_usage", "builtin", "parse_baskets", "price_baskets",
]
