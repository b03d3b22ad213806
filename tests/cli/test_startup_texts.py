"""The text tables, imported one by one as texts are looked up (start-up time), give what the merged tables give."""

from __future__ import annotations

import subprocess
import sys

import tariffcli.texts as texts


def test_every_label_reads_as_in_the_merged_table() -> None:
    for key, by_lang in texts.LABELS.items():
        assert texts._label_texts(key) is by_lang


def test_tables_merge_without_a_key_twice() -> None:
    merged = texts._merge(*(texts._table(m, "LABELS") for m in texts._LABEL_TABLES))
    assert list(merged) == list(texts.LABELS)
    notes = texts._merge(*(texts._table(m, "NOTES") for m in texts._NOTE_TABLES))
    assert list(notes) == list(texts.NOTES)
    assert set(texts._LOOKUP_ORDER) == set(texts._LABEL_TABLES)


def test_names_of_the_tables_are_given() -> None:
    from tariffcli.texts import ANALYZE_MONEY, WHO_EN, WHO_ZH, analyze_text
    from tariffcli.texts.analyze import ANALYZE_MONEY as money
    from tariffcli.texts.compare import WHO_EN as who_en

    assert ANALYZE_MONEY is money and WHO_EN is who_en and WHO_ZH and callable(analyze_text)
    assert texts.compare.LABELS is texts._table("compare", "LABELS")


def test_plan_list_labels_import_only_the_common_table() -> None:
    code = ("import sys; from tariffcli.texts import label; label('plans_title', 'en', n=3); "
            "print(sorted(m for m in sys.modules if m.startswith('tariffcli.texts.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['tariffcli.texts.common']"
