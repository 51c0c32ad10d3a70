"""The design tokens in the one stylesheet keep WCAG's contrast ratios."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SITE_CSS = Path(__file__).resolve().parents[1] / "guanxi" / "static" / "guanxi" / "site.css"


def tokens() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", SITE_CSS.read_text(), re.S)
    assert root, "site.css has no :root block of design tokens"
    return dict(re.findall(r"--([\w-]+):\s*([^;]+);", root.group(1)))


def luminance(hex_colour: str) -> float:
    digits = hex_colour.strip().lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", digits), f"not a #rrggbb colour: {hex_colour}"
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # WebAIM's grey


@pytest.mark.parametrize("background", ["canvas", "surface"])
def test_focus_ring_stands_out_3_to_1_against_page_and_cards(background):
    values = tokens()
    assert "var(--focus-ring)" in values["focus"]
    ratio = contrast(values["focus-ring"], values[background])
    assert ratio >= 3, f"focus ring {ratio:.2f}:1 against --{background}"


@pytest.mark.parametrize("foreground", ["ink", "ink-soft", "muted", "accent", "danger", "success"])
def test_text_tokens_reach_4_5_to_1_on_page_and_cards(foreground):
    values = tokens()
    for background in ("canvas", "surface"):
        ratio = contrast(values[foreground], values[background])
        assert ratio >= 4.5, f"--{foreground} {ratio:.2f}:1 on --{background}"
