"""Catalogue tools: filter plans, leave out those not on sale (the diff of two versions: :mod:`~tariffcli.compare.catalogue_diff`).

Pure functions over :class:`~tariffcli.model.plan.Plan` objects: nothing here opens a
file, reads the clock or prints. The day a catalogue is looked at comes in as
an argument, so "on sale" is reproducible.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tariffcli.model.errors import UsageError
from tariffcli.model.provinces import applies_in, canonical_province, is_nationwide

if TYPE_CHECKING:  # the filters also take plans' facts (model.plan_facts), so plans list never imports the model
    from tariffcli.compare.catalogue_diff import (
        CatalogueDiff,
        FieldChange,
        PlanChange,
        catalogue_key,
        diff_catalogues,
        diff_plans,
        plan_fields,
    )
    from tariffcli.model.plan import Plan

_DIFF = ("CatalogueDiff", "FieldChange", "PlanChange", "catalogue_key", "diff_catalogues", "diff_plans", "plan_fields")
"""Names of :mod:`tariffcli.compare.catalogue_diff`, still found here (imported on first use)."""


def __getattr__(name: str) -> Any:
    if name in _DIFF:
        from tariffcli.compare import catalogue_diff

        return getattr(catalogue_diff, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Selection:
    """Plans that pass the filters, and those left out because they are not on sale."""

    plans: tuple[Plan, ...]
    """Plans that match every filter, sorted by id."""
    not_on_sale: tuple[Plan, ...]
    """Plans that match the filters but are outside their validity window on the day asked about."""


def province_matches(plan: Plan, wanted: str) -> bool:
    """Whether ``plan`` can be had in province ``wanted`` (any spelling :func:`canonical_province` knows).

    ``Guangdong``, ``广东`` and ``guangdong`` all match a plan for ``Guangdong (Shenzhen)``
    or ``广东``; national plans match every province.
    """
    canonical = canonical_province(wanted)
    if canonical is None:
        return is_nationwide(plan.province)
    return applies_in(plan.province, canonical)


def filter_plans(
    plans: Iterable[Plan],
    *,
    operators: Sequence[str] = (),
    tags: Sequence[str] = (),
    provinces: Sequence[str] = (),
    max_fee: Decimal | None = None,
    on: date | None = None,
) -> Selection:
    """Plans matching any of ``operators`` (case-insensitive), all of ``tags``, any of ``provinces``
    (see :func:`province_matches`) and a standard monthly fee of at most ``max_fee``.

    With ``on``, plans not on sale that day (validity ``[valid_from, valid_to)``)
    are moved to :attr:`Selection.not_on_sale` instead of being dropped silently.
    """
    ops = {canonical_operator(o).casefold() for o in operators}
    chosen: list[Plan] = []
    off: list[Plan] = []
    for p in sorted(plans, key=lambda p: p.id):
        if ops and p.operator.casefold() not in ops:
            continue
        if any(t not in p.tags for t in tags):
            continue
        if provinces and not any(province_matches(p, w) for w in provinces):
            continue
        if max_fee is not None and p.monthly_fee > max_fee:
            continue
        if on is not None and not p.on_sale(on):
            off.append(p)
            continue
        chosen.append(p)
    return Selection(tuple(chosen), tuple(off))


# ---------------------------------------------------------------- filters checked (options that never silently do nothing)


OPERATOR_ALIASES: dict[str, tuple[str, ...]] = {
    "China Mobile": ("mobile", "cmcc", "移动", "中国移动", "chinamobile"),
    "China Unicom": ("unicom", "cucc", "联通", "中国联通", "chinaunicom"),
    "China Telecom": ("telecom", "ctcc", "电信", "中国电信", "chinatelecom"),
    "China Broadnet": ("broadnet", "cbn", "广电", "中国广电", "chinabroadnet"),
}
"""Other names of the operators, in English and Chinese, that ``--operator`` accepts (case-insensitive)."""


def canonical_operator(text: str) -> str:
    """The operator's name as plan files write it (``Unicom``, ``联通``, ``cucc`` -> ``China Unicom``).

    A name that is no alias is returned stripped, as given (catalogues may name other operators).
    """
    t = text.strip()
    folded = t.casefold().replace(" ", "")
    for name, aliases in OPERATOR_ALIASES.items():
        if folded == name.casefold().replace(" ", "") or folded in aliases:
            return name
    return t


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word.casefold(), sorted({c.casefold(): c for c in choices}), n=1, cutoff=0.6)
    if not close:
        return ""
    shown = {c.casefold(): c for c in choices}[close[0]]
    return f" (did you mean '{shown}'?)"


def _listed(items: Iterable[str], limit: int = 12) -> str:
    items = sorted(set(items))
    text = ", ".join(items[:limit])
    return text + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def check_operators(operators: Sequence[str], plans: Sequence[Plan]) -> tuple[str, ...]:
    """``--operator`` values as plan files name them; one that no plan of ``plans`` has is a usage error.

    Aliases (:data:`OPERATOR_ALIASES`) are accepted in both languages; an unknown name gets a suggestion.
    """
    known = {p.operator for p in plans}
    out = []
    for given in operators:
        name = canonical_operator(given)
        if name.casefold() in {k.casefold() for k in known}:
            out.append(name)
            continue
        if name in OPERATOR_ALIASES:
            raise UsageError(f"--operator {given}: no plan of {name} in the catalogue; "
                             f"operators in it: {_listed(known)}", field="operator")
        words = list(known) + [a for a in (w for ws in OPERATOR_ALIASES.values() for w in ws) if a.isascii()]
        raise UsageError(f"--operator: unknown operator {given!r}{_did_you_mean(name, words)}; "
                         f"operators in the catalogue: {_listed(known)} (also cmcc, unicom, 联通, 电信, ...)",
                         field="operator")
    return tuple(out)


def check_tags(tags: Sequence[str], plans: Sequence[Plan]) -> None:
    """A ``--tag`` that no plan of ``plans`` has is a usage error with a suggestion and the tags there are."""
    known = {t for p in plans for t in p.tags}
    for tag in tags:
        if tag not in known:
            raise UsageError(f"--tag: no plan in the catalogue has tag {tag!r}{_did_you_mean(tag, known)}; "
                             f"tags: {_listed(known, 30)}", field="tag")


KNOWN_CONDITIONS = ("student", "elderly", "new-customer", "local", "学生", "老年人", "新用户", "本地用户")
"""Conditions ``--eligible`` always accepts (and suggests), whether or not a plan of the catalogue asks for them."""


def eligibility_keys(plans: Sequence[Plan]) -> tuple[str, ...]:
    """Every condition key (:func:`~tariffcli.compare.ranking.condition_key`) of ``plans``, sorted."""
    from tariffcli.compare.ranking import condition_key

    return tuple(sorted({condition_key(c) for p in plans for c in p.eligibility}))


def check_eligible(tokens: Sequence[str], plans: Sequence[Plan]) -> tuple[str, ...]:
    """``--eligible`` conditions checked: each must name a condition of some plan, or a well-known one.

    An unknown condition is a usage error with a suggestion and the keys that exist
    (a typo such as ``stduent`` would otherwise leave every restricted plan out without a word).
    """
    from tariffcli.compare.ranking import unmet_conditions

    restricted = [p for p in plans if p.eligibility]
    keys = eligibility_keys(plans)
    for token in tokens:
        if token.strip().casefold() in KNOWN_CONDITIONS:
            continue
        if any(len(unmet_conditions(p, [token])) < len(p.eligibility) for p in restricted):
            continue
        choices = [*KNOWN_CONDITIONS[:4], *keys]
        raise UsageError(f"--eligible: no plan has the condition {token!r}{_did_you_mean(token, choices)}; "
                         f"conditions: {_listed(choices, 16)}", field="eligible")
    return tuple(tokens)


def require_some(chosen: Sequence[Plan], before: int, filters: Sequence[tuple[str, Sequence[str] | str | None]]) -> None:
    """A filter that leaves no plan is a usage error naming the filters given (never an empty table, exit 0).

    ``filters``: (option, value) pairs; those without a value are not named.
    """
    if chosen or not before:
        return
    named = []
    for option, value in filters:
        if value is None or value == () or value == []:
            continue
        values = [value] if isinstance(value, str) else list(value)
        named.append(" ".join(f"{option} {v}" for v in values))
    what = " ".join(named) or "the filters"
    raise UsageError(f"no plan matches {what} (of {before} in the catalogue); "
                     "see 'tariffcli plans list' for what there is", field=named[0].split()[0][2:] if named else None)


def select_checked(plans: Sequence[Plan], *, operators: Sequence[str] = (), tags: Sequence[str] = ()) -> tuple[Plan, ...]:
    """The plans of ``plans`` with any of ``operators`` and all of ``tags``, the options checked first.

    Unknown operators or tags, and filters that leave nothing, are usage errors (exit 2).
    """
    ops = check_operators(operators, plans)
    check_tags(tags, plans)
    folded = {o.casefold() for o in ops}
    chosen = tuple(p for p in plans if (not folded or p.operator.casefold() in folded)
                   and all(t in p.tags for t in tags))
    require_some(chosen, len(plans), [("--operator", tuple(ops)), ("--tag", tuple(tags))])
    return chosen


def filter_checked(
    plans: Sequence[Plan],
    *,
    operators: Sequence[str] = (),
    tags: Sequence[str] = (),
    provinces: Sequence[str] = (),
    max_fee: Decimal | None = None,
    on: date | None = None,
) -> Selection:
    """:func:`filter_plans` with the options checked: unknown operators or tags, or filters that match no
    plan at all (on sale or not), are usage errors naming the options."""
    check_operators(operators, plans)
    check_tags(tags, plans)
    selection = filter_plans(plans, operators=operators, tags=tags, provinces=provinces, max_fee=max_fee, on=on)
    require_some(selection.plans + selection.not_on_sale, len(plans), [
        ("--operator", tuple(canonical_operator(o) for o in operators)), ("--tag", tuple(tags)),
        ("--province", tuple(provinces)), ("--max-fee", None if max_fee is None else str(max_fee)),
    ])
    return selection


_LEFT_OUT_BY = {"not_on_sale": "--start (not on sale that month)", "other_province": "--province",
                "not_eligible": "--eligible", "suspended_line": "(suspended-line plans are never ranked)"}
"""What left a plan out of a ranking, as the option the user can change."""


def require_ranked(ranked: int, left_out: Sequence[tuple[Plan, str]],
                   filters: Sequence[tuple[str, Sequence[str] | str | None]] = ()) -> None:
    """A ranking with no plan in it is a usage error naming what left every plan out (never an empty table).

    ``left_out``: (plan, reason) pairs as :class:`~tariffcli.compare.results.Comparison` lists them;
    ``filters``: the catalogue filters given, named too.
    """
    if ranked or not left_out:
        return
    counts: dict[str, int] = {}
    for _, why in left_out:
        counts[why] = counts.get(why, 0) + 1
    reasons = "; ".join(f"{n} by {_LEFT_OUT_BY.get(why, why)}" for why, n in sorted(counts.items()))
    named = [f"{o} {v if isinstance(v, str) else ' '.join(v)}" for o, v in filters if v]
    of = f" of the {len(left_out)} plan(s) matching {' '.join(named)}" if named else f" of {len(left_out)}"
    fields = {"not_on_sale": "start", "other_province": "province", "not_eligible": "eligible"}
    raise UsageError(f"no plan left to rank: every one{of} is left out ({reasons})",
                     field=next((fields[w] for w in sorted(counts) if w in fields), None))


__all__ = [
    "KNOWN_CONDITIONS", "OPERATOR_ALIASES", "canonical_operator", "check_eligible", "check_operators", "check_tags",
    "eligibility_keys", "filter_checked", "require_ranked", "require_some", "select_checked",
    "CatalogueDiff", "FieldChange", "PlanChange", "Selection",
    "catalogue_key", "diff_catalogues", "diff_plans", "filter_plans", "plan_fields", "province_matches",
]
