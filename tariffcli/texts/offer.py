"""Texts of an offer's verdict (tariffcli offer), and of what in an offer does not fit the user's usage."""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
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
    "offer_said_fee": {"en": "{fee}/month", "zh": "月费 {fee}"},
    "offer_said_discount": {"en": "{pct}% off in months {first}-{last}", "zh": "第 {first}-{last} 个月减免 {pct}%"},
    "offer_said_promo_fee": {"en": "{fee}/month in months {first}-{last}", "zh": "第 {first}-{last} 个月月费 {fee}"},
}


NOTES: Table = {
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
}
