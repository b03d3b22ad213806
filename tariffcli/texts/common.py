"""What every text table shares: the languages, the locale default, signed amounts, and the labels
that several outputs use (citations, the plan list's left-out line, the catalogue diff).
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")

Table = dict[str, dict[str, str]]
"""A text table: key -> language -> format string."""


def default_lang(env: dict[str, str] | None = None) -> str:
    """'zh' when the locale says Chinese (LC_ALL, LC_MESSAGES, LANG), else 'en'."""
    env = dict(os.environ) if env is None else env
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class SignedFen:
    """A fen amount formatted as a decimal, with a sign for '{delta:+}'."""

    def __init__(self, fen: int) -> None:
        self.fen = fen

    def __format__(self, spec: str) -> str:
        from tariffcli.model.money import format_fen

        text = format_fen(self.fen)
        if "+" in spec and self.fen >= 0:
            return "+" + text
        return text


LABELS: Table = {
    "left_out": {"en": "{n} plan(s) left out: {items}", "zh": "已排除 {n} 个套餐：{items}"},
    "reason_not_on_sale": {"en": "not on sale on {day}", "zh": "{day} 不在售"},
    "list_left_out": {"en": "{n} plans not on sale on {day} (withdrawn, historical or not yet sold) left out; "
                            "--all lists them",
                      "zh": "{n} 个套餐在 {day} 不在售（已停售、旧套餐或尚未上线），已排除；加 --all 可列出"},
    "reason_suspended_line": {"en": "a suspended line carries no usage", "zh": "停机保号线路无法使用"},
    "reason_other_province": {"en": "not sold in {province}", "zh": "{province}不可办理"},
    "sources": {"en": "Sources", "zh": "来源"},
    "retrieved": {"en": "retrieved {date}", "zh": "检索于 {date}"},
    "source_tag": {"en": "tag {tag}", "zh": "可信度 {tag}"},
    "confidence_example": {"en": "example figures", "zh": "示例资费"},
    "confidence_official-copy": {"en": "copied from the operator's tariff card", "zh": "运营商资费公示副本"},
    "confidence_reported": {"en": "reported figures", "zh": "媒体报道资费"},
    "confidence_verified": {"en": "verified figures", "zh": "已核实资费"},
    "diff_summary": {"en": "{added} added, {removed} removed, {changed} changed, {unchanged} unchanged",
                     "zh": "新增 {added} 个，删除 {removed} 个，变更 {changed} 个，未变 {unchanged} 个"},
    "diff_none": {"en": "(none)", "zh": "（无）"},
    "list_comma": {"en": ", ", "zh": "，"},
    "n_more": {"en": ", … ({n} more)", "zh": "，……（另有 {n} 个）"},
    # the plan list, one plan in full, the catalogue diff
    "plans_title": {"en": "{n} plans", "zh": "{n} 个套餐"},
    "col_plan": {"en": "plan", "zh": "套餐"},
    "col_fee": {"en": "fee", "zh": "月费"},
    "col_min": {"en": "min", "zh": "分钟"},
    "col_data": {"en": "data", "zh": "流量"},
    "col_status": {"en": "status", "zh": "状态"},
    "col_checked": {"en": "checked", "zh": "核对于"},
    "col_id": {"en": "id", "zh": "编号"},
    "col_operator": {"en": "operator", "zh": "运营商"},
    "col_name": {"en": "name", "zh": "名称"},
    "col_province": {"en": "province", "zh": "省份"},
    "col_monthly_fee": {"en": "monthly_fee", "zh": "月费"},
    "col_voice": {"en": "voice", "zh": "通话"},
    "col_sms": {"en": "sms", "zh": "短信"},
    "col_tags": {"en": "tags", "zh": "标签"},
    "col_filing_number": {"en": "filing_number", "zh": "方案编号"},
    "col_confidence": {"en": "confidence", "zh": "可信度"},
    "col_retrieved": {"en": "retrieved", "zh": "检索日期"},
    "col_change": {"en": "change", "zh": "变更"},
    "col_field": {"en": "field", "zh": "字段"},
    "col_old": {"en": "old", "zh": "旧值"},
    "col_new": {"en": "new", "zh": "新值"},
    "change_added": {"en": "added", "zh": "新增"},
    "change_removed": {"en": "removed", "zh": "删除"},
    "change_changed": {"en": "changed", "zh": "变更"},
    "status_on-sale": {"en": "on sale", "zh": "在售"},
    "status_withdrawn": {"en": "withdrawn", "zh": "已停售"},
    "status_historical": {"en": "historical", "zh": "旧套餐"},
    "unlimited": {"en": "unlimited", "zh": "不限"},
    "show_file": {"en": "# file: {file}", "zh": "# 文件：{file}"},
    "show_status": {"en": "# status: {status}{filing} · figures checked {checked} · confidence {confidence}",
                    "zh": "# 状态：{status}{filing} · 资费核对于 {checked} · 可信度：{confidence}"},
    "show_last_seen": {"en": ", last seen on sale {date}", "zh": "，最后见于在售 {date}"},
    "show_filing": {"en": " · filing number {n}", "zh": " · 方案编号 {n}"},
    # the batch summary
    "batch_title": {"en": "{n} subscribers, {plans} plans over {h} months from {start} ({currency}; kernel: {kernel})",
                    "zh": "{n} 位用户，{plans} 个套餐，自 {start} 起 {h} 个月（{currency}；计算内核：{kernel}）"},
    "batch_title_history": {"en": "{n} subscribers, {plans} plans over each subscriber's own months ({currency}; kernel: {kernel})",
                            "zh": "{n} 位用户，{plans} 个套餐，按每位用户自己的月份计（{currency}；计算内核：{kernel}）"},
    "batch_current_plan": {"en": "Current plan", "zh": "当前套餐"},
    "batch_subscribers": {"en": "Subscribers", "zh": "用户数"},
    "batch_would_save": {"en": "Would save", "zh": "可节省人数"},
    "batch_median_saving": {"en": "Median saving", "zh": "节省中位数"},
    "batch_total_saving": {"en": "Total saving", "zh": "节省总额"},
    "batch_all": {"en": "all", "zh": "全部"},
}


OPERATOR_ZH = {"China Mobile": "中国移动", "China Telecom": "中国电信", "China Unicom": "中国联通",
               "China Broadnet": "中国广电"}
"""The operators' own Chinese names."""

