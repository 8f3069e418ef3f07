"""The ratio history as an SVG line chart (pygal, no JavaScript, nothing loaded from outside)."""
from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _
from pygal.style import Style

THIRD_PERCENT = 100 / 3
_SCRIPT = re.compile(rb"<script[^>]*>.*?</script>|<!--.*?-->", re.S)

STYLE = Style(
    background="white", plot_background="white", foreground="#212529", foreground_strong="#212529",
    foreground_subtle="#6c757d", colors=("#0d6efd", "#dc3545", "#198754", "#6c757d"),
    font_family="'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    title_font_size=18, label_font_size=14, major_label_font_size=14, legend_font_size=15,
)


def ratio_history_svg(history, title: str) -> bytes:
    """`history`: list of Ratio (monthly points): the enterprise share in %, and the one-third line.
    The counts behind each point are in the page's table."""
    chart = pygal.Line(
        js=[], style=STYLE, width=900, height=380, title=title, x_label_rotation=30, show_minor_x_labels=False,
        x_labels_major_every=max(1, len(history) // 12), truncate_label=-1, legend_at_bottom=True,
        range=(0, 100), show_dots=len(history) <= 48,
        y_title=_("Enterprise share (%)"), print_values=False, explicit_size=False, disable_xml_declaration=False,
        no_data_text=_("No data"),
    )
    chart.x_labels = [r.as_of.strftime("%Y-%m") for r in history]
    chart.add(_("Enterprise share"), [round(float(r.share) * 100, 2) for r in history])
    chart.add(_("One third (requirement)"), [round(THIRD_PERCENT, 2)] * len(history), show_dots=False,
              stroke_style={"dasharray": "6, 4", "width": 2})
    # pygal writes its config into a <script> even without its JS files: drop it, an image runs no script.
    from registry.svg import with_title_and_desc

    return with_title_and_desc(_SCRIPT.sub(b"", chart.render()), title,
                               _("The enterprise-mentor share by month, with the one-third line; the page has the "
                                 "same figures as a table."))
