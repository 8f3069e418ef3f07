"""The ratio history as an SVG line chart (pygal, no JavaScript, nothing loaded from outside)."""
from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from registry.svg import with_title_and_desc

THIRD_PERCENT = 100 / 3
_SCRIPT = re.compile(rb"<script[^>]*>.*?</script>|<!--.*?-->", re.S)

STYLE = Style(
    background="white", plot_background="white", foreground="#212529", foreground_strong="#212529",
    foreground_subtle="#52606d", colors=("#1d4f91", "#b02a37", "#146c43", "#5c6670"),
    font_family="'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif",
    title_font_size=18, label_font_size=14, major_label_font_size=14, legend_font_size=15,
)


def ratio_history_svg(history, title: str) -> bytes:
    """`history`: list of Ratio (monthly points): the enterprise share in %, and the one-third line.
    The counts behind each point are in the page's table."""
    chart = pygal.Line(
        js=[], style=STYLE, width=900, height=380, title=title, x_label_rotation=30, show_minor_x_labels=False,
        x_labels_major_every=max(1, len(history) // 12), truncate_label=-1, legend_at_bottom=True,
        range=(0, 100), show_dots=len(history) <= 48, y_labels=[0, 20, round(THIRD_PERCENT, 1), 40, 60, 80, 100],
        y_title=_("Enterprise share (%)"), print_values=False, explicit_size=False, disable_xml_declaration=False,
        no_data_text=_("No data"),
    )
    chart.x_labels = [r.as_of.strftime("%Y-%m") for r in history]
    chart.add(_("Enterprise share"), [round(float(r.share) * 100, 2) for r in history])
    # The requirement as a strong reference line, with its value on the axis and in the legend.
    chart.add(f'{_("One third (required)")} 33.3%', [round(THIRD_PERCENT, 2)] * len(history),
              show_dots=False, stroke_style={"dasharray": "12, 6", "width": 4})
    # pygal writes its config into a <script> even without its JS files: drop it, an image runs no script.
    return with_title_and_desc(_SCRIPT.sub(b"", chart.render()), title,
                               _("The enterprise-mentor share by month, with the one-third line; the page has the "
                                 "same figures as a table."))
