"""The catalogue's plans as :class:`~tariffcli.model.plan_facts.PlanFacts`, straight from the catalogue
cache's facts file (:mod:`tariffcli.inputs.catalogue_facts`): what ``tariffcli plans list`` needs, read
without the YAML reader, the plan model or pydantic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tariffcli.inputs.catalogue_facts import cache_file, entry_key, read_facts
from tariffcli.inputs.files import catalogue_dir, plan_files
from tariffcli.model.errors import DataError, UsageError
from tariffcli.model.plan_facts import PlanFacts


def load_plan_facts(paths: Sequence[Path] | None = None) -> tuple[PlanFacts, ...] | None:
    """The facts of the plans :func:`load_plans` would give (:class:`~tariffcli.model.plan_facts.PlanFacts`,
    same order), from the catalogue cache's facts file without parsing or importing the plan model; None when
    that cannot answer (cache off or cold, a file changed, added or unreadable, two plans with one id):
    then :func:`load_plans` reads the plans and reports any problem."""
    inputs = list(paths) if paths else [catalogue_dir()]
    base = cache_file(inputs)
    rows = None if base is None else read_facts(base)
    if rows is None:
        return None
    try:
        files, problems = plan_files(inputs)
        facts = [PlanFacts.from_row(rows[entry_key(source, text)]) for source, text in files]
    except (OSError, DataError, UsageError, KeyError, ValueError, TypeError, ArithmeticError):
        return None
    if problems or len({f.id for f in facts}) != len(facts):
        return None
    return tuple(sorted(facts, key=lambda f: (f.id, f.origin or "")))
