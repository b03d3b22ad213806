"""The plan model: immutable, validated plans and their field types.

Parsing YAML text into plans (with ``file:line`` for every problem) lives in
:mod:`tariffcli.inputs.catalogue`; this module knows nothing of files or YAML.
"""

# No "from __future__ import annotations": pydantic would evaluate every field's annotation from its text when
# the classes are made (a compile() each), which is a fifth of this module's import time.
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
)

from tariffcli.model import units
from tariffcli.model.limits import (
    INT64_SAFE,
    MAX_ADDONS,
    MAX_DATA_KB,
    MAX_ELIGIBILITY,
    MAX_PHASE_ADDONS,
    MAX_PHASES,
    MAX_PLAN_DATA_KB,
    MAX_ROAMING_CALLS,
    MAX_SOURCES,
    MAX_TAGS,
    MAX_TIERS,
    MAX_YEAR,
    MIN_YEAR,
)
from tariffcli.model.money import to_decimal, to_micro
from tariffcli.model.plan_facts import Confidence, Status, on_sale

# ---------------------------------------------------------------- field types


def _clip(value: object) -> str:
    """A value for a message, cut short when long."""
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "..."


def _money(value: object) -> Decimal:
    d = to_decimal(value)
    if not d.is_finite():
        raise ValueError("must be a finite amount")
    if d < 0:
        raise ValueError(f"must not be negative (got {d})")
    if d > Decimal("1000000"):  # before quantize, which cannot hold a huge amount (InvalidOperation)
        raise ValueError(f"{_clip(d)} is implausibly large for a monthly amount")
    if d != d.quantize(Decimal("0.01")):
        raise ValueError(f"{d} has more than two decimal places")
    return d


def _rate(value: object) -> Decimal:
    d = to_decimal(value)
    if not d.is_finite():
        raise ValueError("must be a finite rate")
    if d < 0:
        raise ValueError(f"must not be negative (got {d})")
    if d > Decimal("10000"):  # before quantize, which cannot hold a huge rate (InvalidOperation)
        raise ValueError(f"{_clip(d)} is implausibly large for a unit rate")
    if d != d.quantize(Decimal("0.000001")):
        raise ValueError(f"{d} has more than six decimal places")
    return d


def _percent(value: object) -> Decimal:
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    d = to_decimal(value)
    if not d.is_finite() or d < 0 or d > 100:
        raise ValueError(f"a discount is a percentage between 0 and 100 (got {value})")
    if d != d.quantize(Decimal("0.01")):
        raise ValueError("a discount has at most two decimal places")
    return d


"""The largest data volume a plan may give (1000 TB): far beyond any tariff, and exact in int64 arithmetic."""
MAX_MINUTES = 1_000_000
"""The largest voice allowance (minutes a month); a month has 44,640."""
MAX_COUNT = 1_000_000
"""The largest SMS allowance (messages a month)."""
_MAX_QUANTITY_TEXT = 40
"""A quantity written with more characters than this is refused before any arithmetic on it."""


def _quantity_text(value: object) -> None:
    """Refuse absurdly long quantities: converting a million-digit number takes many seconds."""
    if isinstance(value, str) and len(value.strip()) > _MAX_QUANTITY_TEXT:
        raise ValueError("too long to be a quantity")


def _data(value: object) -> int:
    _quantity_text(value)
    try:
        with localcontext() as ctx:
            ctx.prec = 100  # exact for any number of at most 40 characters times KB per unit
            kb = units.parse_data_kb(value)
    except units.UnitError as exc:
        raise ValueError(str(exc)) from None
    if kb > MAX_PLAN_DATA_KB:
        raise ValueError(f"{value!r} is implausibly large (at most 1000 TB)")
    return kb


def _whole(value: object, parse: Callable[[object], int], limit: int, what: str) -> int:
    """A whole quantity (minutes, messages) parsed by ``parse``, at most ``limit`` a month."""
    _quantity_text(value)
    if isinstance(value, Decimal):  # YAML read '30.0' as a number: judge it as written
        value = str(value)
    try:
        n = parse(value)
    except units.UnitError as exc:
        raise ValueError(str(exc)) from None
    if n > limit:
        raise ValueError(f"{value!r} is implausibly many {what} for a month (at most {limit:,})")
    return n


def _minutes(value: object) -> int:
    return _whole(value, units.parse_minutes, MAX_MINUTES, "minutes")


def _count(value: object) -> int:
    return _whole(value, units.parse_count, MAX_COUNT, "messages")


