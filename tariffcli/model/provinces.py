"""China's provincial-level divisions, and where a plan applies.

A user names a province as they like: ``广东``, ``广东省``, ``Guangdong`` or
``guangdong``. Plan files name it in English or Chinese, sometimes with a city
(``Guangdong (Shenzhen)``, ``上海``). Both sides go through
:func:`canonical_province`, which returns the English name, so they compare
equal. A plan whose province is ``national`` (or ``unspecified``: the sources do
not limit it) applies everywhere.
"""

from __future__ import annotations

import re

# English name, Chinese name (without 省/市/自治区 suffix), other accepted spellings
_DIVISIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Beijing", "北京", ("peking",)),
    ("Tianjin", "天津", ()),
    ("Hebei", "河北", ()),
    ("Shanxi", "山西", ()),
    ("Inner Mongolia", "内蒙古", ("nei mongol", "neimenggu", "nei menggu")),
    ("Liaoning", "辽宁", ()),
    ("Jilin", "吉林", ()),
    ("Heilongjiang", "黑龙江", ()),
    ("Shanghai", "上海", ()),
    ("Jiangsu", "江苏", ()),
    ("Zhejiang", "浙江", ()),
    ("Anhui", "安徽", ()),
    ("Fujian", "福建", ()),
    ("Jiangxi", "江西", ()),
    ("Shandong", "山东", ()),
    ("Henan", "河南", ()),
    ("Hubei", "湖北", ()),
    ("Hunan", "湖南", ()),
    ("Guangdong", "广东", ("canton",)),
    ("Guangxi", "广西", ()),
    ("Hainan", "海南", ()),
    ("Chongqing", "重庆", ()),
    ("Sichuan", "四川", ()),
    ("Guizhou", "贵州", ()),
    ("Yunnan", "云南", ()),
    ("Tibet", "西藏", ("xizang",)),
    ("Shaanxi", "陕西", ("shaanxi province",)),
    ("Gansu", "甘肃", ()),
    ("Qinghai", "青海", ()),
    ("Ningxia", "宁夏", ()),
    ("Xinjiang", "新疆", ()),
)

NATIONWIDE = frozenset({"national", "nationwide", "unspecified", "全国", "全国通用", "全网", "集团"})
"""Province values that do not limit where a plan applies."""

_SUFFIX = r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区|province|municipality)$"
_NOT_A_PLACE_IN_IT = r"自治[州县旗]|^\s*[区县旗镇乡]$"
"""(Patterns compiled by :mod:`re` on first use: start-up time.)
After a province name, text that makes the whole a place of its own, maybe elsewhere: 海南藏族自治州 and
河南蒙古族自治县 are in Qinghai, 河北区 in Tianjin. Such names are not read as the province (None, not a guess)."""
_LOOKUP: dict[str, str] = {}
for _en, _zh, _other in _DIVISIONS:
    for _name in (_en.casefold(), _en.casefold().replace(" ", ""), _zh, *_other):
        _LOOKUP[_name] = _en

PROVINCES: tuple[str, ...] = tuple(en for en, _, _ in _DIVISIONS)
"""The English names, in the usual order (north to south, then west)."""
CHINESE_NAME: dict[str, str] = {en: zh for en, zh, _ in _DIVISIONS}
"""English name -> Chinese name."""


def canonical_province(text: str) -> str | None:
    """The English name of the province ``text`` names, or None when it names none.

    Accepts Chinese (with or without 省/市/自治区), English or pinyin in any case,
    and a city in brackets or after a space (``Guangdong (Shenzhen)``, ``广东深圳``). A province name
    followed by an autonomous prefecture or county (``海南藏族自治州``, in Qinghai) names none.
    """
    t = text.strip().casefold()
    if not t:
        return None
    head = re.split(r"[(（\[,，/]", t, maxsplit=1)[0].strip()
    for candidate in (head, re.sub(_SUFFIX, "", head).strip()):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    for zh_len in (3, 2):  # 广东深圳, 内蒙古呼和浩特: a Chinese province name followed by a city
        if head[:zh_len] in _LOOKUP:
            return None if re.search(_NOT_A_PLACE_IN_IT, head[zh_len:]) else _LOOKUP[head[:zh_len]]
    first = head.split(" ")[0]
    return _LOOKUP.get(first)


def is_nationwide(province: str) -> bool:
    """Whether a plan's ``province`` value does not limit where it applies."""
    return province.strip().casefold() in NATIONWIDE


def applies_in(province: str, wanted: str) -> bool:
    """Whether a plan whose province is ``province`` can be had in province ``wanted`` (a canonical name)."""
    return is_nationwide(province) or canonical_province(province) == wanted