PROVINCE_ZH = {
    "Beijing": "北京", "Tianjin": "天津", "Hebei": "河北", "Shanxi": "山西", "Inner Mongolia": "内蒙古",
    "Liaoning": "辽宁", "Jilin": "吉林", "Heilongjiang": "黑龙江", "Shanghai": "上海", "Jiangsu": "江苏",
    "Zhejiang": "浙江", "Anhui": "安徽", "Fujian": "福建", "Jiangxi": "江西", "Shandong": "山东", "Henan": "河南",
    "Hubei": "湖北", "Hunan": "湖南", "Guangdong": "广东", "Guangxi": "广西", "Hainan": "海南", "Chongqing": "重庆",
    "Sichuan": "四川", "Guizhou": "贵州", "Yunnan": "云南", "Tibet": "西藏", "Shaanxi": "陕西", "Gansu": "甘肃",
    "Qinghai": "青海", "Ningxia": "宁夏", "Xinjiang": "新疆",
    # cities plan files name in brackets
    "Shenzhen": "深圳", "Guangzhou": "广州", "Hangzhou": "杭州", "Chengdu": "成都", "Wuhan": "武汉",
    "Nanjing": "南京", "Suzhou": "苏州", "Xiamen": "厦门", "Qingdao": "青岛", "Dalian": "大连", "Ningbo": "宁波",
    "national": "全国", "nationwide": "全国", "unspecified": "全国",
}
"""Province (and a few city) names as plan files write them in English, in Chinese."""


def operator_name(name: str, lang: str) -> str:
    """'China Mobile' as the user reads it: '中国移动' in Chinese; any other name as written."""
    return OPERATOR_ZH.get(name, name) if lang == "zh" else name


def province_name(text: str, lang: str) -> str:
    """'Guangdong (Shenzhen)' as the user reads it: '广东（深圳）' in Chinese; names not known stay as written."""
    import re

    if lang != "zh":
        return text
    m = re.fullmatch(r"\s*([^()]+?)\s*\(([^()]+)\)\s*", text)
    if m:
        return f"{PROVINCE_ZH.get(m.group(1), m.group(1))}（{PROVINCE_ZH.get(m.group(2), m.group(2))}）"
    return PROVINCE_ZH.get(text.strip(), text)
