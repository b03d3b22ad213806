"""Renderers for the catalogue: the plan list (tariffcli plans list), one plan in full (tariffcli plans show),
what changed between two catalogues (tariffcli plans diff) and the report of tariffcli plans import.

File text is shown through :mod:`tariffcli.render.common`'s guards (control characters escaped, Markdown escaped);
JSON keeps it raw."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tariffcli.model.provinces import is_nationwide
from tariffcli.model.sanitise import escape_controls
from tariffcli.model.units import format_kb
from tariffcli.render.common import JSON_VERSION, md_escape, safe_cell, shown, shown_text, source_dicts
from tariffcli.texts import label, operator_name, province_name

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import RenderableType

    from tariffcli.compare.catalogue_filter import CatalogueDiff
    from tariffcli.inputs.cards import ImportReport
    from tariffcli.model.plan import Plan


_PLAN_COLUMNS = ("id", "operator", "name", "province", "monthly_fee", "voice", "sms", "data", "tags", "status",
                 "filing_number", "confidence", "checked", "retrieved")


def _allowance_text(value: object, kind: str, lang: str = "en") -> str:
    if value == "unlimited":
        return label("unlimited", lang)
    if value is None:
        return ""
    if kind == "data":
        return format_kb(int(value))  # type: ignore[call-overload]
    return str(value)


def plan_summary(p: Plan, lang: str = "en") -> dict[str, str]:
    """The one-line facts of a plan, as text (``unlimited`` in ``lang``)."""
    a = p.allowances
    return {
        "id": p.id,
        "operator": p.operator,
        "name": p.name,
        "province": p.province,
        "monthly_fee": f"{p.monthly_fee:.2f}",
        "voice": _allowance_text(a.voice, "voice", lang),
        "sms": _allowance_text(a.sms, "sms", lang),
        "data": _allowance_text(a.data, "data", lang),
        "tags": ", ".join(p.tags),
        "status": p.status.value,
        "filing_number": p.filing_number or "",
        "confidence": p.confidence.value,
        "checked": p.checked.isoformat(),
        "retrieved": p.checked.isoformat(),
    }


def plans_table(plans: tuple[Plan, ...], lang: str = "en") -> RenderableType:
    """The plan list for a terminal, laid out at its width (:class:`tariffcli.render.layout.PlanTable`): name, fee,
    minutes, data, status and month checked on one line, then operator, id and province (never split) under it.
    The rest is in --format json/csv."""
    from tariffcli.render.layout import Block, PlanTable

    rows = []
    for p in plans:
        r = plan_summary(p, lang)
        where = f" · {province_name(p.province, lang)}" if not is_nationwide(p.province) else ""
        rows.append(Block("", shown(r["name"]), (r["monthly_fee"], r["voice"], r["data"],
                                                   label(f"status_{p.status.value}", lang), r["checked"][:7]),
                          (f"{shown(operator_name(r['operator'], lang))} · {r['id']}{shown(where)}",)))
    headers = ("", label("col_plan", lang), *(label(f"col_{c}", lang) for c in ("fee", "min", "data", "status",
                                                                                  "checked")))
    return PlanTable(label("plans_title", lang, n=len(plans)), headers, tuple(rows), spaced=False)


def plans_text(plans: tuple[Plan, ...], fmt: str, lang: str = "en") -> str:
    """The plan list as json, csv or markdown (JSON and CSV keep their English keys; Markdown is for people)."""
    rows = [plan_summary(p) for p in plans]
    if fmt == "json":
        doc = {"version": JSON_VERSION, "plans": [
            {**r, "tags": list(p.tags), "sources": source_dicts(p.sources)} for r, p in zip(rows, plans, strict=True)
        ]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(_PLAN_COLUMNS)
        for r in rows:
            w.writerow([safe_cell(r[c]) for c in _PLAN_COLUMNS])
        return shown_text(out.getvalue())
    lines = ["| " + " | ".join(label(f"col_{c}", lang) for c in _PLAN_COLUMNS) + " |",
             "|" + "|".join("---" for _ in _PLAN_COLUMNS) + "|"]
    people = [plan_summary(p, lang) | {"operator": operator_name(p.operator, lang), "status": label(
        f"status_{p.status.value}", lang), "province": province_name(p.province, lang),
        "confidence": label(f"confidence_{p.confidence.value}", lang)} for p in plans]
    lines += ["| " + " | ".join(md_escape(r[c]) for c in _PLAN_COLUMNS) + " |" for r in people]
    return shown_text("\n".join(lines) + "\n")


_DATA_KEYS = {"data", "app_data", "block", "up_to", "volume_cap", "throttle_after"}


def with_units(node: Any, key: str = "") -> Any:
    """A dumped plan with its quantities written back with units ('1 GB', '30 min')."""
    if isinstance(node, dict):
        return {k: with_units(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [with_units(v, key) for v in node]
    if isinstance(node, int) and not isinstance(node, bool):
        if key in _DATA_KEYS:
            return format_kb(node) if node else "0 MB"
        if key == "voice":
            return f"{node} min"
    return node


def show_plan(p: Plan, *, json_format: bool = False, lang: str = "en") -> str:
    """A plan in full: its validated content (JSON) or a readable summary with sources."""
    if json_format:
        doc = {"version": JSON_VERSION, "file": p.origin, "plan": p.model_dump(mode="json", exclude_none=True)}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    body = _yaml_text(with_units(p.model_dump(mode="json", exclude_none=True, exclude_defaults=True)))
    status = label(f"status_{p.status.value}", lang) + (label("show_last_seen", lang, date=p.last_seen)
                                                         if p.last_seen else "")
    filing = label("show_filing", lang, n=p.filing_number) if p.filing_number else ""
    head = label("show_status", lang, status=status, filing=filing, checked=p.checked,
                 confidence=label(f"confidence_word_{p.confidence.value}", lang))
    return shown_text(f"# {shown(p.name)} ({p.id})\n{label('show_file', lang, file=shown(str(p.origin)))}\n"
                      f"{head}\n{body}")


def _yaml_text(doc: Any) -> str:
    """``doc`` as YAML for reading; a string holding a control or bidi character is written double-quoted, so the
    escapes (``\\e``, ``\\u202e``) are YAML's own and the text still reads back as the same string."""
    import yaml

    class ShowDumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = '"' if escape_controls(value, keep="\n") != value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    ShowDumper.add_representer(str, text)
    return yaml.dump(doc, Dumper=ShowDumper, allow_unicode=True, sort_keys=False, width=100)


