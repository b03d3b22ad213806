"""Charts for articles: horizontal bar charts as SVG or PNG bytes.

matplotlib is an optional extra (``pip install 'tariffcli[chart]'``) and is
imported only when a chart is drawn. Plan names are usually Chinese, so a font
with Chinese characters is looked for (Noto Sans CJK, Source Han Sans,
WenQuanYi, ...; on Debian: ``apt-get install fonts-noto-cjk``). When none is
found the chart is still drawn and a warning says that Chinese labels may not
render; the caller shows it on stderr. This module never writes a file or
prints: it returns the bytes and the warnings.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffcli.model.errors import UsageError
from tariffcli.model.money import fen_to_decimal
from tariffcli.texts import label, operator_name

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.compare.baskets import BasketReport
    from tariffcli.compare.results import Comparison

FORMATS = {".svg": "svg", ".png": "png"}

CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK TC",
    "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei",
    "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "Droid Sans Fallback", "AR PL UMing CN",
)
"""Font families with Chinese characters, in order of preference."""

FONT_DIRS: tuple[str, ...] = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
                              "/System/Library/Fonts", "/Library/Fonts", "C:/Windows/Fonts")
_CJK_FILE = re.compile(r"(NotoSans(Mono)?CJK|NotoSansSC|SourceHanSans|wqy-(zenhei|microhei)|msyh|simhei|PingFang"
                       r"|DroidSansFallback)", re.I)
_CJK_TEXT = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class Bar:
    """One bar: a label, an amount in fen and a group (the colour, e.g. the operator)."""

    label: str
    fen: int
    group: str
    hatched: bool = False
    """Drawn hatched: the plan does not cover the usage (the title says so)."""


def chart_format(path: Path) -> str:
    """'svg' or 'png' from the file's suffix; anything else is a usage error."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"--chart: {path.name} must end in .svg or .png", field="chart")
    return fmt


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError("--chart needs matplotlib: pip install 'tariffcli[chart]'", field="chart") from None
    return matplotlib


