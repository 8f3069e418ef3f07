"""Downloads: the mentor-ratio report (JSON, CSV, Excel) for one base or every visible base, a base's
full roster, the mentor directory; the reports page and the base page's spreadsheet panel; the
ministry-wide statistics per year (page, charts, Excel); a round's published lists (Excel, Word)."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry import authz, cache
from registry.authz import ADMIN, ALL, REVIEWER, STAFF, actor, allow
from registry.checks.models import ApplicationRound
from registry.errors import DomainError, _l
from registry.extensions import db
from registry.imports.kinds import kinds
from registry.nav import register_nav
from registry.orgs.models import FIELDS, UNIVERSITY_KINDS, Base
from registry.orgs.panels import register_panel
from registry.orgs.queries import base_ids_visible_to
from registry.orgs.views import base_crumbs, load_base
from registry.reports import (charts as stat_charts, published, ratio as ratio_report, roster as roster_report,
                              statistics)
from registry.safe_sheets import csv_bytes, xlsx_bytes
from registry.web import parse_as_of

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
ROSTER_FILES = ("roster.xlsx", "mentors.csv", "students.csv")


def _panel(base, user, as_of):
    """The base page's spreadsheet panel: links only, no query."""
    can_import = authz.can_edit_roster(user, base)
    return {"as_of": as_of, "can_export_roster": authz.can_view_rosters(user),
            "can_unmask": authz.can_see_contact_details(user, base), "can_import": can_import,
            "imports": kinds() if can_import else []}


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: do not keep copies on the way
    return response


def _strict_date(value: str | None) -> dt.date:
    """A download's date: today when absent; a malformed one is refused (a file must not silently
    carry another day's figures)."""
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(_l("\"%(value)s\" is not a date in the form YYYY-MM-DD."), value=value[:40]) from None


@bp.route("/reports")
@allow(*ALL)
def index():
    user = actor()
    as_of = parse_as_of(request.args.get("as_of"))
    rows = ratio_report.ratios(as_of, base_ids_visible_to(user))
    return render_template("reports/index.html", rows=rows, as_of=as_of,
                           can_export_roster=authz.can_view_rosters(user), can_unmask_directory=_may_unmask_directory(user))


@bp.route("/reports/ratio.<fmt>")
@allow(*ALL)
def ratio(fmt):
    if fmt not in ("json", "csv", "xlsx"):
        abort(404)
    as_of = _strict_date(request.args.get("as_of"))
    code = (request.args.get("base") or "").strip()
    base_ids = [load_base(code).id] if code else base_ids_visible_to(actor())
    rows = ratio_report.ratios(as_of, base_ids)
    name = f"mentor-ratio-{as_of.isoformat()}{'-' + rows[0].code if code and rows else ''}.{fmt}"
    if fmt == "json":
        body = json.dumps(ratio_report.as_json(as_of, rows), ensure_ascii=False, indent=2).encode()
        return _download(body, name, "application/json")
    if fmt == "csv":
        return _download(ratio_report.csv_report(rows), name, CSV)
    return _download(ratio_report.xlsx_report(rows, as_of), name, XLSX)


@bp.route("/bases/<code>/export/<name>")
@allow(*STAFF)
def roster_export(code, name):
    if name not in ROSTER_FILES:
        abort(404)
    base = load_base(code)
    unmasked = request.args.get("unmasked") == "1"
    if unmasked and not authz.can_see_contact_details(actor(), base):
        abort(403)
    if unmasked and request.args.get("confirmed") != "1":
        return _confirm_unmasked(url_for("reports.roster_export", code=base.code, name=name),
                                 url_for("orgs.base_detail", code=base.code), base=base)
    stamp = dt.date.today().isoformat()
    if name == "roster.xlsx":
        data = xlsx_bytes(roster_report.roster_sheets(base, unmasked))
        return _download(data, f"roster-{base.code}-{stamp}.xlsx", XLSX)
    if name == "mentors.csv":
        data = csv_bytes(roster_report.MENTOR_COLUMNS, roster_report.mentor_rows(base.id, unmasked))
        return _download(data, f"mentors-{base.code}-{stamp}.csv", CSV)
    data = csv_bytes(roster_report.STUDENT_COLUMNS, roster_report.student_rows(base.id))
    return _download(data, f"students-{base.code}-{stamp}.csv", CSV)


def _confirm_unmasked(action, cancel, base=None):
    """Full mobile numbers leave the registry only after a page that says so and a second click."""
    return render_template(
        "confirm.html", title=_("Export with full mobile numbers"), method="get", action=action,
        question=_("The file will hold every mentor's full mobile number. Keep it safe and share it only with "
                   "whoever needs to call them."),
        warning=None, hidden=[("unmasked", "1")], details=None,
        button=_("Download with full numbers"), cancel=cancel,
        crumbs=base_crumbs(base) if base is not None else [(_("Reports"), url_for("reports.index"))])


