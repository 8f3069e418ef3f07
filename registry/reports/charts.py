"""The statistics page's charts: pygal SVG served by a view and shown with <img>, drawn as the
dashboard draws its own (no JavaScript, nothing loaded from elsewhere). Figures come from
`statistics.statistics`, like the table beside them."""
from __future__ import annotations

import re

import pygal
from flask_babel import gettext as _

from registry.checks.charts import STYLE
from registry.errors import _l
from registry.reports.statistics import EMPLOYMENT, FIGURE, FIGURES, Statistics
from registry.svg import with_title_and_desc

CHARTS = {
    "mentors": _l("Mentors by side"),
    "share": _l("Enterprise share of mentors"),
    "students": _l("Students jointly trained and graduates"),
    "employment": _l("Graduates by employment outcome"),
    "exchanges": _l("Two-way exchange by direction"),
    "teaching": _l("Joint teaching and innovation"),
}


def _config(title, **kw):
    return dict(style=STYLE, js=[], width=640, height=360, show_legend=kw.pop("show_legend", True),
                legend_at_bottom=True, no_data_text=_("No data"), title=str(title), print_values=False, **kw)


def _bars(stats: Statistics, name: str, keys, chart_class=pygal.Bar):
    chart = chart_class(**_config(CHARTS[name]))
    chart.x_labels = [str(y) for y in stats.years]
    for key in keys:
        chart.add(str(FIGURE[key].label), stats.row(key))
    return chart


def mentors_chart(stats):
    return _bars(stats, "mentors", ("enterprise_mentors", "university_mentors"), pygal.StackedBar)


def share_chart(stats):
    chart = pygal.Line(**_config(CHARTS["share"], range=(0, 100), include_x_axis=True))
    chart.x_labels = [str(y) for y in stats.years]
    chart.add(_("Enterprise share (%)"), [round(float(v) * 100, 1) for v in stats.row("enterprise_share")])
    # The one-third line (四(二)), drawn strong and labelled.
    chart.add(_("One third (required)"), [round(100 / 3, 1)] * len(stats.years),
              stroke_style={"width": 3, "dasharray": "8, 4"}, show_dots=False)
    return chart


def students_chart(stats):
    return _bars(stats, "students", ("students_jointly_trained", "graduates"))


def employment_chart(stats):
    return _bars(stats, "employment", [f"employment_{k}" for k in EMPLOYMENT], pygal.StackedBar)


def exchanges_chart(stats):
    return _bars(stats, "exchanges", [f.key for f in FIGURES if f.group == "exchanges"])


def teaching_chart(stats):
    return _bars(stats, "teaching", [f.key for f in FIGURES if f.group == "teaching"])


RENDERERS = {"mentors": mentors_chart, "share": share_chart, "students": students_chart,
             "employment": employment_chart, "exchanges": exchanges_chart, "teaching": teaching_chart}

_SCRIPT = re.compile(rb"<script[^>]*>.*?</script>", re.S)


def render(name: str, stats: Statistics) -> bytes:
    """SVG bytes without pygal's inline <script> (an image runs none, and the page's policy allows none)."""
    chart = RENDERERS[name](stats)
    return with_title_and_desc(_SCRIPT.sub(b"", chart.render()), getattr(chart.config, "title", None) or "",
                               _("The same figures are in the tables of the statistics page."))
