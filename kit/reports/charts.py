"""Charts drawn on the server as inline SVG: no JavaScript, no front-end library, no inline style.

Each chart is a `Chart`: the <svg role="img"> (with its <title> and <desc>) and the same figures as a
table, which the `chart` macro of templates/_charts.html always renders beside it. Colours come from
classes styled in static/css/charts.css (the Content-Security-Policy allows no style="" attribute);
a second series is told apart by a hatch pattern and the legend, and every bar carries its value in
text, so nothing is said by colour alone.

- `bar_chart`: horizontal bars, one per label, optionally a pair (e.g. avant / après) per label, and an
  optional interval drawn as a whisker; a bar without a value shows its note (« moins de 5 personnes »).
- `histogram`: vertical bars, the count per bin (`bins_for` makes the bins from values and edges).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 720  # the viewBox width; the SVG scales to its box
LABEL_WIDTH = 230  # room for the labels left of a horizontal bar
VALUE_ROOM = 150  # room for the value written after the longest bar
ROW = 22  # height of one bar
LINE = 15  # height of a label line
EMPTY = "Aucune donnée"


def fr_number(value: float, digits: int = 0) -> str:
    """A number written the French way: « 12,5 », « −3 » (a real minus sign)."""
    text = f"{abs(value):.{digits}f}".replace(".", ",")
    return ("−" if value < 0 and float(text.replace(",", ".")) != 0 else "") + text


def percent(value: float) -> str:
    """A rate in [0, 1] as « 72 % » (narrow no-break space)."""
    return f"{fr_number(value * 100)}\u202f%"


@dataclass(frozen=True)
class Bar:
    """One label's bar(s). `value` None: nothing drawn, `note` written instead."""

    label: str
    value: float | None
    second: float | None = None  # the pair's second value (e.g. « après »)
    interval: tuple[float, float] | None = None  # a whisker on the last drawn value (e.g. a 95 % interval)
    note: str = ""


@dataclass(frozen=True)
class Bin:
    """One bar of a histogram: its label and how many values fell in it."""

    label: str
    count: int


@dataclass(frozen=True)
class Chart:
    """A chart and its table alternative (headers, rows of text), rendered together by templates/_charts.html."""

    svg: Markup
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "graphique"


def _wrap(label: str, width: int = 30, lines: int = 2) -> list[str]:
    """Cut a label into at most `lines` lines of about `width` characters, with « … » if it was longer."""
    out: list[str] = []
    words = label.split()
    current = ""
    while words:
        word = words.pop(0)
        if len(current) + len(word) + (1 if current else 0) <= width or not current:
            current = f"{current} {word}".strip()
            continue
        out.append(current)
        current = word
        if len(out) == lines:
            break
    if len(out) < lines and current:
        out.append(current)
        current = ""
    if current or words:
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return [line if len(line) <= width + 6 else line[: width - 1] + "…" for line in out] or [""]


def _svg(chart_id: str, title: str, desc: str, height: int, body: Iterable[str]) -> Markup:
    head = (f'<svg class="chart-svg" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
            f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
            f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect class="chart-hatch-bg" width="6" height="6"/>'
            f'<line class="chart-hatch" x1="0" y1="0" x2="0" y2="6" stroke-width="3"/></pattern></defs>')
    return Markup(head + "".join(body) + "</svg>")


def _empty(chart_id: str, title: str, desc: str, headers: tuple[str, ...]) -> Chart:
    body = [f'<text class="chart-empty" x="{WIDTH // 2}" y="34" text-anchor="middle">{EMPTY}</text>']
    return Chart(_svg(chart_id, title, desc, 56, body), title, headers, ((EMPTY,) + ("",) * (len(headers) - 1),))


