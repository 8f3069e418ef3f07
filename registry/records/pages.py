"""Record kinds: every record a base keeps beside its roster (exchanges, teaching, innovation,
governance), described once, and the pages that list, show, add, change and delete them.

An area describes each kind with a `RecordKind` (its model, form, service functions, list
columns and filters), calls `add_routes(bp, kind)` for its blueprint and `register_kind(kind)`
from its setup(); it gets, under `/bases/<code>/<slug>`:

    GET       ``                       list (filters: year and the kind's own), paginated
    GET/POST  `/new`                   add (editors of the base)
    GET       `/<id>`                  the record, its members (if any) and its evidence files
    GET/POST  `/<id>/edit`             change
    POST      `/<id>/delete`           delete (its evidence files with it)
    POST      `/<id>/members`          add a member (teams, working group, project participants)
    GET/POST  `/<id>/members/<m>/edit` change a member;  POST `/<id>/members/<m>/delete`

Every kind is also *attachable*: evidence files hang on it (see `registry.evidence.services`).
Views follow the house order: load the base (404 if unseen, 403 if not editable), load the record
inside that base (404 otherwise), call the service, commit once, redirect or render.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import io

from flask import abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry import authz
from registry.audit.words import register_record_type
from registry.authz import ALL, EDITORS, actor, allow
from registry.evidence.attachables import register_attachable
from registry.evidence.queries import attachment_counts
from registry.evidence.views import attachments_context
from registry.extensions import db
from registry.forms_support import display
from registry.orgs.views import load_base
from registry.records import sheets as spreadsheets
from registry.records.sheets import web_import_available
from registry.forms_support import delete_then, form_data, save_form


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable  # (obj, extra: dict) -> a value shown with `display`
    key: str = ""  # an id for tests and styling


def attribute_columns(labels: dict, *names: str) -> list[Column]:
    """Columns that each show one attribute of the record as it is, under its label in `labels`."""
    return [Column(labels[name], attribute_cell(name)) for name in names]


def attribute_cell(name: str) -> Callable:
    """A column's `value` that reads one attribute of the record."""
    return lambda o, e: getattr(o, name)


@dataclass(frozen=True)
class Filter:
    name: str  # query-string argument
    label: Any
    choices: dict  # value -> label
    column: Any  # compared for equality


@dataclass(eq=False, kw_only=True)
class Editable:
    """What the pages that add, change and delete records of a model need (a record kind, or the
    members of a record): its form and services, and the columns its list shows."""

    model: type
    label: Any
    form: type
    create: Callable  # (base or parent record, data, *, actor) -> the new record or member
    update: Callable  # (obj, data, *, actor) -> obj
    delete: Callable  # (obj, *, actor) -> None
    columns: list
    prepare_form: Callable | None = None  # (form, base): fill choices

    def call(self, action: str, *args):
        """Run one of the services as the signed-in user (every service takes keyword-only `actor`)."""
        return getattr(self, action)(*args, actor=actor())

    def make_form(self, base, **kwargs):
        """The form (`obj=` the record it changes), its choices filled for `base`."""
        form = self.form(**kwargs)
        if self.prepare_form:
            self.prepare_form(form, base)
        return form

    def save(self, form, action: str, target, *, done):
        """Save the form through the `action` service ("create", "update") on `target` (the base, the
        parent record, the record); see `save_form`."""
        return save_form(form, lambda: self.call(action, target, form_data(form)), message=_("Saved."), done=done)


@dataclass(eq=False, kw_only=True)
class MemberKind(Editable):
    """Members of a record over time (team members, working-group members, project participants)."""

    parent_attr: str  # the member's relationship to its record, e.g. "team"


