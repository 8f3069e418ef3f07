"""Charts people can read with any eyes: every SVG chart carries a <title> and a <desc> (what it
shows, and that the page has the same figures as a table), named by role="img" and
aria-labelledby, so a screen reader opening the image on its own still hears what it is."""
from __future__ import annotations

import re

from markupsafe import escape

_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")
_ROLE = re.compile(rb"\srole=\"[^\"]*\"")


def with_title_and_desc(svg: bytes, title, desc) -> bytes:
    match = _SVG_OPEN.search(svg)
    if match is None:
        return svg
    tag = _ROLE.sub(b"", match.group(0)[:-1])
    opened = tag + b' role="img" aria-labelledby="chart-title chart-desc">'
    inner = (f'<title id="chart-title">{escape(str(title))}</title>'
             f'<desc id="chart-desc">{escape(str(desc))}</desc>').encode()
    return svg[:match.start()] + opened + inner + svg[match.end():]
