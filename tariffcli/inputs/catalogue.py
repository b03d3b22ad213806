"""Plan files -> validated plans: the catalogue loader.

Nothing here opens a file: callers pass ``(source, text)`` pairs (see
:mod:`tariffcli.inputs.files` for the file side). Every problem found in a plan
is collected and reported with ``file:line``; unknown keys come with a
suggestion when they are a near miss of a real one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tariffcli.model import units
from tariffcli.model.errors import DataError, Problem
from tariffcli.model.limits import (
    MAX_ADDONS,
    MAX_ELIGIBILITY,
    MAX_OVERLAPS_SHOWN,
    MAX_PHASE_ADDONS,
    MAX_PHASES,
    MAX_ROAMING_CALLS,
    MAX_SOURCES,
    MAX_TAGS,
    MAX_TIERS,
)
from tariffcli.model.plan import Phase, Plan, plan_limits_problem, unlimited_word

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.inputs.yaml_located import Located

_LIST_LIMITS: tuple[tuple[tuple[str, ...], int, str], ...] = (
    (("promotions",), MAX_PHASES, "promotion phases"),
    (("promotions", "*", "addons"), MAX_PHASE_ADDONS, "add-ons in one phase"),
    (("addons",), MAX_ADDONS, "add-ons"),
    (("overage", "data", "tiers"), MAX_TIERS, "data tiers"),
    (("eligibility",), MAX_ELIGIBILITY, "eligibility entries"),
    (("tags",), MAX_TAGS, "tags"),
    (("sources",), MAX_SOURCES, "sources"),
    (("roaming", "calls"), MAX_ROAMING_CALLS, "roaming call zones"),
    (("roaming", "sources"), MAX_SOURCES, "roaming sources"),
)
"""The lists of a plan file and how many items each may hold (:mod:`tariffcli.model.limits`)."""


def normalise(data: Any) -> Any:
    """Pre-pass on raw YAML: 'unlimited' words, allowance values."""
    if isinstance(data, dict):
        return {k: normalise(unlimited_word(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [normalise(v) for v in data]
    return data


def _lists_at(data: Any, path: tuple[str, ...], at: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], list[Any]]]:
    """The lists found at ``path`` in raw YAML data (``*`` walks every item of a list)."""
    if not path:
        return [(at, data)] if isinstance(data, list) else []
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(data, list):
            return []
        return [hit for i, item in enumerate(data) for hit in _lists_at(item, rest, at + (i,))]
    if not isinstance(data, dict) or head not in data:
        return []
    return _lists_at(data[head], rest, at + (head,))


def list_limit_problems(data: Any, located: Located, source: str) -> list[Problem]:
    """Lists longer than their limit in a plan's raw data: checked before the plan is validated or checked."""
    problems = []
    for path, limit, what in _LIST_LIMITS:
        for at, items in _lists_at(data, path):
            if len(items) > limit:
                problems.append(Problem(
                    f"{len(items):,} items: a plan may have at most {limit:,} {what}",
                    file=source, line=located.line_of(at), field=".".join(map(str, at)), code="too_many",
                ))
    return problems


def overlapping_phases(phases: tuple[Phase, ...]) -> list[tuple[int, int]]:
    """(later, earlier) indexes of phases that overlap, at most one pair per phase, in O(n log n).

    Phases are swept in order of their first month, each compared with the one reaching furthest so far;
    a phase that ends before it starts is left out (it is reported on its own).
    """
    pairs: list[tuple[int, int]] = []
    reach: int | None = None  # the phase seen so far that reaches furthest
    for i in sorted(range(len(phases)), key=lambda k: (phases[k].from_month, k)):
        ph = phases[i]
        if ph.to_month < ph.from_month:
            continue
        if reach is not None and ph.from_month <= phases[reach].to_month:
            pairs.append((max(i, reach), min(i, reach)))
        if reach is None or ph.to_month > phases[reach].to_month:
            reach = i
    return sorted(pairs)


