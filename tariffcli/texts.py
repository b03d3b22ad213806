"""Output labels and note texts in English and Chinese.

Plan names are never translated: they stay as the operator writes them.
"""

from __future__ import annotations

import os
from typing import Any

from tariffcli.model.money import format_fen

LANGS = ("en", "zh")

LABELS: dict[str, dict[str, str]] = {
    "rank": {"en": "#", "zh": "排名"},
    "operator": {"en": "Operator", "zh": "运营商"},
    "plan": {"en": "Plan", "zh": "套餐"},
    "plan_id": {"en": "Plan id", "zh": "套餐编号"},
    "total": {"en": "Total", "zh": "合计"},
    "per_month": {"en": "Per month", "zh": "月均"},
    "after_promotions": {"en": "After promos", "zh": "优惠后月费"},
    "saving": {"en": "Saving", "zh": "节省"},
    "notes": {"en": "Notes", "zh": "备注"},
    "current": {"en": "current plan", "zh": "当前套餐"},
    "title": {"en": "{n} plans over {h} months from {start} ({currency})",
              "zh": "{n} 个套餐，自 {start} 起 {h} 个月（{currency}）"},
    "usage": {"en": "Usage per month (projected from {a}..{b}): {voice} min, {sms} SMS, {data} data",
              "zh": "每月用量（根据 {a}..{b} 推算）：通话 {voice} 分钟，短信 {sms} 条，流量 {data}"},
    "excluded_not_on_sale": {"en": "{n} plan(s) not on sale in {start} left out: {ids}",
                             "zh": "{n} 个套餐在 {start} 不在售，已排除：{ids}"},
    "excluded_suspended_line": {"en": "{n} suspended-line plan(s) (停机保号: no calls, SMS or data) left out: {ids}",
                                "zh": "{n} 个停机保号套餐（不能通话、短信、上网）已排除：{ids}"},
    "no_plans": {"en": "No plan matches.", "zh": "没有符合条件的套餐。"},
    "saving_footer": {"en": "Saving: against the current plan {id} over the same months (positive = cheaper).",
                      "zh": "节省：与当前套餐 {id} 同期相比（正数表示更便宜）。"},
}

NOTES: dict[str, dict[str, str]] = {
    "promotion_ends": {"en": "promotion ends after month {month} ({calendar}): {delta:+}/month",
                       "zh": "优惠于第 {month} 个月（{calendar}）后结束：每月 {delta:+}"},
    "promotion_runs_past_horizon": {"en": "promotion lasts to month {month} ({calendar}), then {delta:+}/month",
                                    "zh": "优惠持续到第 {month} 个月（{calendar}），之后每月 {delta:+}"},
    "over_data": {"en": "over data allowance in {months} of {of} months", "zh": "流量超出套餐：{months}/{of} 个月"},
    "over_voice": {"en": "over voice allowance in {months} of {of} months", "zh": "通话超出套餐：{months}/{of} 个月"},
    "over_sms": {"en": "over SMS allowance in {months} of {of} months", "zh": "短信超出套餐：{months}/{of} 个月"},
    "topup": {"en": "minimum-spend top-up in {months} months ({amount} in all)",
              "zh": "{months} 个月需补足最低消费（共 {amount}）"},
    "data_stopped": {"en": "usage not covered: data stopped at the cap in {months} of {of} months",
                     "zh": "用量无法满足：{of} 个月中有 {months} 个月流量达到封顶后停用"},
    "data_capped": {"en": "data charge capped in {months} months", "zh": "{months} 个月流量费达到封顶"},
    "throttled": {"en": "speed limited in {months} months", "zh": "{months} 个月达到限速阈值"},
    "one_off": {"en": "one-off fee {amount} in month 1", "zh": "首月一次性费用 {amount}"},
    "daily_estimated": {"en": "daily charges estimated from monthly totals", "zh": "日租费用按月用量平均估算"},
    "first_month_half": {"en": "first month at half fee and half allowance", "zh": "首月半月费、半月量"},
    "first_month_standard": {"en": "first month at out-of-bundle rates", "zh": "首月按标准资费计费"},
    "eligibility": {"en": "{who} only", "zh": "仅限{who}"},
    "condition": {"en": "condition: {who}", "zh": "条件：{who}"},
    "commitment": {"en": "{months}-month commitment", "zh": "合约期 {months} 个月"},
    "commitment_fee": {"en": "{months}-month commitment, exit fee {exit_fee}",
                       "zh": "合约期 {months} 个月，违约金 {exit_fee}"},
    "example_figures": {"en": "example figures: source unverified", "zh": "示例资费：来源未经核实"},
    "reported_figures": {"en": "figures from press reports, not the operator's page",
                         "zh": "资费来自新闻报道，非运营商官方页面"},
}

WHO_ZH = {"student": "学生", "students": "学生", "elderly": "老年人", "new-customer": "新用户",
          "new-customers": "新用户", "local": "本地用户"}
