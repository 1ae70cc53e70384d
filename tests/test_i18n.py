"""The text table: both languages for every key, the same blanks, English counts of one."""

from __future__ import annotations

import re
import string

import pytest

from ui.i18n import TEXT, t

HAN = re.compile(r"[\u4e00-\u9fff]")


def _blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_each_text_has_both_languages_with_the_same_blanks(key: str) -> None:
    zh, en = TEXT[key]
    assert zh.strip() and en.strip()
    assert _blanks(zh) == _blanks(en)
    assert not HAN.search(en) or key in {"language"}, f"English of {key} holds Chinese: {en}"


def test_a_count_of_one_is_singular_in_english() -> None:
    assert t("summary", "en", rows=1, new=1, changed=0, unchanged=0, errors=1,
             warnings=0) == "1 row: 1 new, 0 changed, 0 unchanged; 1 error, 0 warnings"
    assert t("changes.summary", "en", up=21, down=1, prev="x").startswith("21 sites raised")
    assert t("age.days", "zh", n=1) == "1 天"


def test_tables_never_show_none_or_midnight_and_label_values_in_the_language() -> None:
    import pandas as pd

    from ui.tables import localise, record

    frame = pd.DataFrame({"township_code": ["A", "B"], "supervising_leader": ["王五", None],
                          "hazard_level": ["重大", "一般"],
                          "deadline": pd.to_datetime(["2026-01-02", "2026-03-04"])})
    shown = localise(frame, "en", names={"A": "城关镇"})
    assert list(shown.columns) == ["Township", "Supervising leader", "Level", "Deadline"]
    assert shown["Township"].tolist() == ["城关镇", "B"]
    assert shown["Supervising leader"].tolist() == ["王五", ""], "no None on screen"
    assert shown["Level"].tolist() == ["major", "ordinary"]
    one = record(frame.iloc[0], "zh", {"A": "城关镇"})
    assert list(one.columns) == ["项目", "内容"]
    assert "2026-01-02" in one["内容"].tolist() and "00:00:00" not in one.to_string()


def test_an_empty_priority_list_has_every_column_in_both_languages() -> None:
    from analytics.priority import PRIORITY_COLUMNS

    assert {"why", "why_en"} <= set(PRIORITY_COLUMNS)
