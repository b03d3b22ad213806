"""Texts of the notices on stderr that say why an option or an input has little or no effect."""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
    "thin_history": {
        "en": "{where}only {n_months} of usage ({months}): every month ahead is projected from so little history; "
              "give 6 to 12 months for figures you can rely on",
        "zh": "{where}用量只有 {n} 个月（{months}）：此后各月都据此推算，依据很少；请提供 6 到 12 个月的用量，结果才可靠"},
    "thin_history_rebill": {
        "en": "{where}only {n_months} of usage ({months}): the totals cover only those months, so they say little "
              "about a year; give 6 to 12 months for figures you can rely on",
        "zh": "{where}用量只有 {n} 个月（{months}）：合计只含这几个月，难以反映全年费用；请提供 6 到 12 个月的用量，结果才可靠"},
    "thin_history_analyze": {
        "en": "{where}only {n_months} of usage ({months}): the findings rest on so little usage; give 6 to 12 "
              "months for findings you can rely on",
        "zh": "{where}用量只有 {n} 个月（{months}）：分析结果依据的用量很少；请提供 6 到 12 个月的用量，结果才可靠"},
    "with_addons_no_effect": {
        "en": "Note: --with-addons has no effect: none of the plans compared has an optional pack",
        "zh": "注意：--with-addons 不起作用：参与比较的套餐都没有可选叠加包"},
    "cite_in_json": {
        "en": "Note: --cite changes nothing in JSON: it always carries every plan's sources",
        "zh": "注意：--cite 对 JSON 输出不起作用：JSON 总是包含每个套餐的来源"},
    "explain_in_csv": {
        "en": "Note: --explain has no effect with --format csv (one row per plan); use table, markdown or json",
        "zh": "注意：--explain 对 --format csv 不起作用（每个套餐一行）；请用 table、markdown 或 json"},
    "warning_prefix": {"en": "Warning: ", "zh": "警告："},
    "batch_column_unused": {"en": "{file}: column '{column}' is not used", "zh": "{file}：未使用列“{column}”"},
    "batch_done": {"en": "{n} subscribers ({rows} rows) analysed{where} in {seconds} s ({rate} rows/s)",
                   "zh": "已分析 {n} 个用户（{rows} 行）{where}，用时 {seconds} 秒（每秒 {rate} 行）"},
    "config_source_env": {"en": "environment (${variable})", "zh": "环境变量（${variable}）"},
    "config_source_file": {"en": "config file ({file})", "zh": "配置文件（{file}）"},
    "config_source_file_line": {"en": "config file ({file}, line {line})", "zh": "配置文件（{file}，第 {line} 行）"},
    "config_source_default": {"en": "built-in default", "zh": "内置默认值"},
    "config_file": {"en": "config file: {file}{state}", "zh": "配置文件：{file}{state}"},
    "config_file_none": {"en": " (none)", "zh": "（不存在）"},
    "batch_progress_task": {"en": "batch", "zh": "批量分析"},
    "batch_progress_task_dask": {"en": "batch (dask)", "zh": "批量分析（dask）"},
    "batch_progress_rows": {"en": "{rows} rows", "zh": "{rows} 行"},
    "batch_progress_rate": {"en": "{rate} rows/s", "zh": "每秒 {rate} 行"},
    "batch_done_where": {"en": " to {file}", "zh": "，结果写入 {file}"},
}
