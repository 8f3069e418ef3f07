"""Spreadsheet import and export of the records beside the roster (exchanges, teaching, innovation),
through the roster's import engine (`registry.imports.engine`) and the reports' safe writers
(`registry.safe_sheets`): the same header rules, row-numbered errors in both languages, all or
nothing, and idempotent (a row matching a record by its natural key updates it, or changes nothing).

Each record type is described by a `RecordSheet`: its engine `Spec` (columns; the English alias of
each column is the key the area's service takes), how a row finds its record (`key_columns`), how values are
checked (the area's own service functions, so a spreadsheet obeys the very rules of the web form),
and how a record reads back as a row (`export`), so an exported file imports unchanged.

Every problem of every row in one pass: a row with a wrong cell is still matched against the file and
the database (unless the wrong cell is one of its key columns) and checked by the service, the wrong
cell's own rules aside; so is a row naming a linked record the base does not have. Neither is written.
The rules across rows (one person's overlapping terms, `RecordSheet.in_file`) see every row whose cells
they read parsed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import aliased

from registry.errors import DomainError, _l, errors_of
from registry.extensions import db
from registry.imports import parsing
from registry.imports.blank_workbooks import build_template
from registry.imports.engine import Column, Importer, Row, Spec, Table, not_before, run_import
from registry.imports.kinds import KINDS, ImportKind, register_import
from registry.imports.parsing import CellError
from registry.imports.roster import preload_mentors
from registry.safe_sheets import Sheet, csv_bytes, is_guarded, xlsx_bytes


def text(max_length: int):
    """The engine's text cell, undoing the export's formula guard: `'=x` (as we export `=x`) reads
    back as `=x`, so an exported file imports unchanged."""
    parse_text = parsing.text(max_length)

    def parse(value):
        if is_guarded(value):
            value = value[1:]
        return parse_text(value)

    return parse


def labelled_choice(mapping: dict, aliases: dict[str, str]):
    """A cell parser for an enum: its key, its Chinese label(s) in `aliases`, case-insensitive."""
    table = {key: key for key in mapping}
    table.update(aliases)

    def parse(value):
        raw = parsing.display(value)
        found = {k.lower(): v for k, v in table.items()}.get(raw.lower())
        if found is None:
            raise CellError(_l("\"%(value)s\" is not one of: %(choices)s"), value=raw,
                            choices="、".join(dict.fromkeys(first_label(aliases, k) for k in mapping)))
        return found

    return parse


def first_label(aliases: dict[str, str], key: str) -> str:
    """The first alias of a key: how exports and templates write it."""
    return next((alias for alias, target in aliases.items() if target == key), key)


@dataclass(eq=False)
class RecordSheet:
    name: str  # e.g. "exchanges": the CLI's KIND and the file names
    title: str  # the sheet's title (Chinese), which its file carries
    spec: Spec
    model: type
    key_columns: tuple[str, ...]  # the columns whose values say which record a row is (its natural key)
    record_key: Callable[[Any], tuple]  # the natural key of an existing record
    create: Callable  # (base, data, *, actor) -> record
    update: Callable  # (record, data, *, actor) -> record
    check: Callable  # (base, data, record or None) -> the cleaned values (raises DomainError)
    export: Callable  # (record) -> [cell values in the order of spec.columns]
    resolve: Callable | None = None  # (base, table) -> None: turn reference columns into ids, in bulk
    # Rules across the file's rows, (table, [(row, values)]) -> None, and the columns they read: they see
    # every row where those parsed, whatever else is wrong with it (its values: the row's, overlaid with
    # the service's where its check passed); a row with one of them wrong is left out (already reported).
    in_file: Callable | None = None
    in_file_reads: tuple[str, ...] = ()
    counted_as: str = "records"
    options: tuple = field(default_factory=tuple)  # eager loading for exports
    row_key: Callable[[dict], tuple] | None = None  # a row's key other than its key columns' values (may raise DomainError)
    label: Any = None  # what the sheet holds, in the page's language (a lazy string); else its title

    def __post_init__(self):
        keys = {c.key for c in self.spec.columns}
        if (self.in_file and not self.in_file_reads) or not keys.issuperset(self.in_file_reads):
            raise ValueError(f"{self.name}: in_file_reads must name the columns its in_file check reads")

    def compared(self, row: Row) -> bool:
        """Whether the rules across rows see this row: every cell they read parsed."""
        return self.in_file is not None and not row.broken.intersection(self.in_file_reads)

    def key(self, values: dict) -> tuple:
        return self.row_key(values) if self.row_key else tuple(values[k] for k in self.key_columns)


DATE = parsing.date_between(1950, 2100)


def date_column(name: str, key: str, required: bool = True, example=None, description="") -> Column:
    """A date cell in 1950–2100 (a blank optional one is None); a column with an example date is
    written as a date in exports."""
    return Column(name, key, required, DATE, example=example, default=None, description=description)


def kind_sheet(kind, *, name: str, title: str, columns: tuple, key: tuple, export: Callable | None = None,
               row_key: Callable | None = None, **more) -> RecordSheet:
    """The sheet of a record kind (`registry.records.services.Kind`) whose own services check and
    write its rows, so a file obeys the rules of the web form. A row is the same record as the one
    with the same values of the `key` fields (`row_key`: a row's key computed otherwise); the kind's
    span is checked in the file too; `export` defaults to each column's attribute."""
    row_checks = (not_before(kind.span[1], kind.span[0]),) if kind.span is not None else ()
    return RecordSheet(
        name=name, title=title, spec=Spec(name, columns=columns, row_checks=row_checks), model=kind.model,
        key_columns=key, row_key=row_key, record_key=lambda record: tuple(getattr(record, k) for k in key),
        create=kind.create, update=kind.update, check=kind.check,
        export=export or (lambda record: [getattr(record, c.key) for c in columns]), **more)


SHEETS: dict[str, RecordSheet] = {}


def register_sheet(sheet: RecordSheet) -> RecordSheet:
    """Make a record sheet known to the command line and to the web import's pages."""
    SHEETS[sheet.name] = sheet
    register_import(ImportKind(
        sheet.name, sheet.spec, importer_factory(sheet.name),
        title=_l("Import: %(title)s", title=sheet.title if sheet.label is None else sheet.label),
        done=_l("Imported %(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."),
        count_labels=COUNT_LABELS, sheet_title=sheet.title, order=200))
    return sheet


def _column_key(spec: Spec, key: str | None) -> str | None:
    return key if key and any(c.key == key for c in spec.columns) else None


def domain_error_to_row(table: Table, row: Row, exc: DomainError, fallback: str | None = None) -> None:
    """Every error `exc` stands for, in its column, but those about a value the row already has an error for."""
    for error in errors_of(exc):
        if error.field not in row.broken:
            table.error(row, _column_key(table.spec, error.field) or _column_key(table.spec, fallback),
                        error.message, **error.params)


@dataclass
class SheetPlan:
    rows: int = 0
    creates: list = field(default_factory=list)  # [data]
    updates: list = field(default_factory=list)  # [(record, data)]
    unchanged: int = 0


class RecordImporter(Importer):
    """Rows → records of one base, checked by the area's services; written through them too (a few
    hundred rows a year per base: the ORM path keeps one set of rules and the audit log)."""

    def __init__(self, sheet: RecordSheet, base, *, actor=None):
        self.sheet, self.spec, self.base, self.actor = sheet, sheet.spec, base, actor
        self.base_id = base.id

    def plan(self, table: Table) -> SheetPlan:
        sheet = self.sheet
        plan = SheetPlan(rows=len(table.rows))
        if sheet.resolve:
            sheet.resolve(self.base, table)  # an unknown linked record sets the row aside (`Table.set_aside`)
        existing = {sheet.record_key(r): r for r in db.session.scalars(
            select(sheet.model).where(sheet.model.base_id == self.base_id))}
        seen: dict[tuple, Row] = {}
        compared = []  # for the rules across rows (`in_file`)
        for row in table.rows_to_check(*sheet.key_columns):
            data = row.values
            try:
                key = sheet.key(data)
            except DomainError as exc:
                domain_error_to_row(table, row, exc)
                continue
            if key in seen:
                table.error(row, None, _l("the same record as row %(row)s"), row=seen[key].number)
                continue
            seen[key] = row
            record = existing.get(key)
            try:
                values = sheet.check(self.base, data, record)
            except DomainError as exc:
                domain_error_to_row(table, row, exc)
                values = None
            if sheet.compared(row):
                compared.append((row, {**data, **(values or {})}))
            if values is None or row.broken:
                continue  # checked with the rest; its wrong cells already reported; never written
            if record is None:
                plan.creates.append(data)
            elif any(_differs(getattr(record, k), v) for k, v in values.items()):
                plan.updates.append((record, data))
            else:
                plan.unchanged += 1
        if sheet.in_file:
            sheet.in_file(table, compared)
        return plan

    def counts(self, plan: SheetPlan) -> dict[str, int]:
        return {"rows": plan.rows, "created": len(plan.creates), "updated": len(plan.updates),
                "unchanged": plan.unchanged}

    def summary(self, counts: dict[str, int]) -> str:
        return ("imported: {rows} rows, {created} " + self.sheet.counted_as + " created, {updated} updated, "
                "{unchanged} unchanged").format(**counts)

    def write(self, plan: SheetPlan) -> None:
        for record, data in plan.updates:
            self.sheet.update(record, data, actor=self.actor)
        for data in plan.creates:
            self.sheet.create(self.base, data, actor=self.actor)


def _differs(old, new) -> bool:
    if isinstance(old, dt.datetime):
        old = old.date()
    return old != new


def import_records(name: str, base, path, filename=None, dry_run=False, *, actor=None):
    return run_import(RecordImporter(SHEETS[name], base, actor=actor), path, filename, dry_run=dry_run)


def importer_factory(name: str):
    """For `registry.imports.cli.run` and the web import: base (, actor=) -> an Importer."""
    return lambda base, *, actor=None: RecordImporter(SHEETS[name], base, actor=actor)


# ---- export --------------------------------------------------------------------------------

def export_rows(sheet: RecordSheet, base_id: int) -> list[list]:
    stmt = select(sheet.model).where(sheet.model.base_id == base_id).options(*sheet.options) \
        .order_by(sheet.model.id)
    return [sheet.export(record) for record in db.session.scalars(stmt)]


def export_xlsx(sheet: RecordSheet, base) -> bytes:
    """The base's records with the import's own headers: edit and import again, nothing is lost."""
    header = [c.name for c in sheet.spec.columns]
    formats = {i: "yyyy-mm-dd" for i, c in enumerate(sheet.spec.columns) if _is_date_column(c)}
    return xlsx_bytes([Sheet(sheet.title, header, export_rows(sheet, base.id),
                             widths=[max(12, len(h) * 2 + 4) for h in header], formats=formats)])


def export_csv(sheet: RecordSheet, base) -> bytes:
    return csv_bytes([c.name for c in sheet.spec.columns], export_rows(sheet, base.id))


def _is_date_column(column) -> bool:
    return isinstance(column.example, dt.date)


def template_xlsx(sheet: RecordSheet) -> bytes:
    return build_template(sheet.spec)


# ---- the web import (registry.imports.views) -------------------------------------------------

COUNT_LABELS = {"created": _l("Records to create"), "updated": _l("Records to update"),
                "unchanged": _l("Records unchanged")}


def web_import_available(name: str) -> bool:
    """Whether the imports area's web pages know this sheet (then the list page links to them)."""
    return name in KINDS


# ---- helpers for member sheets (teams, working groups) -----------------------------------

def members_of_base(member_model, parent_model, name: str):
    """An aliased member model with a `base_id` column taken from its parent record."""
    members, parents = member_model.__table__, parent_model.__table__
    parent_fk = next(iter(fk.parent for fk in members.foreign_keys if fk.column.table is parents))
    view = select(members, parents.c.base_id.label("base_id")).join(parents, parents.c.id == parent_fk).subquery(name)
    model = aliased(member_model, view, name=name)
    model.base_id = view.c.base_id
    return model


SIDE_ALIASES = {"高校": "university", "学校": "university", "校方": "university", "大学": "university",
                "企业": "enterprise", "企方": "enterprise"}
YES_NO = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False, "true": True, "false": False,
          "1": True, "0": False, "√": True, "✓": True, "×": False}


