"""Texts of a re-billed history (``tariffcli compare --history``): what the months in the file would have cost."""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
    "h_title": {"en": "What {n} plans would have cost in {a}..{b} ({months} months, {currency})",
                "zh": "{n} 个套餐在 {a}..{b}（{months} 个月，{currency}）的应付费用"},
    "h_month": {"en": "Month", "zh": "月份"},
    "h_paid": {"en": "You paid", "zh": "实际支付"},
    "h_your_plan": {"en": "Your plan", "zh": "当前套餐"},
    "h_saving_paid": {"en": "Saving vs paid", "zh": "比实付节省"},
    "h_saving_current": {"en": "Saving vs your plan", "zh": "比当前套餐节省"},
    "h_per_month_title": {"en": "Month by month ({currency})", "zh": "逐月费用（{currency}）"},
    "h_per_month_ranks": {"en": "Month by month ({currency}, plans by rank #)",
                          "zh": "逐月费用（{currency}，套餐按上表排名 #）"},
    "h_not_covered": {"en": "data would have been stopped at its cap", "zh": "流量会因封顶而停用"},
    "h_no_plans": {"en": "No plan matches.", "zh": "没有符合条件的套餐。"},
    "h_cheapest": {"en": "Cheapest", "zh": "最便宜"},
    "h_cheapest_nationwide": {"en": "Cheapest sold nationwide", "zh": "全国可办理的最便宜套餐"},
    "h_best_paid": {"en": "{who}: {plan} at {total}; you paid {paid}, so it would have saved {saving}.",
                    "zh": "{who}：{plan}，共 {total}；您实际支付 {paid}，可节省 {saving}。"},
    "h_best_paid_more": {"en": "{who}: {plan} at {total}; you paid {paid}, so it would have cost {extra} more.",
                         "zh": "{who}：{plan}，共 {total}；您实际支付 {paid}，会多花 {extra}。"},
    "h_best_paid_same": {"en": "{who}: {plan} at {total}; you paid the same.",
                         "zh": "{who}：{plan}，共 {total}；与您实际支付的相同。"},
    "h_best_current": {"en": "{who}: {plan} at {total}; your plan cost {ref}, so it would have saved {saving}.",
                       "zh": "{who}：{plan}，共 {total}；当前套餐 {ref}，可节省 {saving}。"},
    "h_best_current_more": {"en": "{who}: {plan} at {total}; your plan cost {ref}, so it would have cost {extra} "
                                  "more.",
                            "zh": "{who}：{plan}，共 {total}；当前套餐 {ref}，会多花 {extra}。"},
    "h_best_current_same": {"en": "{who}: {plan} at {total}, the same as your plan.",
                            "zh": "{who}：{plan}，共 {total}，与当前套餐相同。"},
    "h_best": {"en": "{who}: {plan} at {total}.", "zh": "{who}：{plan}，共 {total}。"},
    "h_bill_partial": {"en": "The bill does not cover every month: savings are not measured against it.",
                       "zh": "账单未覆盖所有月份，节省额不以实付计算。"},
    "h_rule": {"en": "Each month billed at its own usage; every plan starts in {a} (promotions count from it).",
               "zh": "按每月实际用量计费；各套餐自 {a} 起算（优惠期从该月开始计算）。"},
    "ap_title": {"en": "{line}: {n} plans over {a}..{b} ({months} months, {currency})",
                 "zh": "{line}：{n} 个套餐，{a}..{b}（{months} 个月，{currency}）"},
    "ap_rule": {"en": "Each plan billed at the recorded usage, starting in the line's first month.",
                "zh": "按记录的实际用量计费，各套餐自该号码的第一个月起算。"},
    "h_bill_outside": {"en": "{file}: bill month(s) {months} are not in the usage file; left out",
                       "zh": "{file}：账单月份 {months} 不在用量文件中，已略去"},
    "h_bill_missing": {"en": "{file}: the bill has no charge for {months}; savings are not measured against it",
                       "zh": "{file}：账单中没有 {months} 的费用，节省额不以实付计算"},
}
