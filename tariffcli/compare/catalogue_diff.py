"""Diff two catalogue versions: plans added, removed and changed, field by field (``tariffcli plans diff``).

Kept apart from :mod:`tariffcli.compare.catalogue_filter` (which still gives these names), so that ``compare``
does not make the diff's classes. Pure functions over :class:`~tariffcli.model.plan.Plan` objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tariffcli.model.units import format_kb

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.model.plan import Plan


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs between two versions of a plan."""

    field: str
    """Dotted path, e.g. ``monthly_fee`` or ``overage.data.rate`` or ``sources.0.retrieved``."""
    old: str | None
    """The old value as text (None: the field was not set)."""
    new: str | None
    """The new value as text (None: the field is no longer set)."""


@dataclass(frozen=True)
class PlanChange:
    """A plan present in both catalogues whose content changed."""

    old: Plan
    new: Plan
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class CatalogueDiff:
    """What changed between catalogue A (old) and catalogue B (new), matched by plan id."""

    added: tuple[Plan, ...]
    removed: tuple[Plan, ...]
    changed: tuple[PlanChange, ...]
    unchanged: int
    """Number of plans identical in both."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


_DATA_KEYS = {"data", "app_data", "block", "up_to", "volume_cap", "throttle_after"}


def _text(value: Any, key: str) -> str:
    """A dumped value as it would be written in a plan file ('1 GB', '30 min', '8.00')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and key in _DATA_KEYS:
        return format_kb(value) if value else "0 MB"
    if isinstance(value, int) and key == "voice":
        return f"{value} min"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v, key) for v in value) + "]"
    return str(value)


def _flatten(node: Any, prefix: str = "", key: str = "") -> dict[str, tuple[Any, str]]:
    """Dotted paths to ``(value, key)`` leaves; lists of scalars stay one value, lists of mappings are indexed."""
    out: dict[str, tuple[Any, str]] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k), str(k)))
    elif isinstance(node, (list, tuple)) and any(isinstance(v, dict) for v in node):
        for i, v in enumerate(node):
            out.update(_flatten(v, f"{prefix}.{i}", key))
    else:
        out[prefix] = (tuple(node) if isinstance(node, list) else node, key)
    return out


def plan_fields(plan: Plan) -> dict[str, str]:
    """Every set field of a plan as ``dotted.path -> text`` (quantities with their units)."""
    return {path: _text(value, key) for path, (value, key) in _leaves(plan).items()}


def _leaves(plan: Plan) -> dict[str, tuple[Any, str]]:
    return _flatten(plan.model_dump(mode="python", exclude_none=True))


def diff_plans(old: Plan, new: Plan) -> tuple[FieldChange, ...]:
    """Field-level differences between two versions of a plan, in a stable order.

    Values are compared, not their spelling: ``8`` and ``8.00`` are the same fee.
    """
    a, b = _leaves(old), _leaves(new)
    from tariffcli.model.plan import Plan

    top = list(Plan.model_fields)
    where = {path: i for i, path in enumerate(a)} | {path: i for i, path in enumerate(b)}

    def order(path: str) -> tuple[int, int]:  # the plan file's order: top-level key, then as dumped
        head = path.split(".")[0]
        return (top.index(head) if head in top else len(top), where[path])

    changes = []
    for path in sorted(set(a) | set(b), key=order):
        va, vb = a.get(path), b.get(path)
        if va is None or vb is None or va[0] != vb[0]:
            changes.append(FieldChange(
                path, None if va is None else _text(*va), None if vb is None else _text(*vb),
            ))
    return tuple(changes)


def catalogue_key(plan: Plan) -> str:
    """What identifies a tariff across catalogue versions: its filing number (方案编号), else its id."""
    return f"filing:{plan.filing_number}" if plan.filing_number else f"id:{plan.id}"


def diff_catalogues(old: Iterable[Plan], new: Iterable[Plan]) -> CatalogueDiff:
    """Plans added, removed (withdrawn, or no longer listed) and changed from ``old`` to ``new``.

    Plans are matched by filing number where they have one (so a renamed file or id is still the same
    tariff), else by id.
    """
    a = {catalogue_key(p): p for p in old}
    b = {catalogue_key(p): p for p in new}
    changed: list[PlanChange] = []
    same = 0
    for pid in sorted(set(a) & set(b)):
        fields = diff_plans(a[pid], b[pid])
        if fields:
            changed.append(PlanChange(a[pid], b[pid], fields))
        else:
            same += 1
    return CatalogueDiff(
        added=tuple(sorted((b[i] for i in set(b) - set(a)), key=lambda p: p.id)),
        removed=tuple(sorted((a[i] for i in set(a) - set(b)), key=lambda p: p.id)),
        changed=tuple(changed),
        unchanged=same,
    )
