"""The two badge designs, drawn here once and served as SVG and as PNG.

- « animateur » (Animateur·rice numérique pair·e): blue, a phone with two peers on its screen.
- « premiers-pas » (Premiers pas sur smartphone): green, a phone with a tick, and two footprints.
"""

from __future__ import annotations

from functools import cache

from kit.badges.openbadges.drawing import Ellipse, Polygon, Shape, rounded_rect, stroke, to_png, to_svg

SIZE = 256


def _star(cx: float, cy: float, outer: float, fill: str) -> Polygon:
    import math

    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else outer * 0.45
        angle = math.radians(-90 + i * 36)
        points.append((round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)))
    return Polygon(tuple(points), fill)


def _medal(dark: str, main: str) -> list[Shape]:
    return [Ellipse(128, 128, 127, 127, dark), Ellipse(128, 128, 117, 117, "#ffffff"),
            Ellipse(128, 128, 109, 109, main)]


def animator() -> list[Shape]:
    """Peers: two people side by side on a phone's screen, under a star."""
    return [
        *_medal("#123765", "#1b4d89"),
        _star(128, 40, 15, "#ffbf47"),
        rounded_rect(86, 62, 84, 140, 14, "#ffffff"),
        rounded_rect(94, 76, 68, 104, 5, "#ffe7a8"),
        Ellipse(111, 116, 10, 10, "#123765"), Ellipse(111, 158, 15, 22, "#123765"),
        Ellipse(145, 116, 10, 10, "#a3231b"), Ellipse(145, 158, 15, 22, "#a3231b"),
        Polygon(((94, 166), (162, 166), (162, 180), (94, 180)), "#ffe7a8"),
        Ellipse(128, 191, 5, 5, "#1b4d89"),
    ]


def first_steps() -> list[Shape]:
    """First steps: a phone showing a tick, and two footprints below it."""
    return [
        *_medal("#0f4a25", "#1d6b3a"),
        rounded_rect(90, 44, 76, 126, 14, "#ffffff"),
        rounded_rect(98, 58, 60, 92, 5, "#e3f4e5"),
        *stroke(((108, 106), (123, 121), (148, 90)), 11, "#1d6b3a"),
        Ellipse(128, 160, 5, 5, "#1d6b3a"),
        Ellipse(110, 206, 10, 16, "#ffbf47"), Ellipse(104, 185, 3.5, 3.5, "#ffbf47"),
        Ellipse(112, 184, 3.5, 3.5, "#ffbf47"), Ellipse(119, 187, 3, 3, "#ffbf47"),
        Ellipse(146, 194, 10, 16, "#ffbf47"), Ellipse(140, 173, 3.5, 3.5, "#ffbf47"),
        Ellipse(148, 172, 3.5, 3.5, "#ffbf47"), Ellipse(155, 175, 3, 3, "#ffbf47"),
    ]


DESIGNS = {"animateur": animator, "premiers-pas": first_steps}


def design_svg(name: str, title: str) -> str:
    """A design as an SVG document, titled for screen readers."""
    return to_svg(DESIGNS[name](), SIZE, title)


@cache
def design_png(name: str) -> bytes:
    """A design rasterized to PNG, once per process."""
    return to_png(DESIGNS[name](), SIZE)
