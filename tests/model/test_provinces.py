"""Province names as people write them, and where a plan applies."""

from __future__ import annotations

import pytest

from tariffcli.model.provinces import CHINESE_NAME, PROVINCES, applies_in, canonical_province, is_nationwide


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广东", "Guangdong"), ("广东省", "Guangdong"), ("Guangdong", "Guangdong"), ("guangdong", "Guangdong"),
        ("GUANGDONG", "Guangdong"), ("Guangdong (Shenzhen)", "Guangdong"), ("广东深圳", "Guangdong"),
        ("上海市", "Shanghai"), ("上海", "Shanghai"), ("shanghai", "Shanghai"), ("内蒙古自治区", "Inner Mongolia"),
        ("Inner Mongolia", "Inner Mongolia"), ("innermongolia", "Inner Mongolia"), ("广西壮族自治区", "Guangxi"),
        ("新疆维吾尔自治区", "Xinjiang"), ("Xizang", "Tibet"), ("河北", "Hebei"), ("Shaanxi", "Shaanxi"),
        ("Shanxi", "Shanxi"), ("江苏", "Jiangsu"),
    ],
)
def test_names_people_write_are_recognised(text, expected):
    assert canonical_province(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "national", "Atlantis", "广", "shen"])
def test_other_text_names_no_province(text):
    assert canonical_province(text) is None


@pytest.mark.parametrize("text", ["海南藏族自治州", "河南蒙古族自治县", "河北区", "海南区"])
def test_a_place_named_like_a_province_is_not_that_province(text):
    # 海南藏族自治州 and 河南蒙古族自治县 are in Qinghai, 河北区 in Tianjin, 海南区 in Inner Mongolia
    assert canonical_province(text) is None
    assert not applies_in(text, "Hainan") and not applies_in(text, "Henan") and not applies_in(text, "Hebei")


def test_every_division_round_trips_through_both_names():
    assert len(PROVINCES) == 31
    for en in PROVINCES:
        assert canonical_province(en) == en
        assert canonical_province(CHINESE_NAME[en]) == en


def test_where_a_plan_applies():
    assert is_nationwide("national") and is_nationwide("unspecified") and is_nationwide("全国")
    assert is_nationwide("全国通用") and applies_in("全国通用", "Qinghai")
    assert not is_nationwide("海南藏族自治州")
    assert applies_in("national", "Hebei")
    assert applies_in("Guangdong (Shenzhen)", "Guangdong")
    assert not applies_in("Shanghai", "Guangdong")
    assert not applies_in("上海", "Jiangsu")
    assert applies_in("上海", "Shanghai")