def check_plan(plan: Plan, located: Located, source: str) -> list[Problem]:
    """Rules that span several fields; each problem points at its line."""
    problems: list[Problem] = []

    def add(path: tuple[str | int, ...], msg: str, code: str = "invalid_value") -> None:
        problems.append(
            Problem(msg, file=source, line=located.line_of(path), field=".".join(map(str, path)), code=code)
        )

    d = plan.overage.data
    shapes = [n for n in ("rate", "tiers", "ramp") if getattr(d, n) is not None]
    if len(shapes) != 1:
        add(("overage", "data"), "give exactly one of 'rate', 'tiers' or 'ramp' for out-of-bundle data")
    if d.tiers is not None:
        if not d.tiers:
            add(("overage", "data", "tiers"), "tiers must not be empty")
        for i, t in enumerate(d.tiers):
            last = i == len(d.tiers) - 1
            if (t.up_to is None) != last:
                add(("overage", "data", "tiers", i), "every tier but the last needs 'up_to'; the last has none")
            if i and t.up_to is not None and d.tiers[i - 1].up_to is not None and t.up_to <= d.tiers[i - 1].up_to:  # type: ignore[operator]
                add(("overage", "data", "tiers", i, "up_to"), "tiers must rise")
    if d.ramp is not None and d.ramp.block % units.KB_PER[d.increment]:
        add(("overage", "data", "ramp", "block"), "the block must be a whole number of billing increments")
    limit = plan_limits_problem(plan) if len(shapes) == 1 else None
    if limit:
        add(("overage", "data"), limit, "out_of_range")
    if plan.valid_from and plan.valid_to and plan.valid_to <= plan.valid_from:
        add(("valid_to",), "valid_to must be after valid_from")
    ids: set[str] = set()
    for i, a in enumerate(plan.addons):
        if a.id in ids:
            add(("addons", i, "id"), f"add-on id '{a.id}' is used twice")
        ids.add(a.id)
    for i, ph in enumerate(plan.promotions):
        if ph.to_month < ph.from_month:
            add(("promotions", i, "to_month"), "to_month must not be before from_month")
        if ph.fee is not None and ph.discount is not None:
            add(("promotions", i), "give either 'fee' or 'discount' for a phase, not both")
        for j, aid in enumerate(ph.addons):
            if aid not in ids:
                add(("promotions", i, "addons", j), f"no add-on '{aid}' in this plan's 'addons'")
    pairs = overlapping_phases(plan.promotions)
    for i, k in pairs[:MAX_OVERLAPS_SHOWN]:
        lo, hi = plan.promotions[k].from_month, plan.promotions[k].to_month
        add(("promotions", i), f"phase overlaps phase {k + 1} (months {lo}-{hi})", "overlap")
    if len(pairs) > MAX_OVERLAPS_SHOWN:
        add(("promotions",), f"... and {len(pairs) - MAX_OVERLAPS_SHOWN:,} more phases overlap another one", "overlap")
    return problems


@lru_cache(maxsize=4096)
def parse_plan(text: str, source: str) -> Plan:
    """Parse and validate one plan from YAML ``text``; ``source`` names it in errors.

    Plans are immutable, so a text already parsed under the same name is not parsed again
    (a process that compares many times, a notebook or the test suite, reads the catalogue once).
    The YAML reader and the validation messages are imported here, on first use: a catalogue
    read from the cache (:mod:`tariffcli.inputs.catalogue_cache`) needs neither.
    """
    from pydantic import ValidationError

    from tariffcli.inputs.validation import capped, validation_problems
    from tariffcli.inputs.yaml_located import load_yaml

    located = load_yaml(text, source)
    if not isinstance(located.data, dict):
        raise DataError(Problem("a plan file must be a mapping of keys to values", file=source, line=1))
    too_many = list_limit_problems(located.data, located, source)
    if too_many:
        raise DataError(too_many)
    data = normalise(located.data)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise DataError(capped(validation_problems(exc, located, source, Plan), source)) from None
    problems = check_plan(plan, located, source)
    if problems:
        from tariffcli.inputs.validation import capped

        raise DataError(capped(problems, source))
    plan._origin = source
    return plan


def load_catalogue(files: Iterable[tuple[str, str]],
                   parse: Callable[[str, str], Plan] | None = None) -> tuple[Plan, ...]:
    """Parse many plan files ``(source, text)``; collect every problem, then raise once.

    Plans come back sorted by id, so the result does not depend on file order. ``parse(text, source)``
    (default :func:`parse_plan`) turns one file into a plan or raises :class:`DataError`; the file side
    passes one that answers from the catalogue cache first.
    """
    parse = parse or parse_plan
    plans: list[Plan] = []
    problems: list[Problem] = []
    for source, text in files:
        try:
            plans.append(parse(text, source))
        except DataError as exc:
            problems.extend(exc.problems)
    by_id: dict[str, Plan] = {}
    for p in sorted(plans, key=lambda p: (p.id, p.origin or "")):
        if p.id in by_id:
            problems.append(
                Problem(
                    f"plan id '{p.id}' is also used by {by_id[p.id].origin}",
                    file=p.origin, line=1, field="id", code="duplicate_id",
                )
            )
        else:
            by_id[p.id] = p
    if problems:
        raise DataError(problems)
    return tuple(by_id.values())