def _data_unit(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a data unit is one of KB, MB, GB")
    text = value.strip()
    if re.match(r"^1\s*[A-Za-z]+$", text):  # '1 MB' means the unit MB
        text = text[1:].strip()
    try:
        unit = units.data_unit(text)
    except units.UnitError as exc:
        raise ValueError(str(exc)) from None
    if unit == "TB":
        raise ValueError("use KB, MB or GB here")
    return unit


def _year_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is not between {MIN_YEAR} and {MAX_YEAR}")
    return value


def unlimited_word(value: object) -> object:
    if units.is_unlimited(value):
        return "unlimited"
    return value


_NUMBER_OR_TEXT: dict[str, Any] = {"anyOf": [{"type": "number"}, {"type": "string"}]}

Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema({**_NUMBER_OR_TEXT, "description": "amount in the plan's currency, at most 2 decimals"}),
]
Rate = Annotated[
    Decimal,
    BeforeValidator(_rate),
    WithJsonSchema({**_NUMBER_OR_TEXT, "description": "price per unit, at most 6 decimals"}),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    WithJsonSchema({**_NUMBER_OR_TEXT, "description": "percentage off, e.g. 50 or '50%'"}),
]
DataQty = Annotated[
    int,
    BeforeValidator(_data),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB)\s*$",
            "description": "data volume with its unit: '100 MB', '1 GB' (1 GB = 1024 MB)",
        }
    ),
]
Minutes = Annotated[
    int,
    BeforeValidator(_minutes),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\s*[0-9]+\s*min\s*$"}],
            "description": "voice minutes: '30 min' or a whole number",
        }
    ),
]
Count = Annotated[
    int,
    BeforeValidator(_count),
    WithJsonSchema({"type": "integer", "minimum": 0, "description": "number of messages"}),
]
DataUnit = Annotated[
    str,
    BeforeValidator(_data_unit),
    WithJsonSchema({"enum": ["KB", "MB", "GB"], "description": "data unit"}),
]
Day = Annotated[date, AfterValidator(_year_in_range)]
Unlimited = Literal["unlimited"]
UNLIMITED: Unlimited = "unlimited"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


# ---------------------------------------------------------------- the model


SUSPENSION_TAG = "suspension"
"""Plans with this tag keep a number on a suspended line (停机保号): no calls, SMS or data,
so they are never ranked against usage (compare, baskets) but listed as left out."""


class FirstMonth(StrEnum):
    """How the month the plan starts in is charged."""

    FULL = "full"
    """Full fee and full allowances (全月)."""
    HALF = "half"
    """Half fee, half allowances and half minimum spend (半月)."""
    STANDARD = "standard"
    """No fee or allowance: usage at out-of-bundle rates (the plan applies from next month, 次月生效)."""


class Source(_Frozen):
    """Where the figures come from."""

    url: str = Field(description="address of the page the figures were read from")
    retrieved: Day = Field(description="date the figures were read (YYYY-MM-DD)")
    tag: Literal["A", "A-", "B", "B-", "C"] | None = Field(
        default=None, description="reliability: A operator/regulator, B press, C secondary/user page"
    )
    note: str | None = Field(default=None, description="what this source says, or how it disagrees")


class Allowances(_Frozen):
    """What a month's fee includes (套餐内)."""

    voice: Minutes | Unlimited = Field(default=0, description="domestic outgoing minutes")
    sms: Count | Unlimited = Field(default=0, description="domestic SMS")
    data: DataQty | Unlimited = Field(default=0, description="general data (通用流量)")
    app_data: DataQty | Unlimited | None = Field(
        default=None,
        description="app-specific data (定向流量) as its own bucket; absent: app data counts as general data",
    )


class Tier(_Frozen):
    """One tier of out-of-bundle data: a rate up to a volume over the allowance."""

    up_to: DataQty | None = Field(default=None, description="upper bound of the tier (over-allowance volume); last tier: omit")
    rate: Rate = Field(description="price per `per`")
    per: DataUnit = Field(default="MB", description="unit the rate is quoted per")


class Ramp(_Frozen):
    """Ramp to a block: `rate` per `per` until `block_price` is reached, which then covers the rest of `block`."""

    rate: Rate
    per: DataUnit = "MB"
    block: DataQty = Field(description="volume a full block covers, e.g. '1 GB'")
    block_price: Money = Field(description="price of a full block, e.g. 3.00")