def import_report(report: ImportReport, fmt: str, *, folder: str, written: bool) -> str:
    """What ``plans import`` did: plan files written (or that would be, with ``--dry-run``), cards skipped and why."""
    plans = [{"id": f.plan_id, "path": f"{folder}/{f.path}", "kind": f.kind.value, "name": f.card.name,
              "filing_number": f.card.filing_number} for f in report.plans]
    skipped = [{"name": s.card.name, "filing_number": s.card.filing_number, "kind": s.kind.value,
                "reason": s.reason, "file": s.card.source, "line": s.card.line} for s in report.skipped]
    if fmt == "json":
        doc = {"version": JSON_VERSION, "written": written, "folder": folder, "kinds": dict(report.kinds),
               "plans": plans, "skipped": skipped}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    verb = "wrote" if written else "would write"
    lines = [report.summary(), ""]
    lines += [f"{verb} {shown(str(p['path']))}  {shown(str(p['name']))}" + (f" ({p['filing_number']})" if p["filing_number"] else "")
              for p in plans]
    if skipped:
        lines += ["", f"skipped {len(skipped)}:"]
        lines += [f"  {shown(str(s['file']))}:{s['line']}: {shown(str(s['name']))}"
                  + (f" ({shown(str(s['filing_number']))})" if s["filing_number"] else "") + f": [{s['kind']}] "
                  + shown(str(s["reason"])) for s in skipped]
    return shown_text("\n".join(lines) + "\n")


def diff_text(d: CatalogueDiff, fmt: str, lang: str = "en") -> str:
    """A catalogue diff as text, json, csv or markdown (one line per added, removed or changed field)."""
    rows: list[tuple[str, str, str, str, str]] = []  # change, id, field, old, new
    rows += [("added", p.id, "", "", f"{p.name} ({operator_name(p.operator, lang)}, {p.monthly_fee})")
             for p in d.added]
    rows += [("removed", p.id, "", f"{p.name} ({operator_name(p.operator, lang)}, {p.monthly_fee})", "")
             for p in d.removed]
    for c in d.changed:
        rows += [("changed", c.new.id, f.field, f.old or "", f.new or "") for f in c.fields]
    if fmt == "json":
        doc = {
            "version": JSON_VERSION,
            "added": [{"id": p.id, "name": p.name, "operator": p.operator, "file": p.origin} for p in d.added],
            "removed": [{"id": p.id, "name": p.name, "operator": p.operator, "file": p.origin} for p in d.removed],
            "changed": [{"id": c.new.id, "name": c.new.name, "operator": c.new.operator,
                         "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields]}
                        for c in d.changed],
            "unchanged": d.unchanged,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["change", "id", "field", "old", "new"])
        w.writerows([[safe_cell(c) for c in r] for r in rows])
        return shown_text(out.getvalue())
    summary = label("diff_summary", lang, added=len(d.added), removed=len(d.removed), changed=len(d.changed),
                    unchanged=d.unchanged)
    none = label("diff_none", lang)
    if fmt == "markdown":
        heads = " | ".join(label(f"col_{c}", lang) for c in ("change", "id", "field", "old", "new"))
        lines = [f"**{summary}**", "", f"| {heads} |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(md_escape(c) for c in (label(f"change_{r[0]}", lang), *r[1:])) + " |"
                  for r in rows]
        return shown_text("\n".join(lines) + "\n")
    lines = [summary]
    for p in d.added:
        lines.append(f"+ {p.id}: {shown(p.name)} ({shown(operator_name(p.operator, lang))}, {p.monthly_fee})")
    for p in d.removed:
        lines.append(f"- {p.id}: {shown(p.name)} ({shown(operator_name(p.operator, lang))}, {p.monthly_fee})")
    for c in d.changed:
        lines.append(f"~ {c.new.id}: {shown(c.new.name)}")
        lines += [f"    {shown(f.field)}: {none if f.old is None else shown(f.old)} -> {none if f.new is None else shown(f.new)}"
                  for f in c.fields]
    return shown_text("\n".join(lines) + "\n")