WHO_EN = {"student": "students", "students": "students", "elderly": "elderly users", "new-customer": "new customers",
          "new-customers": "new customers", "local": "local residents"}


def default_lang(env: dict[str, str] | None = None) -> str:
    """'zh' when the locale says Chinese (LC_ALL, LC_MESSAGES, LANG), else 'en'."""
    env = dict(os.environ) if env is None else env
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def label(key: str, lang: str, **params: Any) -> str:
    return LABELS[key][lang].format(**params)


class _Signed:
    """A fen amount formatted with a sign for '{delta:+}'."""

    def __init__(self, fen: int) -> None:
        self.fen = fen

    def __format__(self, spec: str) -> str:
        text = format_fen(self.fen)
        if "+" in spec and self.fen >= 0:
            return "+" + text
        return text


def note_text(code: str, params: dict[str, Any], lang: str) -> str:
    """Render a note in ``lang``; money parameters are fen and shown as decimals."""
    p = dict(params)
    if code == "commitment" and p.get("exit_fee") is not None:
        code = "commitment_fee"
    for k in ("delta", "amount", "exit_fee"):
        if k in p and p[k] is not None:
            p[k] = _Signed(int(p[k])) if k == "delta" else format_fen(int(p[k]))
    if code == "eligibility":
        who = str(p["who"])
        if who not in WHO_EN and who not in WHO_ZH:
            code = "condition"
        p["who"] = WHO_ZH.get(who, who) if lang == "zh" else WHO_EN.get(who, who)
    return NOTES[code][lang].format(**p)


# ---------------------------------------------------------------- journalists' toolkit (baskets, citations, charts)