class DataRate(_Frozen):
    """Out-of-bundle data (套餐外流量): exactly one of `rate`, `tiers`, `ramp`."""

    rate: Rate | None = Field(default=None, description="price per `per`")
    per: DataUnit = Field(default="MB", description="unit the rate is quoted per")
    increment: DataUnit = Field(default="KB", description="billing increment: each started unit is billed")
    tiers: tuple[Tier, ...] | None = Field(default=None, max_length=MAX_TIERS)
    ramp: Ramp | None = None
    period: Literal["month", "day"] = Field(
        default="month", description="ramp/tier counting period; 'day' for daily-rate (日租) cards"
    )
    cap: Money | None = Field(default=None, description="most that out-of-bundle data can cost in a month")
    volume_cap: DataQty | None = Field(
        default=None, description="out-of-bundle volume after which data is stopped until next month"
    )
    throttle_after: DataQty | None = Field(
        default=None, description="total monthly data after which speed is limited (no charge; noted)"
    )


class VoiceRate(_Frozen):
    """Out-of-bundle domestic calls, per started minute (不足1分钟按1分钟)."""

    rate: Rate = Field(description="price per minute")
    cap: Money | None = None


class SmsRate(_Frozen):
    """Out-of-bundle domestic SMS, per message."""

    rate: Rate = Field(description="price per message")


class Overage(_Frozen):
    """Out-of-bundle rates (套餐外资费)."""

    voice: VoiceRate
    sms: SmsRate
    data: DataRate


class Addon(_Frozen):
    """A pack (叠加包) that can be added to the plan, or is bundled by a promotion."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    fee: Money = Field(description="monthly fee of the pack")
    allowances: Allowances = Field(default_factory=Allowances)
    optional: bool = Field(
        default=False, description="the user may order the pack on its own (compare --with-addons considers it)"
    )
    max_count: int = Field(default=1, ge=1, le=10, description="how many of this pack may be held in one month")
    note: str | None = None


class RoamingCall(_Frozen):
    """Calls abroad to or from one group of destinations, per minute."""

    zone: str = Field(description="the destinations, as the source groups them")
    rate: Rate = Field(description="price per minute of a call made or received abroad")


class Roaming(_Frozen):
    """What a user abroad pays (international roaming, 国际漫游); often only historical figures exist."""

    sms_received: Rate | None = Field(default=None, description="price of an SMS received abroad (0: free); absent: unknown")
    calls: tuple[RoamingCall, ...] = Field(default=(), max_length=MAX_ROAMING_CALLS, description="per-minute rates of calls abroad, by destination")
    as_of: str | None = Field(
        default=None, pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
        description="when the figures applied, YYYY[-MM[-DD]]; set it when they are historical",
    )
    sources: tuple[Source, ...] = Field(
        min_length=1, max_length=MAX_SOURCES, description="where the roaming figures come from"
    )
    note: str | None = None


class Rounding(_Frozen):
    """Where usage is rounded up to the billing unit before allowances and rates apply.

    Defaults follow Chinese practice: each call is billed in started minutes
    (不足1分钟按1分钟, per call); data is billed per started KB of each session
    (the per-KB rating of each session record on an itemized bill, 按KB计费).
    """

    data: Literal["session", "month"] = Field(
        default="session",
        description="session: each data session rounded up to a KB, then summed; "
        "month: the month's exact total rounded up once",
    )
    calls: Literal["call", "month"] = Field(
        default="call",
        description="call: each call rounded up to the billing increment (a started minute); "
        "month: the month's exact call time rounded up once",
    )


class Phase(_Frozen):
    """A promotion phase, months counted from the plan's first month (month 1)."""

    from_month: int = Field(ge=1, le=600, description="first month of the phase (1 = the plan's first month)")
    to_month: int = Field(ge=1, le=600, description="last month of the phase, inclusive")
    fee: Money | None = Field(default=None, description="monthly fee during the phase (instead of the standard fee)")
    discount: Percent | None = Field(default=None, description="percentage off the monthly fee")
    extra: Allowances = Field(default_factory=Allowances, description="allowance added during the phase")
    credit: Money | None = Field(default=None, description="monthly credit, e.g. a pre-deposit returned (预存返还)")
    addons: tuple[str, ...] = Field(
        default=(), max_length=MAX_PHASE_ADDONS, description="ids of this plan's add-ons bundled during the phase"
    )
    note: str | None = None


class Commitment(_Frozen):
    """A minimum term (合约期)."""

    months: int = Field(ge=1, le=120)
    exit_fee: Money | None = None
    note: str | None = None