def person_columns(sides: dict, name: str, side: str, organisation: str) -> tuple[Column, ...]:
    """A member's person (teams, working groups), with the examples given: name, side, organisation,
    and the staff number that links a roster mentor (`resolve_staff_numbers`)."""
    return (
        Column("姓名", "name", True, text(100), example=name),
        Column("所属方", "side", True, labelled_choice(sides, SIDE_ALIASES), example=side, choices=("高校", "企业"),
               description=_l("高校 (university) or 企业 (enterprise).")),
        Column("所在单位", "organisation", True, text(200), example=organisation),
        Column("工号", "staff_no", False, text(64),
               description=_l("Optional: the staff number of a roster mentor; links the member to that mentor.")),
    )


def term_columns(joined: dt.date, parent: str, parent_header: str, parent_description) -> tuple[Column, ...]:
    """A member's dates, and the start of the parent record (`<parent>_established_on`) a file creates."""
    return (
        date_column("加入日期", "from_on", example=joined),
        date_column("退出日期", "until_on", required=False,
                    description=_l("Empty while a member; not before the date joined.")),
        date_column(parent_header, f"{parent}_established_on", required=False, example=joined,
                    description=parent_description),
    )


def yes_no(value):
    raw = parsing.display(value)
    found = YES_NO.get(raw.lower())
    if found is None:
        raise parsing.CellError(_l("\"%(value)s\" is neither 是 nor 否"), value=raw)
    return found


