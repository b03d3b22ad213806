"""Texts of a comparison (tariffcli compare): the table's labels, the notes on each plan, and the sections
under the table (scenarios, keep-number, eligibility, the switching guide).
"""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
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
    "current_suffix": {"en": " (current plan)", "zh": "（当前套餐）"},
    "current_heading": {"en": "Your current plan, over the same months (*)", "zh": "您当前的套餐，同期（*）"},
    "title": {"en": "{n} plans over {h} months from {start} ({currency})",
              "zh": "{n} 个套餐，自 {start} 起 {h} 个月（{currency}）"},
    "usage": {"en": "Usage per month (projected from {a}..{b}): {voice} min, {sms} SMS, {data} data",
              "zh": "每月用量（根据 {a}..{b} 推算）：通话 {voice} 分钟，短信 {sms} 条，流量 {data}"},
    "excluded_not_on_sale": {"en": "{n} plan(s) not on sale in {start} left out: {ids}",
                             "zh": "{n} 个套餐在 {start} 不在售，已排除：{ids}"},
    "excluded_not_on_sale_many": {"en": "{n} plans not on sale in {start} (withdrawn, historical or not yet sold) "
                                        "left out; 'tariffcli plans list --all' shows them",
                                  "zh": "{n} 个套餐在 {start} 不在售（已停售、旧套餐或尚未上线），已排除；"
                                        "'tariffcli plans list --all' 可查看"},
    "excluded_other_province": {"en": "{n} plan(s) sold only in other provinces than {province} left out: {ids}",
                                "zh": "{n} 个仅限{province}以外省份办理的套餐已排除：{ids}"},
    "excluded_suspended_line": {"en": "{n} suspended-line plan(s) (停机保号: no calls, SMS or data) left out: {ids}",
                                "zh": "{n} 个停机保号套餐（不能通话、短信、上网）已排除：{ids}"},
    "no_plans": {"en": "No plan matches.", "zh": "没有符合条件的套餐。"},
    "stale_catalogue": {"en": "Warning: the newest figure in the catalogue was checked on {newest}, more than "
                              "{months} months ago; prices may have changed (check the operator's tariff zone, "
                              "资费公示, or update the catalogue).",
                        "zh": "警告：目录中最新的资费核对于 {newest}，已超过 {months} 个月，价格可能已变化"
                              "（请查看运营商资费公示，或更新目录）。"},
    "nationwide_first": {"en": "#1 is the cheapest plan sold nationwide; cheaper plans sold in one province only "
                                "follow in cost order. Give --province (or set TARIFFCLI_PROVINCE) to rank the "
                                "plans of your province.",
                         "zh": "第 1 名是全国可办理的最便宜套餐；更便宜但仅限个别省份办理的套餐按费用排在其后。"
                               "使用 --province（或设置 TARIFFCLI_PROVINCE）按您所在省份排名。"},
    "uncovered_heading": {"en": "Does not cover your usage (data stops at a volume cap): ranked after every plan "
                                 "that covers it, cheapest total first",
                          "zh": "不能满足您的用量（流量达到封顶即停用）：排在所有能满足用量的套餐之后，按合计从低到高"},
    "uncovered_short": {"en": "does not cover your usage", "zh": "不能满足您的用量"},
    "saving_footer": {"en": "Saving: against the current plan {id} over the same months (positive = cheaper).",
                      "zh": "节省：与当前套餐 {id} 同期相比（正数表示更便宜）。"},
    # packs, scenarios, eligibility, keep-number and the switching guide
    "plus": {"en": " + ", "zh": " + "},
    "excluded_eligible": {"en": "{n} plan(s) left out, conditions not given with --eligible: {items}",
                          "zh": "{n} 个套餐因 --eligible 未包含其条件而排除：{items}"},
    "level_mean": {"en": "average", "zh": "平均"},
    "level_p50": {"en": "median (p50)", "zh": "中位数（p50）"},
    "level_p90": {"en": "90th-percentile (p90)", "zh": "第 90 百分位（p90）"},
    "level_max": {"en": "highest", "zh": "最高"},
    "scenario": {"en": "Ranked on your {level} month: {voice} min, {sms} SMS, {data} data a month "
                       "(data here and below: general plus app-specific)",
                 "zh": "按您的{level}月用量排名：每月通话 {voice} 分钟，短信 {sms} 条，流量 {data}（此处及下文的流量均含通用和定向流量）"},
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
    "confidence_word_official-copy": {"en": "a copy of the operator's own tariff card", "zh": "运营商资费公示的副本"},
    "confidence_word_reported": {"en": "reported by the press", "zh": "媒体报道的资费"},
    "confidence_word_verified": {"en": "verified", "zh": "已核实资费"},
}


NOTES: Table = {
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
    "province_only": {"en": "sold in {province} only", "zh": "仅限{province}办理"},
    "status_withdrawn": {"en": "withdrawn from sale (停售): cannot be ordered now", "zh": "已停售，无法新办理"},
    "status_historical": {"en": "older plan, may no longer be sold (last seen on sale {last_seen})",
                          "zh": "旧套餐，可能已停售（最近在售记录 {last_seen}）"},
    "status_historical_undated": {"en": "older plan, may no longer be sold (no dated source)",
                                  "zh": "旧套餐，可能已停售（来源未注明日期）"},
}

WHO_ZH = {"student": "学生", "students": "学生", "elderly": "老年人", "new-customer": "新用户",
          "new-customers": "新用户", "local": "本地用户"}
WHO_EN = {"student": "students", "students": "students", "elderly": "elderly users", "new-customer": "new customers",
          "new-customers": "new customers", "local": "local residents"}