class Plan(_Frozen):
    """A published mobile plan, with where its figures come from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="unique catalogue id")
    name: str = Field(description="plan name as the operator writes it")
    name_en: str | None = Field(default=None, description="an English gloss of the name")
    operator: str
    province: str = Field(description="province (and city) the figures apply to, or 'national'")
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    monthly_fee: Money
    first_month: FirstMonth = FirstMonth.FULL
    allowances: Allowances = Field(default_factory=Allowances)
    overage: Overage
    minimum_spend: Money = Field(default=Decimal("0"), description="monthly minimum spend (最低消费)")
    one_off_fee: Money = Field(
        default=Decimal("0"), description="charged once, in the plan's first month (e.g. a request or SIM fee)"
    )
    promotions: tuple[Phase, ...] = Field(default=(), max_length=MAX_PHASES)
    addons: tuple[Addon, ...] = Field(default=(), max_length=MAX_ADDONS)
    commitment: Commitment | None = None
    eligibility: tuple[str, ...] = Field(default=(), max_length=MAX_ELIGIBILITY, description="who may take the plan, e.g. student, elderly")
    tags: tuple[str, ...] = Field(default=(), max_length=MAX_TAGS, description="e.g. keep-number, 5g")
    confidence: Confidence
    sources: tuple[Source, ...] = Field(min_length=1, max_length=MAX_SOURCES)
    status: Status = Field(
        default=Status.ON_SALE,
        description="on-sale, withdrawn (停售) or historical (sale status unknown today); "
        "only on-sale plans are ever recommended",
    )
    filing_number: str | None = Field(
        default=None, pattern=r"^[0-9]{2}[A-Z]{2}[0-9A-Z]{3,12}$",
        description="the operator's filing number (方案编号) from its tariff zone, e.g. 25JT205410",
    )
    last_seen: Day | None = Field(
        default=None, description="for a historical plan: the last date a source shows it on sale"
    )
    valid_from: Day | None = Field(default=None, description="first day on sale (inclusive; 上线日期)")
    valid_to: Day | None = Field(default=None, description="first day no longer on sale (exclusive; 下线日期)")
    apply: str | None = Field(default=None, description="how to order the plan")
    roaming: Roaming | None = Field(default=None, description="what a user abroad pays, where the sources say")
    rounding: Rounding = Field(
        default_factory=Rounding,
        description="where usage is rounded: data per session or on the month's total, calls per call or per month",
    )
    notes: str | None = None

    _origin: str | None = PrivateAttr(default=None)

    @property
    def origin(self) -> str | None:
        """The file the plan was loaded from."""
        return self._origin

    @property
    def checked(self) -> date:
        """How fresh the figures are: the oldest date any of the plan's sources was read (or captured),
        so every figure of the plan is at least this fresh."""
        return min(s.retrieved for s in self.sources)

    def on_sale(self, day: date) -> bool:
        """Whether the plan can be ordered on ``day``: status on-sale and ``day`` in ``[valid_from, valid_to)``."""
        return on_sale(self.status, self.valid_from, self.valid_to, day)

    def addon(self, addon_id: str) -> Addon:
        for a in self.addons:
            if a.id == addon_id:
                return a
        raise KeyError(addon_id)


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema of a plan file, generated from the model."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tariffcli.example/schema/plan.json"
    return schema


def data_denominator(plan: Plan) -> int:
    """KB per the coarsest unit any of the plan's data rates is quoted in.

    Data numerators for the plan are micro-units x KB / this: each rate per
    ``per`` KB becomes ``rate * (den // per)``, exact because units nest by 1024.
    """
    d = plan.overage.data
    pers = [units.KB_PER[d.per]]
    if d.ramp is not None:
        pers.append(units.KB_PER[d.ramp.per])
    pers += [units.KB_PER[t.per] for t in d.tiers or ()]
    return max(pers)


def plan_limits_problem(plan: Plan) -> str | None:
    """Why the plan's data charges could overflow exact int64 arithmetic, or None."""
    d = plan.overage.data
    den = data_denominator(plan)
    rates = [(d.rate, d.per)] if d.rate is not None else []
    rates += [(t.rate, t.per) for t in d.tiers or ()]
    if d.ramp is not None:
        rates.append((d.ramp.rate, d.ramp.per))
        price = to_micro(d.ramp.block_price) * den
        if price * (MAX_DATA_KB // d.ramp.block + 1) >= INT64_SAFE:
            return "the ramp's block is too small for its price to be billed exactly"
    for rate, per in rates:
        if to_micro(rate) * (den // units.KB_PER[per]) * MAX_DATA_KB >= INT64_SAFE:
            return f"the data rate {rate} per {per} is too large to be billed exactly"
    return None