def resolve_staff_numbers(table, organisation: str = "organisation", name: str = "name",
                          side: str | None = "side") -> None:
    """Staff numbers → roster mentors (one query): the row's name (and side, when the sheet has one)
    must be the roster's. Sets `mentor_id` on every row (None without a staff number). Refusals never
    name the holder: the staff number may belong to a person of a base the user does not keep."""
    rows = list(table.rows_to_check(organisation))  # a copy: rows set aside leave `table.rows`
    keys = {(r.values[organisation], r.values["staff_no"]) for r in rows if r.values.get("staff_no")}
    mentors = preload_mentors(keys) if keys else {}
    for row in rows:
        staff_no = row.values.get("staff_no")
        row.values["mentor_id"] = None
        if not staff_no:
            continue
        mentor = mentors.get((row.values[organisation], staff_no))
        if mentor is None:
            table.error(row, "staff_no", _l("\"%(value)s\": no roster mentor of %(organisation)s has this staff "
                                            "number"), value=staff_no, organisation=row.values[organisation])
        elif name not in row.broken and mentor["name"] != row.values[name]:
            table.error(row, name, _l("\"%(value)s\": this staff number belongs to another person"),
                        value=row.values[name])
        elif side and side not in row.broken and mentor["side"] != row.values[side]:
            table.error(row, side, _l("\"%(value)s\": the roster has this mentor on the other side"),
                        value=row.cells.get(side, row.values[side]))
        else:
            row.values["mentor_id"] = mentor["id"]
            continue
        table.set_aside(row, "staff_no")  # no mentor linked; the person as typed is checked


