"""Draw Hearth's app icons (a white flame on orange) into assets/icons/ as PNG files.

No imaging library: each pixel is sampled 4×4 times against the flame's outline and the PNG
is written with zlib. Run again after changing the drawing: `python scripts/make_icons.py`.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "assets" / "icons"
ORANGE = (247, 107, 21)  # Radix orange-9, the app's accent.
WHITE = (255, 255, 255)
SAMPLES = 4


def _in_flame(x: float, y: float) -> bool:
    """A flame in the unit square: a teardrop, widest low down, its tip leaning right."""
    top, bottom, radius = 0.12, 0.86, 0.25
    if not top <= y <= bottom:
        return False
    t = (y - top) / (bottom - top)  # 0 at the tip, 1 at the base
    half_width = radius * math.sqrt(math.sin(math.pi * t**1.6))
    lean = 0.08 * (1 - t) ** 2
    return abs(x - 0.5 - lean) <= half_width


def _in_rounded_square(x: float, y: float, corner: float) -> bool:
    dx = max(corner - x, x - (1 - corner), 0.0)
    dy = max(corner - y, y - (1 - corner), 0.0)
    return dx * dx + dy * dy <= corner * corner


def _pixel(px: int, py: int, size: int, *, maskable: bool) -> tuple[int, int, int, int]:
    """The colour of one pixel: coverage of background and flame, averaged over samples."""
    # A maskable icon fills the square and keeps the flame inside the central safe zone.
    scale = 0.7 if maskable else 0.9
    background = flame = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size
            y = (py + (sy + 0.5) / SAMPLES) / size
            if maskable or _in_rounded_square(x, y, 0.22):
                background += 1
                if _in_flame(0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale):
                    flame += 1
    total = SAMPLES * SAMPLES
    if background == 0:
        return (0, 0, 0, 0)
    share = flame / background
    rgb = tuple(round(o + (w - o) * share) for o, w in zip(ORANGE, WHITE, strict=True))
    return (*rgb, round(255 * background / total))


def png(size: int, *, maskable: bool = False) -> bytes:
    """The icon as an 8-bit RGBA PNG of `size`×`size` pixels."""
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            rows.extend(_pixel(px, py, size, maskable=maskable))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    """Write every icon the manifest and the page head name."""
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-192.png", 192, True),
        ("maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ):
        (ICONS / name).write_bytes(png(size, maskable=maskable))
        print(f"{ICONS / name}")


if __name__ == "__main__":
    main()
