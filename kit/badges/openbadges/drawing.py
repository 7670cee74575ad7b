"""A tiny vector drawing: shapes drawn once, written as SVG and rasterized to PNG in pure Python.

The badge images are simple flat designs (discs, ellipses, polygons), so a scanline
rasterizer with 4×4 supersampling draws them well enough, with no Cairo or Pillow to install.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

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

    def spans(self, y: float) -> list[tuple[float, float]]:
        """The inside of the shape on the horizontal line y."""
        dy = (y - self.cy) / self.ry
        if abs(dy) >= 1:
            return []
        half = self.rx * math.sqrt(1 - dy * dy)
        return [(self.cx - half, self.cx + half)]


@dataclass(frozen=True)
class Polygon:
    """A filled polygon (even-odd rule)."""

    points: tuple[tuple[float, float], ...]
    fill: str

    def svg(self) -> str:
        """As an SVG element."""
        points = " ".join(f"{x:g},{y:g}" for x, y in self.points)
        return f'<polygon points="{points}" fill="{self.fill}"/>'

    def spans(self, y: float) -> list[tuple[float, float]]:
        """The inside of the shape on the horizontal line y."""
        xs = []
        count = len(self.points)
        for i in range(count):
            (x0, y0), (x1, y1) = self.points[i], self.points[(i + 1) % count]
            if (y0 <= y < y1) or (y1 <= y < y0):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
        xs.sort()
        return list(zip(xs[::2], xs[1::2], strict=False))


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


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def to_png(shapes: list[Shape], size: int) -> bytes:
    """The drawing rasterized to an RGBA PNG of size × size (transparent outside the shapes)."""
    big = size * SAMPLES
    palette = [(0, 0, 0, 0)] + [(*_rgb(c), 255) for c in dict.fromkeys(s.fill for s in shapes)]
    index = {color[:3]: i for i, color in enumerate(palette) if i}
    # Paint the shapes in order into a supersampled buffer of palette indexes, span by span.
    canvas = bytearray(big * big)
    for shape in shapes:
        fill = bytes([index[_rgb(shape.fill)]])
        for row in range(big):
            y = (row + 0.5) / SAMPLES
            for x0, x1 in shape.spans(y):
                start, end = max(0, math.ceil(x0 * SAMPLES - 0.5)), min(big, math.floor(x1 * SAMPLES - 0.5) + 1)
                if end > start:
                    canvas[row * big + start:row * big + end] = fill * (end - start)
    return _encode_png(_downsample(canvas, size, palette), size)


def _downsample(canvas: bytearray, size: int, palette: list[tuple[int, int, int, int]]) -> bytes:
    """Average each block of SAMPLES × SAMPLES samples into one RGBA pixel."""
    big = size * SAMPLES
    rows = []
    for y in range(size):
        lines = [bytes(canvas[(y * SAMPLES + k) * big:(y * SAMPLES + k + 1) * big]) for k in range(SAMPLES)]
        row = bytearray(b"\0")  # filter type 0 for this scanline
        for x in range(size):
            block = b"".join(line[x * SAMPLES:(x + 1) * SAMPLES] for line in lines)
            first = block[0]
            if block.count(first) == len(block):
                row += bytes(palette[first])
                continue
            red = green = blue = alpha = 0
            for sample in block:
                r, g, b, a = palette[sample]
                red, green, blue, alpha = red + r * a, green + g * a, blue + b * a, alpha + a
            row += bytes((red // alpha, green // alpha, blue // alpha, alpha // len(block))) if alpha else bytes(4)
        rows.append(bytes(row))
    return b"".join(rows)


def _encode_png(raw: bytes, size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))
