"""The dashboard's charts: pygal SVG, served by a view and shown with <img> (no JavaScript:
`js=[]`, so nothing loads from elsewhere). Figures come from queries.dashboard, like the tables."""
from __future__ import annotations

import math
import re

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from registry.errors import _l
from registry.orgs.models import BASE_STATUSES
from registry.svg import with_title_and_desc

FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
STYLE = Style(font_family=FONT, label_font_family=FONT, major_label_font_family=FONT, value_font_family=FONT,
              value_label_font_family=FONT, tooltip_font_family=FONT, title_font_family=FONT,
              legend_font_family=FONT, no_data_font_family=FONT, background="white", plot_background="white",
              colors=("#0d6efd", "#dc3545", "#6c757d", "#198754", "#ffc107", "#6610f2", "#fd7e14", "#20c997"))

CHARTS = {
    "status": _l("Bases by life-cycle state"),
    "rules": _l("Bases failing each rule"),
    "ratio": _l("Enterprise-mentor ratio"),
    "quota": _l("Quota used per university"),
}


def _config(**kw):
    return dict(style=STYLE, js=[], width=640, height=360, show_legend=kw.pop("show_legend", False),
                no_data_text=_("No data"), print_values=True, **kw)


def _whole_numbers(chart, values):
    """Counts of bases: an axis of whole numbers, not 0.2, 0.4, ..."""
    top = max([0, *values])
    step = max(1, math.ceil(top / 8))
    chart.y_labels = list(range(0, top + step, step))
    return chart


def status_chart(data):
    chart = pygal.HorizontalBar(**_config(title=str(CHARTS["status"])))
    counts = data.status_counts
    keys = [k for k in BASE_STATUSES if counts.get(k)]
    chart.x_labels = [str(BASE_STATUSES[k]) for k in keys]
    chart.add(_("Bases"), [counts[k] for k in keys])
    return _whole_numbers(chart, [counts[k] for k in keys])


def rules_chart(data):
    chart = pygal.Bar(**_config(title=str(CHARTS["rules"])))
    counts = data.failing_counts
    chart.x_labels = list(counts)
    chart.add(_("Failing"), list(counts.values()))
    return _whole_numbers(chart, list(counts.values()))


def ratio_chart(data):
    chart = pygal.Pie(**_config(title=str(CHARTS["ratio"]), show_legend=True, inner_radius=0.4))
    counts = data.ratio_counts
    chart.add(_("At least one third"), counts["meets"])
    chart.add(_("Less than one third"), counts["short"])
    chart.add(_("No active mentor"), counts["empty"])
    return chart


def quota_chart(data):
    chart = pygal.StackedBar(**_config(title=str(CHARTS["quota"]), show_legend=True))
    rows = data.quota[:20]
    chart.x_labels = [f"{q.round.year} {q.university.name}" for q in rows]
    chart.x_label_rotation = 30
    chart.add(_("Used"), [q.used for q in rows])
    chart.add(_("Left"), [q.left for q in rows])
    return _whole_numbers(chart, [q.used + q.left for q in rows])


RENDERERS = {"status": status_chart, "rules": rules_chart, "ratio": ratio_chart, "quota": quota_chart}


_SCRIPT = re.compile(rb"<script[^>]*>.*?</script>", re.S)


def render(name: str, data) -> bytes:
    """The chart as SVG bytes. pygal writes its config into an inline <script> even with js=[]:
    dropped, since an image runs no script and the page's policy allows none."""
    return with_title_and_desc(_SCRIPT.sub(b"", RENDERERS[name](data).render()), CHARTS[name],
                               _("The same figures are in the tables of the dashboard."))
