"""The switching guide: steps to change to the recommended plan, and the rules a user may cite.

The rules are published Chinese regulations as summarised in the project's
reference notes (``tariff-facts.md``, "Rules"), each with its source address,
the reliability tag of that source (A operator/regulator, B press, C other)
and the date it took effect. They are short summaries, not legal advice:
the guide says so and gives the source of each.

Steps and rules are data (codes and parameters); the renderers write them in
English or Chinese.
"""

from __future__ import annotations

from tariffcli.compare.result_parts import Guide, Rule, Step
from tariffcli.compare.results import Comparison
from tariffcli.model.plan import Confidence

RULES: tuple[Rule, ...] = (
    Rule(
        id="plan-choice-2006",
        in_force="2007-01-01",
        title={"en": "信部清〔2006〕630号 (2006)", "zh": "信部清〔2006〕630号（2006年）"},
        text={
            "en": "Users may choose any of their operator's plans without changing their number.",
            "zh": "用户可在不换号的情况下选择本运营商的任何资费套餐。",
        },
        url="https://www.gov.cn/zwgk/2006-10/17/content_415448.htm",
        tag="A",
        applies="same_operator",
    ),
    Rule(
        id="miit-tariff-marketing-2018",
        in_force="2018-08-23",
        title={"en": "MIIT notice on tariff marketing (2018-08-23)", "zh": "工信部关于规范电信资费营销行为的通知（2018-08-23）"},
        text={
            "en": "Unless a contract says otherwise, operators may not force or restrict users choosing or "
                  "changing any plan on sale; every plan is published in a full list, with all its elements.",
            "zh": "除合同另有约定外，运营商不得强制或限制用户选择、变更任何在售资费方案；资费方案须完整公示全部要素。",
        },
        url="https://commsupdate.com/articles/2018/08/29/miit-introduces-customer-friendly-tariff-rules",
        tag="B",
        applies="always",
    ),
    Rule(
        id="number-portability-2019",
        in_force="2019-12-01",
        title={"en": "Number portability, 工信部信管〔2019〕242号", "zh": "携号转网，工信部信管〔2019〕242号"},
        text={
            "en": "You may take your number to another operator if the line is registered under your real name, "
                  "all fees are settled, no commitment is unexpired and it has been on the network for at least "
                  "120 days; a promotion without a lock-in may not be treated as one.",
            "zh": "实名登记、费用结清、无未到期合约、在网满120天即可携号转网；没有约定在网期限的优惠不得视为合约。",
        },
        url="https://news.fjsen.com/2019-11/11/content_30051976.htm",
        tag="B",
        applies="other_operator",
    ),
    Rule(
        id="mingbai-fangxin-2025",
        in_force="2025-04-30",
        title={"en": "\u201c明白办、放心用\u201d (2025-04-30)", "zh": "“明白办、放心用”（2025-04-30）"},
        text={
            "en": "Every plan on sale is published in the operator's app and website tariff section; orders are "
                  "confirmed by SMS reply, code or signature; overuse and auto-renewal alerts on request.",
            "zh": "所有在售套餐须在运营商 App 和网站资费专区公示；订购须经短信回复、验证码或签字确认；可按需开通超量及自动续订提醒。",
        },
        url="https://slrbs.com/news/guonei/2025-05-01/1664424.html",
        tag="A-",
        applies="always",
    ),
    Rule(
        id="bill-sms-2018",
        in_force="2018-08",
        title={"en": "Monthly bill SMS (from August 2018)", "zh": "月度账单短信（2018年8月起）"},
        text={
            "en": "Operators send a monthly bill by SMS: check the first bill on the new plan against this comparison.",
            "zh": "运营商每月以短信发送账单：请用新套餐的第一份账单核对本比较结果。",
        },
        url="https://m.frey365.com/c/2018-07-12/2110224.shtml",
        tag="B",
        applies="always",
    ),
)
"""Rules a user may cite, from the project's reference notes."""

DISCLAIMER = {
    "en": "Summaries of published rules, not legal advice; read the source before you rely on one.",
    "zh": "以上为已公布规定的摘要，并非法律意见；引用前请阅读原文。",
}


def switching_guide(cmp: Comparison) -> Guide:
    """The guide for the first-ranked plan of ``cmp`` (against its current plan, if any)."""
    top = cmp.rows[0]
    plan = top.plan
    current = cmp.current.plan if cmp.current is not None else None
    steps: list[Step] = []
    if current is not None and current.id == plan.id:
        steps.append(Step("stay", {"id": plan.id}))
    if plan.eligibility:
        steps.append(Step("conditions", {"conditions": list(plan.eligibility)}))
    if plan.confidence is not Confidence.VERIFIED:
        src = plan.sources[0]
        steps.append(Step("check_figures", {
            "confidence": plan.confidence.value, "url": src.url, "retrieved": src.retrieved.isoformat(),
            "tag": src.tag,
        }))
    steps.append(Step("order", {"operator": plan.operator, "name": plan.name, "apply": plan.apply}))
    if top.packs:
        steps.append(Step("order_packs", {"packs": [(a.name, k, int(a.fee * 100)) for a, k in top.packs]}))
    steps.append(Step("next_month", {"start": cmp.start}))
    other_operator = current is not None and current.operator != plan.operator
    if current is not None and current.commitment is not None:
        steps.append(Step("commitment", {
            "months": current.commitment.months,
            "exit_fee": None if current.commitment.exit_fee is None else int(current.commitment.exit_fee * 100),
        }))
    if other_operator or current is None:
        steps.append(Step("port", {"operator": plan.operator, "known": current is not None}))
    steps.append(Step("refused", {}))
    steps.append(Step("confirm", {}))
    if current is None:
        wanted = {"always", "same_operator", "other_operator"}
    elif other_operator:
        wanted = {"always", "other_operator"}
    else:
        wanted = {"always", "same_operator"}
    rules = tuple(r for r in RULES if r.applies in wanted)
    return Guide(plan.id, tuple(steps), rules)


__all__ = ["DISCLAIMER", "RULES", "Guide", "Rule", "Step", "switching_guide"]