LABELS.update({
    "basket": {"en": "Basket", "zh": "用量篮子"},
    "basket_usage": {"en": "Usage", "zh": "用量"},
    "cheapest": {"en": "Cheapest plan", "zh": "最便宜套餐"},
    "price": {"en": "Price/month", "zh": "月费用"},
    "runner_up": {"en": "Runner-up", "zh": "次便宜套餐"},
    "runner_up_price": {"en": "Runner-up price", "zh": "次便宜月费用"},
    "out_of_bundle": {"en": "Out-of-bundle use", "zh": "套餐外用量"},
    "affordability": {"en": "% of monthly GNI p.c.", "zh": "占人均月 GNI"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "oob_cheaper": {"en": "yes: cheaper than {plan} ({price}), whose bundle covers it",
                    "zh": "是：比套餐内即可满足的 {plan}（{price}）便宜"},
    "no_cover": {"en": "no plan covers this basket", "zh": "没有套餐能满足此用量"},
    "baskets_title": {"en": "Cheapest plan per operator for each basket ({currency} a month; plans on sale on {day})",
                      "zh": "各运营商满足每个用量篮子的最便宜套餐（{currency}/月；{day} 在售套餐）"},
    "baskets_method": {
        "en": "Price: one month's bill for the basket on the plan's standard terms (promotions excluded, as ITU "
              "rules require), counting out-of-bundle use where that makes a plan cheaper; a 30-day month; "
              "each started minute of a call is billed.",
        "zh": "价格：按套餐标准资费（按 ITU 规则不计优惠）计算该用量一个月的账单，套餐外用量更便宜时计入；"
              "按 30 天计；通话不足 1 分钟按 1 分钟计。"},
    "baskets_gni": {"en": "Affordability: price / (GNI per capita {gni} {currency} / 12).",
                    "zh": "可负担性：价格 ÷（人均 GNI {gni} {currency} ÷ 12）。"},
    "baskets_gni_source": {"en": "GNI per capita: {source}", "zh": "人均 GNI 来源：{source}"},
    "left_out": {"en": "{n} plan(s) left out: {items}", "zh": "已排除 {n} 个套餐：{items}"},
    "reason_not_on_sale": {"en": "not on sale on {day}", "zh": "{day} 不在售"},
    "reason_suspended_line": {"en": "a suspended line carries no usage", "zh": "停机保号线路无法使用"},
    "sources": {"en": "Sources", "zh": "来源"},
    "retrieved": {"en": "retrieved {date}", "zh": "检索于 {date}"},
    "source_tag": {"en": "tag {tag}", "zh": "可信度 {tag}"},
    "confidence_example": {"en": "example figures", "zh": "示例资费"},
    "confidence_reported": {"en": "reported figures", "zh": "媒体报道资费"},
    "confidence_verified": {"en": "verified figures", "zh": "已核实资费"},
    "vol_voice": {"en": "{n} min", "zh": "通话 {n} 分钟"},
    "vol_calls": {"en": "{calls} calls ({n} min billed)", "zh": "通话 {calls} 次（计费 {n} 分钟）"},
    "vol_sms": {"en": "{n} SMS", "zh": "短信 {n} 条"},
    "vol_data": {"en": "{v} data", "zh": "流量 {v}"},
    "vol_app_data": {"en": "{v} app data", "zh": "定向流量 {v}"},
    "basket_list_title": {"en": "Built-in baskets", "zh": "内置用量篮子"},
    "experimental": {"en": "experimental", "zh": "试验性"},
    "each_currency": {"en": "each plan's currency", "zh": "各套餐币种"},
    "diff_summary": {"en": "{added} added, {removed} removed, {changed} changed, {unchanged} unchanged",
                     "zh": "新增 {added} 个，删除 {removed} 个，变更 {changed} 个，未变 {unchanged} 个"},
    "diff_none": {"en": "(none)", "zh": "（无）"},
    "period": {"en": "Period", "zh": "年份"},
    "chart_compare_title": {"en": "Total over {h} months from {start} ({currency})",
                            "zh": "自 {start} 起 {h} 个月合计（{currency}）"},
    "chart_baskets_title": {"en": "Cheapest plan per operator and basket ({currency} a month)",
                            "zh": "各运营商每个用量篮子的最便宜套餐（{currency}/月）"},
    "chart_written": {"en": "chart written to {file}", "zh": "图表已写入 {file}"},
    "cjk_font_missing": {
        "en": "Warning: no font with Chinese characters was found (install one, e.g. Noto Sans CJK: "
              "apt-get install fonts-noto-cjk); Chinese labels in {file} may not render.",
        "zh": "警告：未找到含中文字符的字体（可安装 Noto Sans CJK：apt-get install fonts-noto-cjk）；"
              "{file} 中的中文标签可能无法显示。"},
    "bars_title": {"en": "Total over {h} months from {start} ({currency})",
                   "zh": "自 {start} 起 {h} 个月合计（{currency}）"},
})

NOTES.update({
    "basket_topup": {"en": "includes a minimum-spend top-up of {amount}", "zh": "含最低消费补足 {amount}"},
    "basket_data_capped": {"en": "data charge reached its cap", "zh": "流量费达到封顶"},
    "basket_throttled": {"en": "speed limited at this usage", "zh": "此用量下会限速"},
})


# ---------------------------------------------------------------- offers, packs, scenarios, eligibility, switching

LABELS.update({
    "plus": {"en": " + ", "zh": " + "},
    "excluded_eligible": {"en": "{n} plan(s) left out, conditions not given with --eligible: {items}",
                          "zh": "{n} 个套餐因 --eligible 未包含其条件而排除：{items}"},
    "level_mean": {"en": "average", "zh": "平均"},
    "level_p50": {"en": "median (p50)", "zh": "中位数（p50）"},
    "level_p90": {"en": "90th-percentile (p90)", "zh": "第 90 百分位（p90）"},
    "level_max": {"en": "highest", "zh": "最高"},
    "scenario": {"en": "Ranked on your {level} month: {voice} min, {sms} SMS, {data} data a month",
                 "zh": "按您的{level}月用量排名：每月通话 {voice} 分钟，短信 {sms} 条，流量 {data}"},
    "qty_data": {"en": "{v} of data", "zh": "{v} 流量"},
    "qty_voice": {"en": "{v} min of calls", "zh": "{v} 分钟通话"},
    "qty_sms": {"en": "{v} SMS", "zh": "{v} 条短信"},
    "break_even_above": {"en": "Break-even: {rival} wins above about {level} a month (you: {at}); below that, {cheaper}.",
                         "zh": "平衡点：每月超过约 {level} 时 {rival} 更便宜（您：{at}）；低于此值 {cheaper} 更便宜。"},
    "break_even_below": {"en": "Break-even: {rival} wins below about {level} a month (you: {at}); above that, {cheaper}.",
                         "zh": "平衡点：每月低于约 {level} 时 {rival} 更便宜（您：{at}）；高于此值 {cheaper} 更便宜。"},
    "break_even_stopped": {"en": "{plan} stops data at its volume cap above about {level} a month: it does not cover more use.",
                           "zh": "{plan} 每月流量超过约 {level} 即达封顶停用，无法满足更多用量。"},
    "break_even_none": {"en": "Break-even: {cheaper} stays cheaper than {rival} from 0 to {hi} a month.",
                        "zh": "平衡点：在每月 0 至 {hi}的范围内，{cheaper} 始终比 {rival} 便宜。"},
    "kn_title": {"en": "Keeping the number (保号)", "zh": "保号方案"},
    "kn_cheapest": {"en": "Cheapest way to keep the number: {plan}: {year} a year ({month} a month).",
                    "zh": "最省钱的保号方式：{plan}，每年 {year}（每月 {month}）。"},
    "kn_saving": {"en": "That is {amount} a year less than your current plan ({current}).",
                  "zh": "比您当前的套餐（{current}）每年少 {amount}。"},
    "kn_dearer": {"en": "That is {amount} a year more than your current plan ({current}).",
                  "zh": "比您当前的套餐（{current}）每年多 {amount}。"},
    "kn_conditions": {"en": "conditions: {items}", "zh": "条件：{items}"},
    "kn_no_conditions": {"en": "conditions: none listed", "zh": "条件：未列出"},
    "kn_apply": {"en": "how to apply: {text}", "zh": "办理方式：{text}"},
    "kn_apply_unknown": {"en": "how to apply: not in the plan data; ask {operator} in its app, on the hotline or at a "
                                "business hall (see --explain for the rules you may cite)",
                         "zh": "办理方式：套餐资料未写明；可通过{operator}的 App、客服热线或营业厅办理（可引用的规定见 --explain）"},
    "kn_packs": {"en": "packs: {items}", "zh": "叠加包：{items}"},
    "kn_sms_free": {"en": "abroad, receiving SMS: free", "zh": "境外接收短信：免费"},
    "kn_sms_rate": {"en": "abroad, receiving SMS: {rate} each", "zh": "境外接收短信：每条 {rate}"},
    "kn_sms_unknown": {"en": "abroad, receiving SMS: no price in the plan data", "zh": "境外接收短信：套餐资料无价格"},
    "kn_calls": {"en": "abroad, calls made or received: {rates} a minute by destination; your {minutes} min a month "
                       "would cost {low} to {high}",
                 "zh": "境外拨打或接听电话：按目的地每分钟 {rates}；按您每月 {minutes} 分钟计约 {low} 至 {high}"},
    "kn_calls_unknown": {"en": "abroad, calls: no roaming rates in the plan data",
                         "zh": "境外通话：套餐资料无漫游资费"},
    "kn_no_roaming": {"en": "abroad: no roaming rates in the plan data", "zh": "境外：套餐资料无漫游资费"},
    "kn_as_of": {"en": "(historical figures, {as_of}: check today's rates; source {url})",
                 "zh": "（历史资费，{as_of}：请核实现行资费；来源 {url}）"},
    "explain_title": {"en": "How to switch to {plan}", "zh": "如何改用 {plan}"},
    "rules_title": {"en": "Rules you may cite", "zh": "可引用的规定"},
    "colon": {"en": ": ", "zh": "："},
    "rule_source": {"en": "source: {url} ({tag}, in force {date})", "zh": "来源：{url}（可信度 {tag}，{date} 起）"},
    "step_stay": {"en": "Your current plan ({id}) is already the cheapest: nothing to change.",
                  "zh": "您当前的套餐（{id}）已是最便宜的，无需更改。"},
    "step_conditions": {"en": "Check you meet its conditions: {items}.", "zh": "确认您符合条件：{items}。"},
    "step_check_figures": {"en": "Its figures are {confidence} (source {url}, {tag}, read {retrieved}): confirm "
                                 "today's price with the operator before you switch.",
                           "zh": "资费为{confidence}（来源 {url}，可信度 {tag}，检索于 {retrieved}）：改套餐前请向运营商核实现行价格。"},
    "step_order": {"en": "Ask {operator} for {name} in its app, on the hotline or at a business hall.",
                   "zh": "通过{operator}的 App、客服热线或营业厅申请办理 {name}。"},
    "step_order_apply": {"en": "How to order: {text}", "zh": "办理方式：{text}"},
    "step_order_packs": {"en": "Order the packs too: {items}.", "zh": "同时订购叠加包：{items}。"},
    "step_next_month": {"en": "A plan change usually takes effect next month (次月生效); this comparison starts in {start}.",
                        "zh": "改套餐一般次月生效；本比较从 {start} 开始计算。"},
    "step_commitment": {"en": "Your current plan has a {months}-month commitment: check when it ends before you leave it.",
                        "zh": "您当前的套餐有 {months} 个月合约期：更改前请确认合约何时到期。"},
    "step_commitment_fee": {"en": "Your current plan has a {months}-month commitment with an exit fee of {exit_fee}: "
                                  "check when it ends before you leave it.",
                            "zh": "您当前的套餐有 {months} 个月合约期，违约金 {exit_fee}：更改前请确认合约何时到期。"},
    "step_port": {"en": "{operator} is another operator: keep your number by number portability (携号转网); "
                        "its conditions are below.",
                  "zh": "{operator}是另一家运营商：可通过携号转网保留号码，条件见下。"},
    "step_port_maybe": {"en": "If {operator} is not your operator, keep your number by number portability (携号转网); "
                              "its conditions are below.",
                        "zh": "如果{operator}不是您现在的运营商，可通过携号转网保留号码，条件见下。"},
    "step_refused": {"en": "If the service line refuses (\"only in your home province\", \"only for the elderly\", "
                           "\"no longer available\"), ask again citing the rules below: every plan on sale must be "
                           "published in the operator's app and website.",
                     "zh": "如客服拒绝（“只能回归属地办理”“仅限老年人”“套餐已下架”），请引用下列规定再次要求：所有在售套餐都须在运营商 App 和网站公示。"},
    "step_confirm": {"en": "Confirm the order by SMS reply or code, keep the confirmation, and check the first "
                           "monthly bill SMS on the new plan.",
                     "zh": "通过短信回复或验证码确认订购并保留确认信息，核对新套餐的第一份月度账单短信。"},
    "confidence_word_example": {"en": "example figures from a secondary page", "zh": "来自二手网页的示例资费"},
    "confidence_word_reported": {"en": "reported by the press", "zh": "媒体报道的资费"},
    "confidence_word_verified": {"en": "verified", "zh": "已核实资费"},
    "offer_title": {"en": "Offer: {name} ({id}), {term} months from {start}",
                    "zh": "推销套餐：{name}（{id}），自 {start} 起 {term} 个月"},
    "offer_total": {"en": "Over {term} months it costs {total} ({average} a month on average).",
                    "zh": "{term} 个月共需 {total}（平均每月 {average}）。"},
    "offer_price_flat": {"en": "Price: {price} a month.", "zh": "月费：{price}。"},
    "offer_price_first": {"en": "Price: {price} a month at first.", "zh": "月费：起初每月 {price}。"},
    "offer_price_change": {"en": "From month {month} ({calendar}) the price goes from {before} to {after} ({delta} a month).",
                           "zh": "从第 {month} 个月（{calendar}）起，月费由 {before} 变为 {after}（每月 {delta}）。"},
    "offer_standard": {"en": "After the term, once every promotion has ended, the price is {price} a month.",
                       "zh": "期满后、所有优惠结束时，月费为 {price}。"},
    "offer_what_current": {"en": "your current plan", "zh": "您当前的套餐"},
    "offer_what_best": {"en": "the cheapest catalogue plan", "zh": "目录中最便宜的套餐"},
    "offer_vs_more": {"en": "Against {what}, {name} ({id}): {other} over the same months; the offer costs {extra} more.",
                      "zh": "与{what} {name}（{id}）相比：同期 {other}；该推销套餐多花 {extra}。"},
    "offer_vs_less": {"en": "Against {what}, {name} ({id}): {other} over the same months; the offer saves {extra}.",
                      "zh": "与{what} {name}（{id}）相比：同期 {other}；该推销套餐省 {extra}。"},
    "offer_vs_same": {"en": "Against {what}, {name} ({id}): {other} over the same months; the same.",
                      "zh": "与{what} {name}（{id}）相比：同期 {other}；费用相同。"},
    "offer_turns_first": {"en": "  It costs more from the first month.", "zh": "  从第一个月起就更贵。"},
    "offer_turns": {"en": "  It is cheaper at first, but from month {month} ({calendar}) it has cost more in total.",
                    "zh": "  起初更便宜，但从第 {month} 个月（{calendar}）起累计花费更多。"},
    "offer_mismatch_title": {"en": "Does not fit your usage:", "zh": "与您的用量不符："},
    "offer_rates_borrowed": {"en": "Out-of-bundle rates are those of {id} (the offer's terms did not give them).",
                             "zh": "套餐外资费按 {id} 计算（推销条款未提供）。"},
    "offer_commitment": {"en": "It commits you for {months} months.", "zh": "需签订 {months} 个月合约。"},
    "offer_commitment_fee": {"en": "It commits you for {months} months (exit fee {exit_fee}).",
                             "zh": "需签订 {months} 个月合约（违约金 {exit_fee}）。"},
    "verdict_decline": {"en": "Verdict: say no. Over {term} months it costs {extra} more than {name}.",
                        "zh": "结论：拒绝。{term} 个月内比 {name} 多花 {extra}。"},
    "verdict_consider": {"en": "Verdict: cheaper than your current plan, but {name} is cheaper still ({extra} less over "
                               "{term} months).",
                         "zh": "结论：比您当前的套餐便宜，但 {name} 更便宜（{term} 个月内再少 {extra}）。"},
    "verdict_good": {"en": "Verdict: the cheapest option for your usage over {term} months.",
                     "zh": "结论：按您的用量，{term} 个月内这是最便宜的选择。"},
})

NOTES.update({
    "months_over_past": {"en": "over an allowance in {months} of {of} months at your past usage",
                         "zh": "按以往用量，{of} 个月中有 {months} 个月超出套餐"},
    "voice_short": {"en": "It includes {allowance} min of calls; you call about {usage} min a month: over the "
                          "allowance in {months} of {of} months, about {amount} a month extra.",
                    "zh": "套餐含通话 {allowance} 分钟；您每月约通话 {usage} 分钟：{of} 个月中有 {months} 个月超出，每月约多付 {amount}。"},
    "sms_short": {"en": "It includes {allowance} SMS; you send about {usage} a month: over the allowance in {months} "
                        "of {of} months, about {amount} a month extra.",
                  "zh": "套餐含短信 {allowance} 条；您每月约发 {usage} 条：{of} 个月中有 {months} 个月超出，每月约多付 {amount}。"},
    "data_short": {"en": "It includes {allowance} of data; you use about {usage} a month: over the allowance in "
                         "{months} of {of} months, about {amount} a month extra.",
                   "zh": "套餐含流量 {allowance}；您每月约用 {usage}：{of} 个月中有 {months} 个月超出，每月约多付 {amount}。"},
    "voice_unused": {"en": "It includes {allowance} min of calls; you used at most {most} min in a month.",
                     "zh": "套餐含通话 {allowance} 分钟；您单月最多只用 {most} 分钟。"},
    "sms_unused": {"en": "It includes {allowance} SMS; you sent at most {most} in a month.",
                   "zh": "套餐含短信 {allowance} 条；您单月最多只发 {most} 条。"},
    "data_unused": {"en": "It includes {allowance} of data; you used at most {most} in a month.",
                    "zh": "套餐含流量 {allowance}；您单月最多只用 {most}。"},
    "data_never": {"en": "It includes {allowance} of data; you used no data in any month.",
                   "zh": "套餐含流量 {allowance}；您没有任何一个月使用过流量。"},
    "app_data_unseen": {"en": "It includes app-specific data (定向流量, {allowance}); your usage shows none "
                              "(if your usage file does not separate app data, check which apps it covers).",
                        "zh": "套餐含定向流量（{allowance}）；您的用量中没有定向流量（如用量文件未单列定向流量，请核对其适用的 App）。"},
})


# ---------------------------------------------------------------- bill analyzer (tariffcli analyze)

ANALYZE_MONEY = frozenset({
    "amount", "absorbed", "total", "usual", "excess", "increase", "monthly_change", "billed", "expected",
    "best", "current", "saving", "charged",
})
"""Parameters of the analyzer's texts (and of its findings) that are amounts in fen."""

LABELS.update({
    "an_title": {"en": "Bill analysis ({currency}): {n} finding(s), most money first",
                 "zh": "账单分析（{currency}）：{n} 项发现，按金额从高到低"},
    "an_amount": {"en": "Amount", "zh": "金额"},
    "an_finding": {"en": "Finding", "zh": "发现"},
    "an_line": {"en": "Line", "zh": "号码"},
    "an_months": {"en": "Months", "zh": "月份"},
    "an_what": {"en": "What to do", "zh": "建议"},
    "an_none": {"en": "No findings: the bill and usage show nothing to act on.",
                "zh": "没有发现：账单和用量中没有需要处理的问题。"},
    "an_summary": {"en": "{line}: {months}; charged {charged}{plan}",
                   "zh": "{line}：{months}；共收费 {charged}{plan}"},
    "an_summary_plan": {"en": "; plan {plan_id}", "zh": "；套餐 {plan_id}"},
    "an_summary_expected": {"en": "; in the months with usage: billed {charged}, the plan's terms give {expected}",
                            "zh": "；有用量的月份：实收 {charged}，按套餐资费应为 {expected}"},
    "an_summary_sim": {"en": "{line}: {months}; the plan's terms give {expected}{plan}",
                       "zh": "{line}：{months}；按套餐资费共 {expected}{plan}"},
    "an_single_line": {"en": "your line", "zh": "本机"},
    "an_household": {"en": "Household: {n} lines, charged {charged} in all", "zh": "全家：{n} 个号码，共收费 {charged}"},
    "an_reminders": {"en": "Reminders:", "zh": "提醒："},
    "an_reminder_line": {"en": "{day} ({kind}){who}: {summary}", "zh": "{day}（{kind}）{who}：{summary}"},
    "an_unmapped": {"en": "Bill items not recognised (counted as 'other'): {items}",
                    "zh": "未识别的账单项目（计为“其他”）：{items}"},
    "an_skipped": {"en": "Checks not run: {items}", "zh": "未执行的检查：{items}"},
    "an_saved_ics": {"en": "{n} reminder(s) written to {file}", "zh": "{n} 条提醒已写入 {file}"},
    "an_reason_no_bill": {"en": "no bill (--bill)", "zh": "未提供账单（--bill）"},
    "an_reason_no_usage": {"en": "no usage or records file", "zh": "未提供用量或详单文件"},
    "an_reason_no_plan": {"en": "no plan (--plan)", "zh": "未提供套餐（--plan）"},
    "an_reason_no_charges": {"en": "no bill, and no plan to compute charges from",
                             "zh": "未提供账单，也没有可用于计算费用的套餐"},
    "an_reason_no_overlap": {"en": "the bill and the usage share no month", "zh": "账单与用量没有重叠的月份"},
    "an_reason_since_after_start": {"en": "the plan starts after the comparison would", "zh": "套餐开始时间晚于比较起始月"},
    # groups of charges
    "an_group_fee": {"en": "monthly fee", "zh": "月费"},
    "an_group_discount": {"en": "discounts and credits", "zh": "优惠与返还"},
    "an_group_addons": {"en": "packs", "zh": "叠加包"},
    "an_group_one_off": {"en": "one-off fees", "zh": "一次性费用"},
    "an_group_voice": {"en": "voice", "zh": "语音"},
    "an_group_sms": {"en": "SMS", "zh": "短信"},
    "an_group_data": {"en": "data", "zh": "流量"},
    "an_group_topup": {"en": "minimum-spend top-up", "zh": "最低消费补收"},
    "an_group_value_added": {"en": "value-added services", "zh": "增值业务"},
    "an_group_other": {"en": "other charges", "zh": "其他费用"},
    # findings: what happened, and what to do
    "an_minimum_spend_topup": {"en": "Minimum-spend top-up: {amount} paid for nothing in {months}",
                               "zh": "最低消费补收：{months} 共补收 {amount}，没有换来任何服务"},
    "an_minimum_spend_topup_do": {
        "en": "Usage worth up to {amount} more would have cost nothing extra in those months. A plan without a "
              "minimum spend, or with a fee closer to what you use, avoids this.",
        "zh": "这些月份里再多用价值 {amount} 以内的业务也不会多付钱。选择没有最低消费、或月费更贴近实际用量的套餐可以避免补收。"},
    "an_minimum_spend_topup_absorbed": {
        "en": " {absorbed} of usage charges in those months counted toward the minimum and so cost nothing extra.",
        "zh": "这些月份的 {absorbed} 用量费计入了最低消费，实际没有多花钱。"},
    "an_out_of_bundle_spike": {"en": "{month}: charged {total}, {excess} above your usual {usual}",
                               "zh": "{month}：收费 {total}，比平时的 {usual} 多 {excess}"},
    "an_cause_pack_ended": {"en": "Cause: the pack {pack} ended; {group} charges rose by {increase}.",
                            "zh": "原因：{pack}已结束，{group}费用增加 {increase}。"},
    "an_cause_promotion_ended": {"en": "Cause: a promotion ended ({promotion}); {group} charges rose by {increase}.",
                                 "zh": "原因：优惠（{promotion}）已结束，{group}费用增加 {increase}。"},
    "an_cause_usage_rose": {"en": "Cause: a new pattern of use: {service} use was {ratio}x your usual; {group} "
                                  "charges rose by {increase}.",
                            "zh": "原因：使用习惯变化：{service}用量是平时的 {ratio} 倍，{group}费用增加 {increase}。"},
    "an_cause_charges_rose": {"en": "{group} charges rose by {increase}.", "zh": "{group}费用增加 {increase}。"},
    "an_out_of_bundle_spike_do": {"en": "Check that month's itemized records and ask your operator for a usage alert.",
                                  "zh": "请核对当月详单，并向运营商开通用量提醒。"},
    "an_out_of_bundle_spike_pack_do": {
        "en": "Re-add the pack, or choose a plan that includes this usage; ask your operator for a usage alert.",
        "zh": "重新办理该叠加包，或改选包含这部分用量的套餐；并向运营商开通用量提醒。"},
    "an_promotion_expired": {"en": "The promotion {what} ended after {last_month} (from {ends})",
                             "zh": "优惠 {what} 已于 {last_month} 后结束（自 {ends} 起）"},
    "an_promotion_expired_pack": {"en": "The bundled pack {what} ended after {last_month} (from {ends})",
                                  "zh": "捆绑的 {what} 已于 {last_month} 后取消（自 {ends} 起）"},
    "an_promotion_expired_do": {
        "en": "At your usage it changes the bill by {monthly_change:+} a month; so far it has cost {amount}. "
              "Re-add the pack or switch to a plan that fits your usage.",
        "zh": "按您的用量，每月费用变化 {monthly_change:+}；至今已多花 {amount}。请重新办理该业务，或改选适合您用量的套餐。"},
    "an_promotion_expiring": {"en": "The promotion {what} ends after {last_month} (from {ends})",
                              "zh": "优惠 {what} 将于 {last_month} 后结束（自 {ends} 起）"},
    "an_promotion_expiring_pack": {"en": "The bundled pack {what} ends after {last_month} (from {ends})",
                                   "zh": "捆绑的 {what} 将于 {last_month} 后结束（自 {ends} 起）"},
    "an_promotion_expiring_do": {
        "en": "At your usage the bill changes by {monthly_change:+} a month from then ({amount} within {horizon} "
              "months). Reminders: one month and one week before.",
        "zh": "按您的用量，届时每月费用变化 {monthly_change:+}（{horizon} 个月内共 {amount}）。已设置到期前一个月和一周的提醒。"},
    "an_promotion_fees_do": {
        "en": "Without usage figures only fees are counted: the bill changes by {monthly_change:+} a month when it ends. "
              "Give your records or usage file to see what it costs at your usage.",
        "zh": "没有用量数据，仅按固定费用计算：结束后每月费用变化 {monthly_change:+}。提供详单或用量文件可按实际用量计算。"},
    "an_recurring_value_added": {"en": "Value-added service '{item}' charged in {n} months ({amount} in all)",
                                 "zh": "增值业务“{item}”已连续收费 {n} 个月（共 {amount}）"},
    "an_recurring_value_added_do": {
        "en": "If you did not knowingly order it, ask your operator to cancel it and refund the charges.",
        "zh": "如果您没有主动订购，请要求运营商退订并退还费用。"},
    "an_unused_addon": {"en": "Pack '{item}' paid in {n} months with no {service} use ({amount})",
                        "zh": "叠加包“{item}”在 {n} 个月里没有任何{service}使用，仍收费 {amount}"},
    "an_unused_addon_do": {"en": "Cancel the pack: this line does not use {service}.",
                           "zh": "请退订该叠加包：本号码不使用{service}。"},
    "an_idle_line": {"en": "Line {line} had no usage in {n} months but cost {amount}",
                     "zh": "号码 {line} 在 {n} 个月里没有任何使用，仍花费 {amount}"},
    "an_idle_line_do": {"en": "Cancel the line, or if you need to keep the number, move it to a keep-number package.",
                        "zh": "请注销该号码；如需保留号码，可改为保号套餐。"},
    "an_bill_mismatch": {"en": "{month}: {group} billed {billed}, the plan's terms give {expected} ({amount:+})",
                         "zh": "{month}：{group}实收 {billed}，按套餐资费应为 {expected}（{amount:+}）"},
    "an_bill_mismatch_do": {"en": "Ask your operator to explain or correct: {lines}.",
                            "zh": "请要求运营商解释或更正：{lines}。"},
    "an_bill_mismatch_suspect_do": {"en": "The line that does not fit the plan: {suspect}. Ask your operator to "
                                          "explain or refund it.",
                                    "zh": "与套餐不符的账单行：{suspect}。请要求运营商解释或退还。"},
    "an_bill_mismatch_nothing": {"en": "nothing is billed for it", "zh": "账单中没有此项"},
    "an_cheaper_plan": {"en": "{name} ({operator}, {plan_id}) would cost {best} over 12 months instead of {current}",
                        "zh": "{name}（{operator}，{plan_id}）12 个月共 {best}，当前套餐为 {current}"},
    "an_cheaper_plan_addon": {"en": "Keeping your plan and adding {addon} would cost {best} over 12 months instead "
                                    "of {current}",
                              "zh": "保留当前套餐并加办 {addon}，12 个月共 {best}，而不是 {current}"},
    "an_cheaper_plan_do": {"en": "Saves {amount} a year at your usage. Check its conditions and source before you "
                                 "switch.",
                           "zh": "按您的用量每年可节省 {amount}。办理前请核对其办理条件与资费来源。"},
    "an_cheaper_plan_addon_do": {"en": "Saves {amount} a year at your usage: ask your operator to add the pack again.",
                                 "zh": "按您的用量每年可节省 {amount}：请向运营商重新办理该叠加包。"},
    "an_cheaper_plan_conditions": {"en": " Conditions: {conditions}.", "zh": "办理条件：{conditions}。"},
    "an_cheaper_plan_example": {"en": " Its figures are an example from a secondary source.",
                                "zh": "其资费为二手来源的示例。"},
    "an_service_voice": {"en": "voice", "zh": "语音"},
    "an_service_sms": {"en": "SMS", "zh": "短信"},
    "an_service_data": {"en": "data", "zh": "流量"},
    # reminders
    "reminder.calendar": {"en": "tariffcli reminders", "zh": "tariffcli 到期提醒"},
    "reminder.summary": {"en": "{what} ends on {ends}", "zh": "{what}将于 {ends} 结束"},
    "reminder.plan": {"en": "Plan: {plan} ({plan_id}).", "zh": "套餐：{plan}（{plan_id}）。"},
    "reminder.line": {"en": "Line: {line}.", "zh": "号码：{line}。"},
    "reminder.change": {"en": "At your usage the bill changes by {monthly_change:+} a month when it ends.",
                        "zh": "按您的用量，结束后每月费用变化 {monthly_change:+}。"},
    "reminder.act": {"en": "Renew it, cancel it, or choose another plan before then.",
                     "zh": "请在此之前续订、退订或改选其他套餐。"},
    "reminder.month_before": {"en": "one month before", "zh": "提前一个月"},
    "reminder.week_before": {"en": "one week before", "zh": "提前一周"},
    "reminder.now": {"en": "now", "zh": "现在"},
})


def analyze_text(key: str, lang: str, **params: Any) -> str:
    """An analyzer text in ``lang``; integer parameters named in :data:`ANALYZE_MONEY` are fen, shown as decimals."""
    p = {k: (_Signed(v) if k in ANALYZE_MONEY and isinstance(v, int) else v) for k, v in params.items()}
    return LABELS[key][lang].format(**p)
