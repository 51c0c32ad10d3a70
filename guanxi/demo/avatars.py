"""Illustrated portrait avatars for demo members, drawn with Pillow.

A small shared set (not one file per member) keeps a 100k-member demo cheap; the files
live under MEDIA_ROOT/demo/ and are redrawn when missing.
"""

from __future__ import annotations

import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from guanxi.demo.generator import AVATAR_COUNT

SIZE = 256
BACKGROUNDS = ("#dbe9f4", "#e6efe0", "#f3e6d8", "#e9e2f2", "#f5e1e4", "#dcefee", "#efe9d9")
SKIN = ("#f1d2b6", "#e7bf9b", "#d5a07a", "#b97f5b", "#8d5a3b", "#f6dcc5")
HAIR = ("#2b2420", "#3b2c24", "#171514", "#5a3b26", "#7a5b3a", "#4a4a4a", "#a7784f")
CLOTHES = ("#1f5f8b", "#30475e", "#6d2e46", "#2f5d50", "#494e6b", "#8a5a44", "#3c3c3c")


def avatar_name(number: int) -> str:
    return f"demo/avatar-{number:02d}.jpg"


def _shade(hex_colour: str, factor: float) -> tuple[int, int, int]:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return (int(r * factor), int(g * factor), int(b * factor))


def draw_avatar(number: int) -> bytes:
    """A flat head-and-shoulders portrait; `number` picks palette and hair style."""
    rng = random.Random(f"guanxi-avatar:{number}")
    scale = 2  # draw large, then downsample for smooth edges
    s = SIZE * scale
    background = rng.choice(BACKGROUNDS)
    image = Image.new("RGB", (s, s), background)
    draw = ImageDraw.Draw(image)
    # a soft vertical gradient behind the figure
    top, bottom = _shade(background, 1.03), _shade(background, 0.9)
    for y in range(s):
        t = y / s
        draw.line(
            [(0, y), (s, y)],
            fill=tuple(min(255, int(a + (b - a) * t)) for a, b in zip(top, bottom, strict=True)),
        )
    skin, hair, clothes = rng.choice(SKIN), rng.choice(HAIR), rng.choice(CLOTHES)
    long_hair = number % 2 == 1
    cx = s / 2

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (cx + x0 * s, y0 * s, cx + x1 * s, y1 * s)

    if long_hair:  # hair falling to the shoulders, behind everything else
        draw.rounded_rectangle(box(-0.19, 0.24, 0.19, 0.72), radius=int(0.1 * s), fill=hair)
    # shoulders, neck (in shadow), collar
    draw.rounded_rectangle(box(-0.36, 0.7, 0.36, 1.2), radius=int(0.17 * s), fill=clothes)
    draw.rectangle(box(-0.065, 0.52, 0.065, 0.74), fill=_shade(skin, 0.88))
    draw.polygon(
        [(cx - 0.11 * s, 0.7 * s), (cx, 0.82 * s), (cx + 0.11 * s, 0.7 * s)],
        fill=_shade(skin, 0.88),
    )
    draw.line(
        [(cx - 0.12 * s, 0.69 * s), (cx, 0.83 * s), (cx + 0.12 * s, 0.69 * s)],
        fill=_shade(clothes, 0.75),
        width=int(0.012 * s),
    )
    # hair mass, ears, face: the face sits lower than the hair so a hairline shows
    draw.ellipse(box(-0.165, 0.2, 0.165, 0.55), fill=hair)
    draw.ellipse(box(-0.168, 0.38, -0.12, 0.47), fill=_shade(skin, 0.95))
    draw.ellipse(box(0.12, 0.38, 0.168, 0.47), fill=_shade(skin, 0.95))
    draw.ellipse(box(-0.14, 0.27, 0.14, 0.6), fill=skin)
    style = rng.randrange(3)
    if style == 0:  # side parting
        draw.polygon(
            [
                (cx - 0.15 * s, 0.36 * s),
                (cx - 0.12 * s, 0.25 * s),
                (cx + 0.05 * s, 0.22 * s),
                (cx + 0.15 * s, 0.3 * s),
                (cx + 0.02 * s, 0.3 * s),
            ],
            fill=hair,
        )
    elif style == 1:  # fringe
        draw.chord(box(-0.15, 0.2, 0.15, 0.42), 180, 360, fill=hair)
    else:  # swept back
        draw.chord(box(-0.15, 0.21, 0.15, 0.37), 190, 350, fill=hair)
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def ensure_avatars() -> list[str]:
    """Make sure every shared avatar file exists; returns their storage names."""
    names = []
    for number in range(AVATAR_COUNT):
        name = avatar_name(number)
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(draw_avatar(number)))
            if saved != name:  # a concurrent run wrote it first
                default_storage.delete(saved)
        names.append(name)
    return names