def earliest_start(table, group_key: str, date_key: str, target: str) -> None:
    """Fill `target` (the date a record created from these rows starts) where the file leaves it
    blank: the earliest `date_key` among the rows naming the same `group_key`."""
    rows = table.rows_to_check(group_key)
    first: dict = {}
    for row in rows:
        name, day = row.values[group_key], row.values[date_key]
        if day is not None and (name not in first or day < first[name]):
            first[name] = day
    for row in rows:
        if row.values.get(target) is None and target not in row.broken:
            row.values[target] = first.get(row.values[group_key])


def spans_meet(a: dict, b: dict) -> bool:
    return ((a["until_on"] is None or a["until_on"] >= b["from_on"])
            and (b["until_on"] is None or b["until_on"] >= a["from_on"]))


def same_person(a: dict, b: dict) -> bool:
    return ((a["mentor_id"] is not None and a["mentor_id"] == b["mentor_id"])
            or (a["name"], a["organisation"]) == (b["name"], b["organisation"]))


def retarget(exc: DomainError, field: str) -> DomainError:
    """The same error, shown in another column (a parent record's rule, on the row naming it)."""
    return DomainError(exc.message, field=field, **exc.params)


def member_check(parent: str, parent_values: Callable, member_values: Callable, new_parent: Callable) -> Callable:
    """The `check` of a member sheet (teaching teams, working groups): a member of its existing
    `parent` record, or of the one the file creates (named by the row's `<parent>_name` and
    `<parent>_established_on`), which is checked by the parent's own rules on those columns."""
    def check(base, data, member):
        if member is not None:
            return member_values(getattr(member, parent), data, member)
        owner = data[parent]
        if owner is None:
            try:
                parent_values(base.id, {"name": data[f"{parent}_name"],
                                        "established_on": data[f"{parent}_established_on"]})
            except DomainError as exc:
                raise retarget(exc, f"{parent}_established_on" if exc.field == "established_on"
                               else f"{parent}_name") from None
            owner = new_parent(base.id)
        return member_values(owner, data)

    return check


def staff_number(member) -> str:
    """The staff number of a member's linked roster mentor (exports load `mentor` eagerly)."""
    return member.mentor.staff_no if member.mentor is not None else ""
