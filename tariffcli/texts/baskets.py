"""Texts of the journalists' toolkit: basket reports (tariffcli baskets) and their notes."""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
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
    "vol_voice": {"en": "{n} min", "zh": "通话 {n} 分钟"},
    "vol_calls": {"en": "{calls} calls ({n} min billed)", "zh": "通话 {calls} 次（计费 {n} 分钟）"},
    "vol_sms": {"en": "{n} SMS", "zh": "短信 {n} 条"},
    "vol_data": {"en": "{v} data", "zh": "流量 {v}"},
    "vol_app_data": {"en": "{v} app data", "zh": "定向流量 {v}"},
    "basket_list_title": {"en": "Built-in baskets", "zh": "内置用量篮子"},
    "experimental": {"en": "experimental", "zh": "试验性"},
    "each_currency": {"en": "each plan's currency", "zh": "各套餐币种"},
    "period": {"en": "Period", "zh": "年份"},
    "runner_up_cheaper": {"en": "Cheaper, {where}: {price} ({id})", "zh": "更便宜但{where}：{price}（{id}）"},
    "baskets_left_out_many": {"en": "{n} plans not on sale on {day} (withdrawn, historical or not yet sold) left out; "
                                    "'tariffcli plans list --all' shows them",
                              "zh": "{n} 个套餐在 {day} 不在售（已停售、旧套餐或尚未上线），已排除；"
                                    "'tariffcli plans list --all' 可查看"},
    "baskets_nationwide_first": {
        "en": "Each operator's plan shown is the cheapest it sells nationwide; a cheaper plan sold in one province "
              "only follows it, marked with its province. Give --province to price the plans of one province.",
        "zh": "各运营商列出的套餐为其全国可办理套餐中最便宜者；更便宜但仅限个别省份办理的套餐列在其后，"
              "并注明其省份。使用 --province 按某一省份定价。"},
}


NOTES: Table = {
    "basket_topup": {"en": "includes a minimum-spend top-up of {amount}", "zh": "含最低消费补足 {amount}"},
    "basket_data_capped": {"en": "data charge reached its cap", "zh": "流量费达到封顶"},
    "basket_throttled": {"en": "speed limited at this usage", "zh": "此用量下会限速"},
}