def _may_unmask_directory(user) -> bool:
    """Full mobile numbers in the directory only for whoever may see them at every base it covers."""
    if not authz.can_view_rosters(user):
        return False
    scope = authz.visible_base_filter(user, Base)
    stmt = select(Base) if scope is None else select(Base).where(scope)
    return all(authz.can_see_contact_details(user, b) for b in db.session.scalars(stmt))


@bp.route("/reports/mentors.<fmt>")
@allow(*STAFF)
def directory(fmt):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    user = actor()
    unmasked = request.args.get("unmasked") == "1"
    if unmasked and not _may_unmask_directory(user):
        abort(403)
    if unmasked and request.args.get("confirmed") != "1":
        return _confirm_unmasked(url_for("reports.directory", fmt=fmt), url_for("reports.index"))
    sheet = roster_report.directory_sheet(base_ids_visible_to(user), unmasked)
    name = f"mentor-directory-{dt.date.today().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return _download(xlsx_bytes([sheet]), name, XLSX)
    return _download(csv_bytes(sheet.header, sheet.rows), name, CSV)


# ---- ministry-wide statistics per year -------------------------------------------------------


def _statistics_request():
    filters = statistics.parse_filters(request.args)
    first, last = statistics.parse_years(request.args)
    return statistics.statistics_cached(filters, first, last)


def _statistics_args(stats) -> dict:
    f = stats.filters
    return {"field": f.field or "", "kind": f.kind or "", "round": f.round_id or "",
            "from": stats.years[0], "until": stats.years[-1]}


@bp.route("/reports/statistics")
@allow(ADMIN, REVIEWER)
def statistics_page():
    stats = _statistics_request()
    # The table of every indicator and year, rendered once per data generation, filters and language.
    table = cache.cached_block("statistics-table", "reports/statistics.html", "statistics_table",
                               lambda: dict(stats=stats, figures=statistics.FIGURES, groups=statistics.GROUPS),
                               stats.filters, stats.years)
    return render_template("reports/statistics.html", stats=stats, args=_statistics_args(stats), statistics_table=table,
                           figures=statistics.FIGURES, groups=statistics.GROUPS, charts=stat_charts.CHARTS,
                           fields=FIELDS, kinds=UNIVERSITY_KINDS,
                           rounds=list(db.session.scalars(select(ApplicationRound).order_by(ApplicationRound.year))))


@bp.route("/reports/statistics.xlsx")
@allow(ADMIN, REVIEWER)
def statistics_xlsx():
    stats = _statistics_request()
    name = f"statistics-{stats.years[0]}-{stats.years[-1]}.xlsx"
    return _download(statistics.xlsx(stats), name, XLSX)


@bp.route("/reports/statistics/chart/<name>.svg")
@allow(ADMIN, REVIEWER)
def statistics_chart(name):
    if name not in stat_charts.CHARTS:
        abort(404)
    svg = stat_charts.render(name, _statistics_request())
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=60"})


# ---- published lists of a round (公示名单, 认定名单) ------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/reports/lists")
@allow(ADMIN, REVIEWER)
def published_lists():
    return render_template("reports/published_lists.html", rounds=published.rounds_with_counts(),
                           lists=published.LISTS)


@bp.route("/reports/lists/<int:year>/<which>.<fmt>")
@allow(ADMIN, REVIEWER)
def published_list(year, which, fmt):
    if which not in published.LISTS or fmt not in ("xlsx", "docx"):
        abort(404)
    round_ = db.session.scalar(select(ApplicationRound).where(ApplicationRound.year == year))
    if round_ is None:
        abort(404)
    name = f"{published.title(round_, which)}.{fmt}"
    data = published.xlsx(round_, which) if fmt == "xlsx" else published.docx(round_, which)
    response = Response(data, mimetype=XLSX if fmt == "xlsx" else DOCX)
    response.headers["Content-Disposition"] = (f"attachment; filename=\"{year}-{which}.{fmt}\"; "
                                               f"filename*=UTF-8''{quote(name)}")
    return response


def register() -> None:
    """This area's navigation entries and base-page panel (called from the area's setup())."""
    register_nav(60, "reports.index", _l("Reports"), ALL)
    register_panel("spreadsheets", 90, "reports/_base_panel.html", _panel)
    register_nav(62, "reports.statistics_page", _l("Statistics"), (ADMIN, REVIEWER))
    register_nav(64, "reports.published_lists", _l("Published lists"), (ADMIN,))