def bar_chart(bars: Sequence[Bar], *, title: str, desc: str, chart_id: str | None = None,
              series: tuple[str, str] | None = None, max_value: float | None = None,
              fmt: Callable[[float], str] = fr_number, value_header: str = "Valeur") -> Chart:
    """Horizontal bars. With `series` (e.g. ("Avant", "Après")) each label has two bars: the first hatched.

    The axis runs from min(0, smallest) to max(0, largest, max_value): negative values go left of zero.
    """
    chart_id = chart_id or _slug(title)
    paired = series is not None
    headers = ("", *(series if series else (value_header,)))
    if any(b.interval for b in bars):
        headers = (*headers, "Intervalle")
    if not bars:
        return _empty(chart_id, title, desc, headers)
    values = [v for b in bars for v in (b.value, b.second, *(b.interval or ())) if v is not None]
    low = min([0.0, *values])
    high = max([0.0, *values, *([max_value] if max_value is not None else [])])
    span = (high - low) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM

    def x(value: float) -> float:
        return round(LABEL_WIDTH + (value - low) / span * plot, 1)

    body: list[str] = []
    y = 8
    if series:
        body.append(_legend(chart_id, series, y))
        y += 28
    top = y
    rows: list[tuple[str, ...]] = []
    for bar in bars:
        lines = _wrap(bar.label)
        drawn = [(bar.value, "first" if paired else "single"), (bar.second, "second")] if paired \
            else [(bar.value, "single")]
        block = max(len(lines) * LINE, ROW * len(drawn)) + 10
        body.append(f'<g class="chart-row"><text class="chart-label" x="{LABEL_WIDTH - 8}" '
                    f'y="{y + 14}" text-anchor="end">'
                    + "".join(f'<tspan x="{LABEL_WIDTH - 8}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                              for i, line in enumerate(lines)) + "</text>")
        if bar.value is None and bar.second is None:
            body.append(f'<text class="chart-note" x="{LABEL_WIDTH + 4}" y="{y + 14}">{escape(bar.note or EMPTY)}'
                        f"</text>")
        for index, (value, kind) in enumerate(drawn):
            if value is None:
                continue
            top_y = y + index * ROW
            left, right = sorted((x(0), x(value)))
            fill = f' fill="url(#{chart_id}-hatch)"' if kind == "first" else ""
            body.append(f'<rect class="chart-bar chart-bar-{kind}" x="{left}" y="{top_y}" '
                        f'width="{round(right - left, 1)}" height="{ROW - 4}"{fill}/>')
            text = fmt(value) if not paired else f"{series[index] if series else ''} {fmt(value)}".strip()
            whisker_end = x(bar.interval[1]) if bar.interval and index == len(drawn) - 1 else 0
            body.append(f'<text class="chart-value" x="{max(right, whisker_end) + 6}" y="{top_y + 13}">'
                        f"{escape(text)}</text>")
        if bar.interval:
            last = y + (len(drawn) - 1) * ROW + (ROW - 4) // 2
            a, b = x(bar.interval[0]), x(bar.interval[1])
            body.append(f'<path class="chart-whisker" d="M{a} {last}H{b}M{a} {last - 6}V{last + 6}M{b} {last - 6}'
                        f'V{last + 6}"/>')
        body.append("</g>")
        cells = [bar.label, *((fmt(v) if v is not None else (bar.note or "—")) for v, _k in drawn)]
        if "Intervalle" in headers:
            cells.append(f"{fmt(bar.interval[0])} à {fmt(bar.interval[1])}" if bar.interval else "—")
        rows.append(tuple(cells))
        y += block
    body.insert(0 if not series else 1,
                f'<line class="chart-axis" x1="{x(0)}" y1="{top - 4}" x2="{x(0)}" y2="{y}"/>')
    return Chart(_svg(chart_id, title, desc, y + 6, body), title, headers, tuple(rows))


def _legend(chart_id: str, series: tuple[str, str], y: int) -> str:
    first, second = (escape(s) for s in series)
    return (f'<g class="chart-legend"><rect class="chart-bar chart-bar-first" x="{LABEL_WIDTH}" y="{y}" width="18" '
            f'height="14" fill="url(#{chart_id}-hatch)"/><text x="{LABEL_WIDTH + 24}" y="{y + 12}">{first}</text>'
            f'<rect class="chart-bar chart-bar-second" x="{LABEL_WIDTH + 140}" y="{y}" width="18" height="14"/>'
            f'<text x="{LABEL_WIDTH + 164}" y="{y + 12}">{second}</text></g>')


def histogram(bins: Sequence[Bin], *, title: str, desc: str, chart_id: str | None = None,
              x_label: str = "", count_header: str = "Personnes") -> Chart:
    """Vertical bars: the count of each bin, written above it; the bins' labels below."""
    chart_id = chart_id or _slug(title)
    headers = (x_label or "Classe", count_header)
    if not bins or not any(b.count for b in bins):
        return _empty(chart_id, title, desc, headers)
    top, plot_h, left = 24, 180, 40
    slot = (WIDTH - left - 10) / len(bins)
    peak = max(b.count for b in bins)
    base = top + plot_h
    body = [f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}"/>']
    for index, item in enumerate(bins):
        height = round(item.count / peak * plot_h, 1)
        x0 = round(left + index * slot + slot * 0.12, 1)
        middle = round(left + index * slot + slot / 2, 1)
        body.append(f'<g class="chart-row"><rect class="chart-bar chart-bar-single" x="{x0}" y="{base - height}" '
                    f'width="{round(slot * 0.76, 1)}" height="{height}"/>'
                    f'<text class="chart-value" x="{middle}" y="{base - height - 6}" text-anchor="middle">'
                    f"{item.count}</text>"
                    f'<text class="chart-label" x="{middle}" y="{base + 18}" text-anchor="middle">'
                    f"{escape(item.label)}</text></g>")
    if x_label:
        body.append(f'<text class="chart-caption" x="{WIDTH // 2}" y="{base + 40}" text-anchor="middle">'
                    f"{escape(x_label)}</text>")
    rows = tuple((b.label, str(b.count)) for b in bins)
    return Chart(_svg(chart_id, title, desc, base + (48 if x_label else 30), body), title, headers, rows)


def bins_for(values: Iterable[float], edges: Sequence[float],
             label: Callable[[float, float], str] | None = None) -> list[Bin]:
    """Count values into the bins [edges[i], edges[i+1]) — the last one closed. Values outside are left out."""
    def default(low: float, high: float) -> str:
        return f"{fr_number(low)} à {fr_number(high)}"

    name = label or default
    counts = [0] * (len(edges) - 1)
    for value in values:
        for index in range(len(counts)):
            last = index == len(counts) - 1
            if edges[index] <= value < edges[index + 1] or (last and value == edges[index + 1]):
                counts[index] += 1
                break
    return [Bin(name(edges[i], edges[i + 1]), counts[i]) for i in range(len(counts))]
