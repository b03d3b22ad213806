"""The bundled catalogue is honest data: sourced, dated, with a status, and never recommends what is not sold."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from tariffcli.inputs.files import load_plans
from tariffcli.model.plan import Confidence, Status

ROOT = Path(__file__).resolve().parents[1]
PLAN_FILES = sorted(p for p in (ROOT / "plans").rglob("*.yaml") if "standard-rates" not in p.parts)
CATALOGUE = load_plans()
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def test_the_catalogue_is_worth_comparing():
    on_sale = [p for p in CATALOGUE if p.status is Status.ON_SALE]
    assert len(on_sale) >= 40
    assert {p.operator for p in on_sale} >= {"China Mobile", "China Unicom"}
    assert {p.operator for p in CATALOGUE} >= {"China Mobile", "China Telecom", "China Unicom"}


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_plan_file_states_its_status_and_sources(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc.get("status") in {s.value for s in Status}, "state the status explicitly"
    if doc["status"] == Status.HISTORICAL.value:
        assert doc.get("last_seen") or "No source is dated" in doc.get("notes", ""), (
            "a historical plan says when it was last seen on sale, or that no source is dated"
        )
    for source in doc["sources"]:
        assert URL.match(str(source["url"])), f"not an address anyone can open: {source['url']}"
        assert isinstance(source["retrieved"], date)
    text = path.read_text(encoding="utf-8")
    assert "/work/" not in text and "/home/" not in text and "C:\\" not in text, "a path on someone's machine"


def test_official_copies_carry_their_filing_number_or_say_the_card_has_none():
    for p in CATALOGUE:
        if p.confidence is Confidence.OFFICIAL_COPY:
            assert p.filing_number or "gives no 方案编号" in (p.notes or ""), p.id


def test_filing_numbers_are_unique():
    numbers = [p.filing_number for p in CATALOGUE if p.filing_number]
    assert len(numbers) == len(set(numbers))


def test_only_on_sale_plans_are_on_sale():
    day = date(2026, 12, 1)
    for p in CATALOGUE:
        if p.status is not Status.ON_SALE:
            assert not p.on_sale(day), p.id
