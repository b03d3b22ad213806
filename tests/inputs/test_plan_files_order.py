"""The plan files under a folder come in the order of their paths (``sorted`` of the Paths), whatever their names."""

from __future__ import annotations

from pathlib import Path

from tariffcli.inputs.files import plan_files_under

NAMES = ["a/b.yaml", "a-b.yaml", "a.yaml", "a/c/d.yml", "B.yaml", "a b.yaml", "z/.yaml", "z/x..yaml", "z/y.YAML",
         "é.yaml", "a0/x.yaml", "ab.yml", "a/b/c.yaml", "a.b/x.yaml", "standard-rates/x.yaml", "a/standard-rates/y.yaml",
         "notes.txt", "a/.hidden.yml"]


def test_plan_files_sort_as_their_paths(tmp_path: Path) -> None:
    for rel in NAMES:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")
                      and "standard-rates" not in p.parts)
    assert plan_files_under(tmp_path, 100) == expected
    assert len(expected) == len(NAMES) - 5
