"""Texts of the bill analyzer (tariffcli analyze): findings, what to do, summaries and reminders."""

from __future__ import annotations

from typing import Any

from tariffcli.texts.common import SignedFen, Table, operator_name

ANALYZE_MONEY = frozenset({
    "amount", "absorbed", "total", "usual", "excess", "increase", "monthly_change", "billed", "expected",
    "best", "current", "saving", "charged",
})
"""Parameters of the analyzer's texts (and of its findings) that are amounts in fen."""

LABELS: Table = {
    "an_title": {"en": "Bill analysis ({currency}): {n} finding(s), most money first",
                 "zh": "账单分析（{currency}）：{n} 项发现，按金额从高到低"},
    "an_amount": {"en": "Amount", "zh": "金额"},
    "an_finding": {"en": "Finding", "zh": "发现"},
    "an_line": {"en": "Line", "zh": "号码"},
    "an_months": {"en": "Months", "zh": "月份"},
    "an_what": {"en": "What to do", "zh": "建议"},
    "an_none": {"en": "No findings: the bill and usage show nothing to act on.",
                "zh": "没有发现：账单和用量中没有需要处理的问题。"},
    "an_none_partial": {"en": "No findings from the checks that could run; {n} of {all_checks} checks could not run "
                              "(see 'Checks not run' below).",
                        "zh": "已执行的检查没有发现问题；{all_checks} 项检查中有 {n} 项未能执行（见下方“未执行的检查”）。"},
    "an_none_nothing": {"en": "Nothing could be checked: none of the {all_checks} checks could run (see 'Checks not run' "
                              "below); give --bill FILE and your plan, --current PLAN.",
                        "zh": "无法检查：{all_checks} 项检查都未能执行（见下方“未执行的检查”）；请提供 --bill 账单文件和您的套餐 --current 套餐。"},
    "an_summary": {"en": "{line}: {months}; charged {charged}{plan}",
                   "zh": "{line}：{months}；共收费 {charged}{plan}"},
    "an_summary_plan": {"en": "; plan {plan_id}", "zh": "；套餐 {plan_id}"},
    "an_summary_expected": {"en": "; in the months with usage: billed {charged}, the plan's terms give {expected}",
                            "zh": "；有用量的月份：实收 {charged}，按套餐资费应为 {expected}"},
    "an_summary_sim": {"en": "{line}: {months}; the plan's terms give {expected}{plan}",
                       "zh": "{line}：{months}；按套餐资费共 {expected}{plan}"},
    "an_summary_usage": {"en": "{line}: {months}; usage only (no bill, no plan of yours)",
                         "zh": "{line}：{months}；只有用量（没有账单，也没有您的套餐）"},
    "an_single_line": {"en": "your line", "zh": "本机"},
    "an_household": {"en": "Household: {n} lines, charged {charged} in all", "zh": "全家：{n} 个号码，共收费 {charged}"},
    "an_reminders": {"en": "Reminders:", "zh": "提醒："},
    "an_reminder_line": {"en": "{day} ({kind}){who}: {summary}", "zh": "{day}（{kind}）{who}：{summary}"},
    "an_unmapped": {"en": "Bill items not recognised (counted as 'other'): {items}",
                    "zh": "未识别的账单项目（计为“其他”）：{items}"},
    "an_csv_priced": {"en": "Note: with plans to price (--plan A --plan B), -f csv writes the priced table (one row per "
                             "line, plan and month); the findings are in the table, json and markdown formats",
                      "zh": "注意：指定了多个待计价套餐（--plan A --plan B）时，-f csv 输出计价表（每个号码、套餐、"
                            "月份一行）；发现项请用 table、json 或 markdown 格式查看"},
    "an_no_since": {"en": "no --plan-since: the promotions of {plan} are counted from {start}, the first month "
                          "analysed; give the month the plan started",
                    "zh": "未给出 --plan-since：{plan} 的优惠期从分析的第一个月 {start} 起算；请给出开始使用该套餐的月份"},
    "an_no_since_line": {"en": "line {line}: no --plan-since: the promotions of {plan} are counted from {start}, the "
                               "first month analysed; give the month the plan started",
                         "zh": "号码 {line}：未给出 --plan-since：{plan} 的优惠期从分析的第一个月 {start} 起算；"
                               "请给出开始使用该套餐的月份"},
    "an_refs_more": {"en": "(+{n} more)", "zh": "（另 {n} 处）"},
    "an_skipped": {"en": "Checks not run: {items}", "zh": "未执行的检查：{items}"},
    "an_saved_ics": {"en": "{n} reminder(s) written to {file}", "zh": "{n} 条提醒已写入 {file}"},
    "an_reason_no_bill": {"en": "no bill (--bill)", "zh": "未提供账单（--bill）"},
    "an_reason_no_usage": {"en": "no usage or records file", "zh": "未提供用量或详单文件"},
    "an_reason_no_plan": {"en": "your plan not given (--current)", "zh": "未提供您的套餐（--current）"},
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
    "an_promotion_expired_switch_do": {
        "en": "At your usage it changes the bill by {monthly_change:+} a month; so far it has cost {amount}. "
              "Switch to a plan that fits your usage (a free promotional offer cannot be ordered again).",
        "zh": "按您的用量，每月费用变化 {monthly_change:+}；至今已多花 {amount}。请改选适合您用量的套餐（免费的促销优惠无法重新办理）。"},
    "an_out_of_bundle_spike_switch_do": {
        "en": "Choose a plan that includes this usage (a free promotional pack cannot be ordered again); "
              "ask your operator for a usage alert.",
        "zh": "请改选包含这部分用量的套餐（免费的促销叠加包无法重新办理）；并向运营商开通用量提醒。"},
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
    # the checks by name (English keeps the code a script can search for)
    "an_check_minimum_spend_topup": {"en": "minimum_spend_topup", "zh": "最低消费补足"},
    "an_check_out_of_bundle_spike": {"en": "out_of_bundle_spike", "zh": "套餐外费用激增"},
    "an_check_promotion_expired": {"en": "promotion_expired", "zh": "优惠已到期"},
    "an_check_promotion_expiring": {"en": "promotion_expiring", "zh": "优惠即将到期"},
    "an_check_recurring_value_added": {"en": "recurring_value_added", "zh": "包月增值业务"},
    "an_check_unused_addon": {"en": "unused_addon", "zh": "未使用的叠加包"},
    "an_check_idle_line": {"en": "idle_line", "zh": "闲置号码"},
    "an_check_bill_mismatch": {"en": "bill_mismatch", "zh": "账单与套餐不符"},
    "an_check_cheaper_plan": {"en": "cheaper_plan", "zh": "更便宜的套餐"},
}


def analyze_text(key: str, lang: str, **params: Any) -> str:
    """An analyzer text in ``lang``; integer parameters named in :data:`ANALYZE_MONEY` are fen, shown as decimals."""
    p = {k: (SignedFen(v) if k in ANALYZE_MONEY and isinstance(v, int) else v) for k, v in params.items()}
    operator = p.get("operator")
    if isinstance(operator, str):
        p["operator"] = operator_name(operator, lang)
    return LABELS[key][lang].format(**p)
