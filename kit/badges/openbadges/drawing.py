"""A tiny vector drawing: shapes drawn once, written as SVG and rasterized to PNG with Pillow.

The badge images are simple flat designs (discs, ellipses, polygons): Pillow's ImageDraw paints
them 4× larger, and a reduction averages each 4×4 block into one smooth-edged pixel.
"""

from __future__ import annotations

import io
import itertools
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

SAMPLES = 4  # supersampling per axis: 16 samples per pixel


@dataclass(frozen=True)
class Ellipse:
    """A filled ellipse (a disc when rx == ry)."""

    cx: float
    cy: float
    rx: float
    ry: float
    fill: str

    def svg(self) -> str:
        """As an SVG element."""
        if self.rx == self.ry:
            return f'<circle cx="{self.cx:g}" cy="{self.cy:g}" r="{self.rx:g}" fill="{self.fill}"/>'
        return f'<ellipse cx="{self.cx:g}" cy="{self.cy:g}" rx="{self.rx:g}" ry="{self.ry:g}" fill="{self.fill}"/>'


@dataclass(frozen=True)
class Polygon:
    """A filled polygon."""

    points: tuple[tuple[float, float], ...]
    fill: str

    def svg(self) -> str:
        """As an SVG element."""
        points = " ".join(f"{x:g},{y:g}" for x, y in self.points)
        return f'<polygon points="{points}" fill="{self.fill}"/>'


Shape = Ellipse | Polygon


def rounded_rect(x: float, y: float, width: float, height: float, radius: float, fill: str) -> Polygon:
    """A rectangle with rounded corners, as a polygon."""
    points = []
    corners = ((x + width - radius, y + radius, -90), (x + width - radius, y + height - radius, 0),
               (x + radius, y + height - radius, 90), (x + radius, y + radius, 180))
    for cx, cy, start in corners:
        for step in range(7):
            angle = math.radians(start + step * 15)
            points.append((round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)))
    return Polygon(tuple(points), fill)


def stroke(points: tuple[tuple[float, float], ...], width: float, fill: str) -> list[Shape]:
    """A thick polyline with round joints and ends."""
    shapes: list[Shape] = []
    half = width / 2
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half
        shapes.append(Polygon(((x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)), fill))
    shapes.extend(Ellipse(x, y, half, half, fill) for x, y in points)
    return shapes


def to_svg(shapes: list[Shape], size: int, title: str) -> str:
    """The drawing as a standalone SVG document."""
    body = "".join(shape.svg() for shape in shapes)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
            f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}"><title>{escape(title)}</title>{body}</svg>')


def to_png(shapes: list[Shape], size: int) -> bytes:
    """The drawing rasterized to an RGBA PNG of size × size (transparent outside the shapes)."""
    big = size * SAMPLES
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(canvas)
    for shape in shapes:
        if isinstance(shape, Ellipse):
            # Pillow's box includes its last pixel: one sample less, or every disc grows by one.
            box = [(shape.cx - shape.rx) * SAMPLES, (shape.cy - shape.ry) * SAMPLES,
                   (shape.cx + shape.rx) * SAMPLES - 1, (shape.cy + shape.ry) * SAMPLES - 1]
            pen.ellipse(box, fill=shape.fill)
        else:
            pen.polygon([(x * SAMPLES, y * SAMPLES) for x, y in shape.points], fill=shape.fill)
    # BOX averages each SAMPLES × SAMPLES block, alpha-weighted (Pillow premultiplies RGBA to resize).
    out = io.BytesIO()
    canvas.resize((size, size), Image.Resampling.BOX).save(out, "PNG", optimize=True)
    return out.getvalue()
