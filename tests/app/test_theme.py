"""The registry's theme (registry/static/theme.css): its colour pairs meet WCAG AA (4.5:1 for text),
the navigation's links included; every page links it; the print styles hide the chrome."""
from __future__ import annotations

import re

import pytest

from registry.config import PROJECT_ROOT

THEME = (PROJECT_ROOT / "registry" / "static" / "theme.css").read_text()


def _var(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", THEME).group(1)


def _luminance(hex_colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("foreground,background", [
    ("#ffffff", "reg-primary"),  # navigation links, primary buttons
    ("reg-primary", "#ffffff"),  # links
    ("reg-primary", "reg-fail-tint"),  # links in a failing summary item
    ("reg-text", "reg-surface"),
    ("reg-muted", "#ffffff"),
    ("reg-muted", "reg-surface"),  # breadcrumbs, key-figure labels
    ("#ffffff", "reg-pass"), ("#ffffff", "reg-fail"), ("#ffffff", "reg-na"),  # badges
    ("reg-fail", "reg-fail-tint"),  # "what it takes" in a failing summary item
])
def test_colour_pairs_meet_aa(foreground, background):
    fg = foreground if foreground.startswith("#") else _var(foreground)
    bg = background if background.startswith("#") else _var(background)
    assert contrast(fg, bg) >= 4.5, (foreground, background, round(contrast(fg, bg), 2))


def test_navigation_links_are_opaque_white():
    rule = re.search(r"\.navbar-dark \.navbar-nav \.nav-link,[^{]*\{([^}]*)\}", THEME).group(1)
    assert "color: #fff" in rule


def test_every_page_links_the_theme_and_print_styles(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "/static/theme.css" in html and 'href="/static/print.css" media="print"' in html
    assert client.get("/static/theme.css").status_code == 200
    printing = (PROJECT_ROOT / "registry" / "static" / "print.css").read_text()
    assert re.search(r"nav, \.navbar, \.breadcrumbs, \.section-nav[^{]*\{ display: none", printing)
