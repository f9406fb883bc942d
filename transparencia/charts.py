"""Charts as inline SVG drawn on the server: no JavaScript, no CDN, readable on a phone.

Each chart is a picture of a table printed next to it, so it is marked `role="img"` with a
label that points to that table; a screen reader reads the table. Colours come from classes
styled in static/css/app.css (the "Transparencia" section), text is real SVG text in the
page's font. The drawing is 320 units wide: on a 360 px phone it is shown about at scale,
on a desktop a little larger (the CSS caps its width).
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
CHAR = 7.2  # width of a character of a value, at the chart's font size, roughly
LABEL_CHARS = 40  # a longer label is cut in the chart; the table has it whole


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: not drawn (a suppressed count, a month still to come)
    text: str  # written at the end of the bar
    css: str = "c-main"


def _cut(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _svg(height: float, label: str, body: list[str], css: str = "") -> SafeString:
    return mark_safe(  # every text in `body` went through escape()
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
    )


def _nice_max(value: float) -> float:
    """A round number at least `value`, for the top of an axis."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return value


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _room(texts: list[str]) -> float:
    """Units left for the bars once the longest value is written after them."""
    return WIDTH - 8 - CHAR * max((len(t) for t in texts), default=0)


def bars(items: list[Bar], *, label: str, scale: float | None = None) -> SafeString:
    """Horizontal bars, the label above each one (long secretaría names fit on a phone)."""
    row = 40
    usable = _room([b.text for b in items])
    top = scale or max((b.value or 0 for b in items), default=0) or 1
    body = []
    for i, b in enumerate(items):
        y = i * row
        body.append(f'<text class="chart__label" x="0" y="{y + 14}">{escape(_cut(b.label))}</text>')
        if b.value is None:
            width = usable * 0.04
            body.append(
                f'<rect class="c-none" x="0" y="{y + 19}" width="{width:.1f}" height="14" rx="2"/>'
            )
        else:
            width = max(usable * b.value / top, 1.5) if b.value else 0.0
            if width:
                body.append(
                    f'<rect class="{b.css}" x="0" y="{y + 19}" width="{width:.1f}" height="14" '
                    'rx="2"/>'
                )
        body.append(
            f'<text class="chart__value" x="{width + 5:.1f}" y="{y + 31}">{escape(b.text)}</text>'
        )
    return _svg(max(len(items), 1) * row, label, body)


def columns(
    values: list[float],
    *,
    label: str,
    ticks: list[tuple[int, str]],
    height: float = 170,
    css: list[str] | None = None,
) -> SafeString:
    """Vertical columns over a sequence (days, years), with a light grid and a few ticks."""
    left, bottom, top_pad = 34, 22, 8
    plot_w, plot_h = WIDTH - left - 2, height - bottom - top_pad
    top = _nice_max(max(values, default=0))
    n = max(len(values), 1)
    slot = plot_w / n
    gap = min(slot * 0.25, 6)
    body = []
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        body.append(
            f'<line class="chart__grid" x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        body.append(
            f'<text class="chart__axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt(top * fraction)}</text>"
        )
    for i, v in enumerate(values):
        if not v:
            continue
        h = plot_h * v / top
        cls = css[i] if css else "c-main"
        w = min(max(slot - gap, 0.8), 44)  # a few years would make slabs, not columns
        body.append(
            f'<rect class="{cls}" x="{left + i * slot + (slot - w) / 2:.1f}" '
            f'y="{top_pad + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}"/>'
        )
    for i, text in ticks:
        x = left + i * slot + slot / 2
        body.append(
            f'<text class="chart__axis" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
    return _svg(height, label, body)


def paired_columns(
    categories: list[str],
    first: list[float | None],
    second: list[float | None],
    *,
    names: tuple[str, str],
    label: str,
) -> SafeString:
    """Two columns per category (this year and the one before), with a legend above."""
    height, left, bottom, top_pad = 200, 34, 22, 30
    plot_w, plot_h = WIDTH - left - 2, height - bottom - top_pad
    top = _nice_max(max((v or 0 for v in [*first, *second]), default=0))
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.36
    body = [
        f'<rect class="c-main" x="{left}" y="4" width="12" height="12"/>'
        f'<text class="chart__label" x="{left + 16}" y="15">{escape(names[0])}</text>'
        f'<rect class="c-alt" x="{left + 80}" y="4" width="12" height="12"/>'
        f'<text class="chart__label" x="{left + 96}" y="15">{escape(names[1])}</text>'
    ]
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        body.append(
            f'<line class="chart__grid" x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        body.append(
            f'<text class="chart__axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt(top * fraction)}</text>"
        )
    for i, name in enumerate(categories):
        x0 = left + i * slot + (slot - 2 * bar) / 2
        for j, (v, cls) in enumerate(((first[i], "c-main"), (second[i], "c-alt"))):
            if not v:
                continue
            h = plot_h * v / top
            body.append(
                f'<rect class="{cls}" x="{x0 + j * bar:.1f}" y="{top_pad + plot_h - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"/>'
            )
        body.append(
            f'<text class="chart__axis" x="{left + i * slot + slot / 2:.1f}" y="{height - 6}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    return _svg(height, label, body)


def stacked(parts: list[Bar], *, label: str) -> SafeString:
    """One bar split in its parts (shares of a whole), and a legend with each count."""
    total = sum(p.value or 0 for p in parts)
    body = []
    x = 0.0
    for p in parts:
        if not p.value:
            continue
        w = WIDTH * p.value / total
        body.append(f'<rect class="{p.css}" x="{x:.1f}" y="0" width="{w:.1f}" height="26"/>')
        x += w
    if not total:
        body.append(f'<rect class="c-none" x="0" y="0" width="{WIDTH}" height="26"/>')
    for i, p in enumerate(parts):
        y = 42 + i * 26
        body.append(f'<rect class="{p.css}" x="0" y="{y}" width="14" height="14" rx="2"/>')
        body.append(
            f'<text class="chart__label" x="20" y="{y + 12}">{escape(_cut(p.label, 30))}</text>'
        )
        body.append(
            f'<text class="chart__value" x="{WIDTH}" y="{y + 12}" text-anchor="end">'
            f"{escape(p.text)}</text>"
        )
    return _svg(42 + len(parts) * 26, label, body)


@dataclass(frozen=True)
class Range:
    label: str
    median: int | None
    p90: int | None
    text: str
    css: str = ""


def ranges(items: list[Range], *, label: str) -> SafeString:
    """Per row: a light bar to the 90th percentile and a dark one to the median."""
    row = 40
    usable = _room([r.text for r in items])
    top = max((r.p90 or 0 for r in items), default=0) or 1
    body = []
    for i, r in enumerate(items):
        y = i * row
        body.append(
            f'<text class="chart__label {r.css}" x="0" y="{y + 14}">{escape(_cut(r.label))}</text>'
        )
        end = 0.0
        if r.p90 is not None:
            end = max(usable * r.p90 / top, 1.5)
            body.append(
                f'<rect class="c-alt" x="0" y="{y + 19}" width="{end:.1f}" height="14" rx="2"/>'
            )
        if r.median is not None:
            w = max(usable * r.median / top, 1.5)
            body.append(
                f'<rect class="c-main" x="0" y="{y + 22}" width="{w:.1f}" height="8" rx="2"/>'
            )
        body.append(
            f'<text class="chart__value" x="{end + 5:.1f}" y="{y + 31}">{escape(r.text)}</text>'
        )
    return _svg(max(len(items), 1) * row, label, body)