@dataclass(eq=False, kw_only=True)
class RecordKind(Editable):
    key: str  # also the evidence record type, e.g. "exchange"
    area: str  # the blueprint's name
    slug: str  # URL part under /bases/<code>/
    plural: Any  # `label` is the singular
    details: list
    order_by: tuple = ()
    options: tuple = ()  # eager loading for lists
    year: Any = None  # SQL expression: the year a record counts in (the year filter)
    filters: tuple = ()
    list_extra: Callable | None = None  # (base, items, args) -> dict for the template
    detail_extra: Callable | None = None  # (obj) -> dict
    list_template: str = "evidence/record_list.html"
    detail_template: str = "evidence/record_detail.html"
    members: MemberKind | None = None
    sheet: str | None = None  # the name of its spreadsheet (registry.records.sheets), if any
    title: Callable = field(default=lambda obj: obj.audit_label())

    def endpoint(self, action: str) -> str:
        return f"{self.area}.{self.key}_{action}"

    def url(self, action: str, base, obj=None, **kw) -> str:
        if obj is not None:
            kw["record_id"] = obj.id
        return url_for(self.endpoint(action), code=base.code, **kw)


KINDS: dict[str, RecordKind] = {}


def _web_import(sheet: str) -> bool:
    return web_import_available(sheet)


def load_record(kind: RecordKind, base, record_id: int):
    obj = db.session.get(kind.model, record_id)
    if obj is None or obj.base_id != base.id:
        abort(404)
    return obj


def _load_member(kind: RecordKind, parent, member_id: int):
    member = db.session.get(kind.members.model, member_id)
    if member is None or getattr(member, kind.members.parent_attr) is not parent:
        abort(404)
    return member


def register_kind(kind: RecordKind) -> None:
    """Make a kind known to the framework, its pages to evidence files and its name to the audit log
    (from the area's setup())."""
    KINDS[kind.key] = kind
    register_attachable(kind.key, kind.model, kind.label, lambda obj, base: kind.url("detail", base, obj))
    register_record_type(kind.model.__tablename__, kind.label)  # how the audit log names its records


def add_routes(bp, kind: RecordKind) -> None:
    """The list, detail, add, change and delete pages of one kind, on the area's blueprint."""
    prefix = f"/bases/<code>/{kind.slug}"

    @allow(*ALL)
    def list_view(code):
        base = load_base(code)
        args = request.args
        stmt = select(kind.model).where(kind.model.base_id == base.id).options(*kind.options).order_by(*kind.order_by)
        year = args.get("year", type=int)
        if year and kind.year is not None:
            stmt = stmt.where(kind.year == year)
        active = {}
        for flt in kind.filters:
            value = args.get(flt.name)
            if value in flt.choices:
                stmt = stmt.where(flt.column == value)
                active[flt.name] = value
        page = db.paginate(stmt, per_page=args.get("per_page", 25, type=int) or 25, max_per_page=100,
                           error_out=False)
        items = list(page.items)

        extra = kind.list_extra(base, items, {"year": year, **active}) if kind.list_extra else {}
        years = []
        if kind.year is not None:
            years = sorted({int(y) for y in db.session.scalars(
                select(kind.year).where(kind.model.base_id == base.id).distinct()) if y is not None}, reverse=True)
        return render_template(kind.list_template, kind=kind, base=base, page=page, items=items, extra=extra,
                               years=years, year=year, active=active, display=display,
                               files=attachment_counts(kind.key, [o.id for o in items]),
                               web_import=kind.sheet is not None and _web_import(kind.sheet),
                               can_edit=authz.can_edit_base(actor(), base))

    @allow(*ALL)
    def detail_view(code, record_id, member_form=None):
        base = load_base(code)
        obj = load_record(kind, base, record_id)

        if kind.members is not None and member_form is None:
            member_form = kind.members.make_form(base, formdata=None)
        extra = kind.detail_extra(obj) if kind.detail_extra else {}
        return render_template(kind.detail_template, kind=kind, base=base, obj=obj, extra=extra, display=display,
                               member_form=member_form, can_edit=authz.can_edit_base(actor(), base),
                               **attachments_context(kind.key, obj, base))

    @allow(*EDITORS)
    def new_view(code):
        base = load_base(code, edit=True)
        form = kind.make_form(base)
        done = kind.save(form, "create", base, done=lambda obj: kind.url("detail", base, obj))
        return done or render_template("evidence/record_form.html", kind=kind, base=base, form=form, obj=None)

    @allow(*EDITORS)
    def edit_view(code, record_id):
        base = load_base(code, edit=True)
        obj = load_record(kind, base, record_id)
        form = kind.make_form(base, obj=obj)
        done = kind.save(form, "update", obj, done=kind.url("detail", base, obj))
        return done or render_template("evidence/record_form.html", kind=kind, base=base, form=form, obj=obj)

    @allow(*EDITORS)
    def delete_view(code, record_id):
        base = load_base(code, edit=True)
        obj = load_record(kind, base, record_id)
        return delete_then(lambda: kind.call("delete", obj), done=kind.url("list", base), message=_("Deleted."))

    bp.add_url_rule(prefix, f"{kind.key}_list", list_view)
    bp.add_url_rule(f"{prefix}/new", f"{kind.key}_new", new_view, methods=["GET", "POST"])
    bp.add_url_rule(f"{prefix}/<int:record_id>", f"{kind.key}_detail", detail_view)
    bp.add_url_rule(f"{prefix}/<int:record_id>/edit", f"{kind.key}_edit", edit_view, methods=["GET", "POST"])
    bp.add_url_rule(f"{prefix}/<int:record_id>/delete", f"{kind.key}_delete", delete_view, methods=["POST"])
    if kind.members is not None:
        _add_member_routes(bp, kind, prefix, detail_view, load_base)
    if kind.sheet is not None:
        _add_sheet_routes(bp, kind, prefix, load_base)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _add_sheet_routes(bp, kind: RecordKind, prefix: str, load_base) -> None:
    """Export (xlsx or csv, with the import's columns) and the import template."""
    @allow(*ALL)
    def export(code, fmt):
        base = load_base(code)
        sheet = spreadsheets.SHEETS[kind.sheet]
        if fmt == "csv":
            data, mimetype = spreadsheets.export_csv(sheet, base), "text/csv; charset=utf-8"
        else:
            data, mimetype = spreadsheets.export_xlsx(sheet, base), XLSX
        return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=f"{base.code}-{kind.sheet}.{fmt}", max_age=0)

    @allow(*EDITORS)
    def template(code):
        load_base(code, edit=True)
        data = spreadsheets.template_xlsx(spreadsheets.SHEETS[kind.sheet])
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=f"{kind.sheet}-template.xlsx", max_age=0)

    bp.add_url_rule(f"{prefix}/export.<any(xlsx, csv):fmt>", f"{kind.key}_export", export)
    bp.add_url_rule(f"{prefix}/template.xlsx", f"{kind.key}_template", template)