def find_cjk_font(families: Sequence[str] = CJK_FONTS, dirs: Sequence[str] = FONT_DIRS) -> str | None:
    """The first installed font family with Chinese characters, or None.

    Looks in matplotlib's font list, then for known font files in ``dirs``
    (a font installed after matplotlib built its cache is added on the fly).
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((f for f in families if f in names), None)

    found = known()
    if found or not families:
        return found
    for d in dirs:
        root = Path(d).expanduser()
        if not root.is_dir():
            continue
        for f in sorted(root.rglob("*")):
            if f.suffix.lower() in (".ttf", ".otf", ".ttc") and _CJK_FILE.search(f.name):
                try:
                    font_manager.fontManager.addfont(str(f))
                except (OSError, RuntimeError, ValueError):
                    continue
        found = known()
        if found:
            return found
    return None


def has_cjk(texts: Sequence[str]) -> bool:
    return any(_CJK_TEXT.search(t) for t in texts)


def bar_chart(bars: Sequence[Bar], *, title: str, xlabel: str, fmt: str, font: str | None = None,
              find_font: bool = True) -> tuple[bytes, list[str]]:
    """Draw ``bars`` (top to bottom) and return the image bytes and any warnings.

    ``font`` forces a font family; otherwise a CJK font is looked for when
    ``find_font`` is true. Output is deterministic for the same input.
    """
    matplotlib = _matplotlib()
    from io import BytesIO

    from matplotlib.figure import Figure

    problems: list[str] = []
    bars = [Bar(_chart_text(b.label), b.fen, _chart_text(b.group), b.hatched) for b in bars]
    texts = [title, xlabel] + [b.label for b in bars] + [b.group for b in bars]
    family = font or (find_cjk_font() if find_font else None)
    missing = family is None and has_cjk(texts)
    if missing:
        problems.append("cjk_font_missing")
    rc: dict[str, Any] = {"svg.hashsalt": "tariffcli", "svg.fonttype": "path", "font.size": 9}
    if family:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [family, "DejaVu Sans"]
    groups = sorted({b.group for b in bars})  # the same operator gets the same colour in every chart
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if missing:  # already reported once, clearly; not once per character
            warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
            warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        fig = Figure(figsize=(9, 1.5 + 0.34 * max(len(bars), 1)), layout="constrained")
        ax = fig.add_subplot()
        values = [float(fen_to_decimal(b.fen)) for b in bars]  # drawing only: amounts are printed from fen
        ys = list(range(len(bars)))
        drawn = ax.barh(ys, values, color=[colours[groups.index(b.group) % len(colours)] for b in bars])
        for patch, b in zip(drawn, bars, strict=True):
            if b.hatched:
                patch.set_hatch("//")
                patch.set_edgecolor("white")
        ax.set_yticks(ys, [b.label for b in bars])
        ax.invert_yaxis()
        top = max(values, default=0) or 1
        for y, v, b in zip(ys, values, bars, strict=True):
            ax.text(v + top * 0.01, y, str(fen_to_decimal(b.fen)), va="center", fontsize=8)
        ax.set_xlim(0, top * 1.15)
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        if len(groups) > 1:
            from matplotlib.patches import Patch

            fig.legend(handles=[Patch(color=colours[i % len(colours)], label=g) for i, g in enumerate(groups)],
                       loc="outside lower center", ncols=min(len(groups), 4), fontsize=8, frameon=False)
        buf = BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, dpi=150, metadata=metadata)
    return buf.getvalue(), problems


def _chart_text(text: str) -> str:
    """File text for a chart: control and bidi characters escaped, ``$`` escaped so it never starts mathtext."""
    from tariffcli.model.sanitise import one_line

    return one_line(text).replace("$", r"\$")


def compare_bars(cmp: Comparison, *, lang: str = "en", top: int | None = None) -> list[Bar]:
    """One bar per plan in a comparison: its total over the horizon."""
    rows = list(cmp.rows if top is None else cmp.rows[:top])
    from tariffcli.render.common import display_name

    out = [Bar(f"{r.rank}. {display_name(r, cmp, lang)}", r.total, operator_name(r.plan.operator, lang),
               not r.covers_usage) for r in rows]
    if cmp.current is not None:
        c = cmp.current
        out.append(Bar(display_name(c, cmp, lang) + label("current_suffix", lang), c.total,
                       operator_name(c.plan.operator, lang)))
    return out


def basket_bars(report: BasketReport, *, lang: str = "en") -> list[Bar]:
    """One bar per basket and operator: the cheapest plan's monthly price."""
    return [
        Bar(f"{row.basket.id} · {row.cheapest.plan.name}", row.cheapest.price, operator_name(row.operator, lang))
        for row in report.rows if row.cheapest is not None
    ]


def compare_chart(cmp: Comparison, fmt: str, *, lang: str = "en", top: int | None = None,
                  **kw: Any) -> tuple[bytes, list[str]]:
    title = label("chart_compare_title", lang, h=cmp.horizon, start=cmp.start, currency=cmp.currency)
    if cmp.nationwide_first:  # otherwise a reader sees #1 longer than the bars below it, with no reason given
        title += "\n" + label("chart_nationwide_first", lang)
    uncovered = [r.rank for r in (cmp.rows if top is None else cmp.rows[:top]) if not r.covers_usage]
    if uncovered:  # otherwise a reader sees a short bar ranked after longer ones, with no reason given
        title += "\n" + label("chart_uncovered", lang, first=uncovered[0], last=uncovered[-1])
    return bar_chart(compare_bars(cmp, lang=lang, top=top), title=title, xlabel=label("total", lang) + f" ({cmp.currency})",
                     fmt=fmt, **kw)


def basket_chart(report: BasketReport, fmt: str, *, lang: str = "en", **kw: Any) -> tuple[bytes, list[str]]:
    title = label("chart_baskets_title", lang, currency=report.currency or "")
    return bar_chart(basket_bars(report, lang=lang), title=title,
                     xlabel=label("price", lang) + (f" ({report.currency})" if report.currency else ""), fmt=fmt, **kw)


__all__ = ["Bar", "bar_chart", "basket_chart", "chart_format", "compare_chart", "find_cjk_font", "has_cjk"]