def _add_member_routes(bp, kind: RecordKind, prefix: str, detail_view, load_base) -> None:
    members = kind.members

    @allow(*EDITORS)
    def member_add(code, record_id):
        base = load_base(code, edit=True)
        parent = load_record(kind, base, record_id)
        form = members.make_form(base)
        done = members.save(form, "create", parent, done=kind.url("detail", base, parent))
        return done or (detail_view(code, record_id, member_form=form), 400)

    @allow(*EDITORS)
    def member_edit(code, record_id, member_id):
        base = load_base(code, edit=True)
        parent = load_record(kind, base, record_id)
        member = _load_member(kind, parent, member_id)
        form = members.make_form(base, obj=member)
        done = members.save(form, "update", member, done=kind.url("detail", base, parent))
        return done or render_template("evidence/record_form.html", kind=kind, base=base, form=form, obj=parent,
                                       member=member)

    @allow(*EDITORS)
    def member_delete(code, record_id, member_id):
        base = load_base(code, edit=True)
        parent = load_record(kind, base, record_id)
        member = _load_member(kind, parent, member_id)
        return delete_then(lambda: members.call("delete", member), done=kind.url("detail", base, parent),
                           message=_("Deleted."))

    bp.add_url_rule(f"{prefix}/<int:record_id>/members", f"{kind.key}_member_add", member_add, methods=["POST"])
    bp.add_url_rule(f"{prefix}/<int:record_id>/members/<int:member_id>/edit", f"{kind.key}_member_edit",
                    member_edit, methods=["GET", "POST"])
    bp.add_url_rule(f"{prefix}/<int:record_id>/members/<int:member_id>/delete", f"{kind.key}_member_delete",
                    member_delete, methods=["POST"])
