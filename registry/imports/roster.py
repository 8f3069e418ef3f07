"""The mentor roster import of spec/interfaces.md: mentors and their appointments to one base.

A mentor is one person, identified by (organisation, staff number); an appointment is identified by
(base, mentor, start date). A row creates or updates both, under the rules the mentors area applies
to the same changes made by hand (`registry.mentors.services`):

- a person's appointments at one base never overlap (a renewal starts after the previous one ends);
- the side of a person assigned to students cannot change;
- a person whom the importing user may not manage (`authz.can_manage_mentor`: they serve no base
  that user keeps) is attached to the base as recorded: the name and side must match, their profile
  is left as it is;
- blank optional cells never erase what the registry knows (a mentor may have filled in their own
  profile); the end date is the exception the contract names: when the 聘任结束日期 column is
  there, a blank cell means open-ended.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from registry import authz
from registry.errors import _l
from registry.extensions import db
from registry.imports import parsing
from registry.imports.engine import (Change, Column, Importer, Row, Spec, Table, bulk_insert, bulk_update,
                                     created_and_updated, merge_repeated, not_before, run_import)
from registry.imports.parsing import CellError
from registry.mentors.fields import clean_name, mask_phone, normalise_phone, parse_side, validate_email
from registry.mentors.models import Appointment, Mentor, MentorAssignment
from registry.models_common import ids_in
from registry.orgs.models import Base

SIDE_LABELS_ZH = {"university": "校内导师", "enterprise": "企业导师"}
SIDE_CHOICES = ("校内导师", "企业导师")
FIRST_YEAR, LAST_YEAR = 1950, 2100  # the mentors area's bounds for appointment dates


def _side(value):
    side = parse_side(parsing.display(value))
    if side is None:
        raise CellError(_l("\"%(value)s\" is not a mentor type: use 校内导师 or 企业导师"), value=parsing.display(value))
    return side


_date = parsing.date_between(FIRST_YEAR, LAST_YEAR)

ROSTER = Spec("roster", columns=(
    Column("姓名", "name", True, parsing.field_rule(clean_name, 100), example="张明",
           description=_l("The person's name; spaces (also full-width) are trimmed at both ends.")),
    Column("导师类型", "side", True, _side, example="企业导师", choices=SIDE_CHOICES,
           description=_l("校内导师, 校内, 学校 or university; 企业导师, 企业, 行业 or enterprise.")),
    Column("所在单位", "organisation", True, parsing.text(200), example="星海航天动力研究所",
           aliases=("organization",), description=_l("The employer's name.")),
    Column("工号", "staff_no", True, parsing.text(64), example="XH-1024", aliases=("staff number",),
           description=_l("The staff number inside that employer; with the employer it identifies the person.")),
    Column("职称", "title", False, parsing.text(100), example="正高级工程师",
           description=_l("E.g. 教授, 研究员, 正高级工程师, 高级工程师.")),
    Column("最高学位", "degree", False, parsing.text(100), example="博士", description=_l("Highest degree.")),
    Column("专业领域", "expertise", False, parsing.text(500), example="液体火箭发动机",
           description=_l("Field of expertise.")),
    Column("聘任开始日期", "appointed_from", True, _date, example=dt.date(2023, 9, 1), default=None,
           description=_l("A date cell, or text 2023-09-01, 2023/9/1, 2023.9.1 or 2023年9月1日.")),
    Column("聘任结束日期", "appointed_until", False, _date, example=None, default=None,
           description=_l("Same forms; empty means open-ended; not before the start.")),
    Column("邮箱", "email", False, parsing.field_rule(validate_email, 254), example="zhangming@example.com",
           aliases=("e-mail",), description=_l("A valid address.")),
    Column("手机", "phone", False, lambda value: _phone_or_masked(value), example="138 1234 5678",
           aliases=("mobile",), description=_l("A mainland mobile number, 11 digits, may carry +86 or spaces. "
                                               "A masked number as exports write it (138****5678) means the "
                                               "number on record, unchanged.")),
), row_checks=(not_before("appointed_until", "appointed_from"),))

class MaskedPhone(str):
    """A mobile number as the registry's exports mask it (138****5678): it stands for the number on record."""


_MASKED = re.compile(r"^\s*(\d{3})[*＊]{4}(\d{4})\s*$")


_phone = parsing.field_rule(normalise_phone, 20)


def _phone_or_masked(value):
    if isinstance(value, str) and ("*" in value or "＊" in value):
        match = _MASKED.match(value)
        if match:
            return MaskedPhone(match.group(1) + "****" + match.group(2))
    return _phone(value)


PROFILE = ("title", "degree", "expertise", "email", "phone")
MENTOR_COLUMNS = ("name", "side", *PROFILE)


def preload_mentors(keys) -> dict[tuple[str, str], dict]:
    """Existing mentors with these (organisation, staff number) keys, as dicts: one query per 5,000
    staff numbers (a plain IN list plans faster than row values on PostgreSQL), filtered here."""
    keys = set(keys)
    found = {}
    cols = [Mentor.id, Mentor.organisation, Mentor.staff_no, *(getattr(Mentor, c) for c in MENTOR_COLUMNS)]
    staff_numbers = sorted({k[1] for k in keys})
    for start in range(0, len(staff_numbers), 5000):
        chunk = staff_numbers[start:start + 5000]
        for row in db.session.execute(select(*cols).where(Mentor.staff_no.in_(chunk))).mappings():
            key = (row["organisation"], row["staff_no"])
            if key in keys:
                found[key] = dict(row)
    return found


def manageable_mentor_ids(user, mentor_ids) -> set[int]:
    """The mentors among `mentor_ids` whom `user` may manage (as `authz.can_manage_mentor` decides,
    in bulk): everyone for the system (None) and the administrator; for coordinators, people
    holding an appointment at a base they may see."""
    mentor_ids = set(mentor_ids)
    if user is None or authz.can_manage_system(user):
        return mentor_ids
    if not authz.manages_mentors_by_scope(user):
        return set()
    scope = authz.visible_base_filter(user, Base)
    stmt = (select(Appointment.mentor_id).join(Base, Base.id == Appointment.base_id)
            .where(ids_in(Appointment.mentor_id, mentor_ids)).distinct())
    if scope is not None:
        stmt = stmt.where(scope)
    return set(db.session.scalars(stmt))


def mentors_with_assignments(mentor_ids) -> set[int]:
    mentor_ids = list(mentor_ids)
    found = set()
    stmt = (select(MentorAssignment.university_mentor_id, MentorAssignment.enterprise_mentor_id)
            .where(or_(ids_in(MentorAssignment.university_mentor_id, mentor_ids),
                       ids_in(MentorAssignment.enterprise_mentor_id, mentor_ids))))
    for pair in db.session.execute(stmt):
        found.update(pair)
    return found & set(mentor_ids)


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"{start.isoformat()} – {end.isoformat() if end else '…'}"


@dataclass
class _Span:
    """One appointment of a person at the base, as it will be after the import."""

    start: dt.date
    end: dt.date | None
    row: Row | None = None  # the file's row, if the import creates or changes it

    @property
    def last(self) -> dt.date:
        return self.end or dt.date.max


@dataclass
class RosterPlan:
    rows: int = 0
    mentor_creates: dict = field(default_factory=dict)  # key -> column values
    mentor_updates: list = field(default_factory=list)  # [Change]
    appointment_creates: list = field(default_factory=list)  # [(mentor key, column values)]
    appointment_updates: list = field(default_factory=list)  # [Change]
    mentor_ids: dict = field(default_factory=dict)  # key -> id of existing mentors


class RosterImporter(Importer):
    spec = ROSTER

    def __init__(self, base, *, actor=None):
        self.base = base
        self.base_id = base.id  # kept: the import expires loaded objects after writing
        self.actor = actor  # None: the system (command line); else only people they may manage are changed

    # -- planning --------------------------------------------------------------------------

    def plan(self, table: Table) -> RosterPlan:
        plan = RosterPlan(rows=len(table.rows))
        people, appointments = self._merge_rows(table)
        existing = preload_mentors(people)
        plan.mentor_ids = {key: m["id"] for key, m in existing.items()}
        ids = set(plan.mentor_ids.values())
        manageable = manageable_mentor_ids(self.actor, ids) if ids else set()
        assigned = mentors_with_assignments(ids) if ids else set()
        for key, (row, merged) in people.items():
            current = existing.get(key)
            if isinstance(merged.get("phone"), MaskedPhone):
                self._unmask(table, row, merged, current)
            if current is None:
                plan.mentor_creates[key] = {"organisation": key[0], "staff_no": key[1], "name": merged["name"],
                                            "side": merged["side"], "biography": "",
                                            **{c: merged.get(c) or "" for c in PROFILE}}
            else:
                self._plan_mentor_update(table, plan, row, merged, current, current["id"] in manageable,
                                         current["id"] in assigned)
        self._plan_appointments(table, plan, appointments)
        return plan

    def _merge_rows(self, table: Table):
        """People and appointments of the file; rows repeating a person must agree with each other."""
        people: dict[tuple, tuple[Row, dict]] = {}
        appointments: dict[tuple, Row] = {}
        # Rows with a wrong cell elsewhere are matched too: their conflicts show with their cell errors.
        for row in table.rows_to_check("organisation", "staff_no"):
            v = row.values
            key = (v["organisation"], v["staff_no"])
            if key in people:
                first, merged = people[key]
                merge_repeated(table, row, first, merged, MENTOR_COLUMNS,
                               _l("\"%(value)s\" conflicts with row %(row)s (same organisation and staff number, "
                                  "different %(column)s)"))
            else:
                people[key] = (row, {c: v.get(c) for c in MENTOR_COLUMNS})
            if row.broken & {"appointed_from", "appointed_until"}:
                continue  # no appointment to judge
            app_key = (key, v["appointed_from"])
            other = appointments.get(app_key)
            if other is None:
                appointments[app_key] = row
            elif other.values["appointed_until"] != v["appointed_until"]:
                table.error(row, "appointed_until",
                            _l("conflicts with row %(row)s: the same appointment (same person and start date) "
                               "with a different end date"), row=other.number)
        return people, appointments

    def _unmask(self, table, row, merged, current) -> None:
        """A masked mobile number means "unchanged" when it matches the number on record (an export edited
        and imported again); anything else cannot be known from it."""
        masked = merged["phone"]
        if current is not None and current.get("phone") and mask_phone(current["phone"]) == masked:
            merged["phone"] = current["phone"]
            return
        merged["phone"] = None
        table.error(row, "phone", _l("\"%(value)s\" is a masked number that does not match the number on record; "
                                     "type the number in full, or leave the cell empty"), value=str(masked))

    def _plan_mentor_update(self, table, plan, row, merged, current, manageable, assigned):
        side_label = SIDE_LABELS_ZH.get(current["side"], current["side"])
        if not manageable:
            # Attach the person as recorded (like adding an existing person by hand): no profile change.
            if merged["name"] and merged["name"] != current["name"]:
                table.error(row, "name", _l("\"%(value)s\": this organisation and staff number belong to another "
                                            "person, kept by another base; check the staff number"),
                            value=merged["name"])
            if merged["side"] and merged["side"] != current["side"]:
                table.error(row, "side", _l("\"%(value)s\": this person is recorded as %(recorded)s"),
                            value=row.cells.get("side", ""), recorded=side_label)
            return
        if merged["side"] and merged["side"] != current["side"] and assigned:
            table.error(row, "side", _l("\"%(value)s\": this person is recorded as %(recorded)s and assigned to "
                                        "students; the type cannot change while those assignments exist"),
                        value=row.cells.get("side", ""), recorded=side_label)
            return
        changes = {c: [current[c], merged[c]] for c in ("name", "side", *PROFILE)
                   if merged.get(c) and merged[c] != current[c]}
        if changes:
            plan.mentor_updates.append(Change(current["id"], changes, label=merged["name"], base_id=self.base_id))

    def _plan_appointments(self, table: Table, plan: RosterPlan, appointments: dict) -> None:
        has_until = table.has("appointed_until")
        spans: dict[tuple, dict] = {}  # mentor key -> {identity: _Span}
        if plan.mentor_ids:
            by_id = {mentor_id: key for key, mentor_id in plan.mentor_ids.items()}
            stmt = (select(Appointment.id, Appointment.mentor_id, Appointment.starts_on, Appointment.ends_on,
                           Appointment.state)
                    .where(Appointment.base_id == self.base_id))
            if len(by_id) <= 500:
                stmt = stmt.where(Appointment.mentor_id.in_(list(by_id)))
            for app in db.session.execute(stmt):
                key = by_id.get(app.mentor_id)
                if key is not None:
                    spans.setdefault(key, {})[app.starts_on] = (_Span(app.starts_on, app.ends_on), app.id, app.state)
        planned: dict[tuple, list[_Span]] = {}
        for (key, starts_on), row in appointments.items():
            ends_on = row.values["appointed_until"]
            known = spans.get(key, {}).get(starts_on)
            if known is None:
                plan.appointment_creates.append((key, {"base_id": self.base_id, "starts_on": starts_on,
                                                       "ends_on": ends_on, "state": "active", "reason": ""}))
                planned.setdefault(key, []).append(_Span(starts_on, ends_on, row))
                continue
            span, app_id, state = known
            if has_until and span.end != ends_on and state == "ended":
                # Ended in the registry after the sheet was made: an old sheet must not reopen it.
                table.error(row, "appointed_until",
                            _l("\"%(value)s\": this appointment ended on %(ended)s in the registry; a new "
                               "appointment needs a new start date (renewal)"),
                            value=row.cells.get("appointed_until") or "", ended=span.end.isoformat() if span.end else "…")
                continue
            if has_until and span.end != ends_on:
                plan.appointment_updates.append(Change(
                    app_id, {"ends_on": [span.end, ends_on]}, base_id=self.base_id,
                    label=f"{plan.mentor_ids[key]}@{self.base_id} from {starts_on}"))
                span.end, span.row = ends_on, row
        for key in planned.keys() | {k for k, s in spans.items() if any(x.row for x, _, _ in s.values())}:
            everything = [s for s, _, _ in spans.get(key, {}).values()] + planned.get(key, [])
            if len(everything) > 1:
                self._refuse_overlaps(table, sorted(everything, key=lambda s: s.start))

    @staticmethod
    def _refuse_overlaps(table: Table, spans: list[_Span]) -> None:
        """The mentors area's rule: one person's appointments at a base share no day."""
        reach = None  # the span reaching furthest so far
        for span in spans:
            if reach is not None and span.start <= reach.last and (span.row or reach.row):
                row, other = (span, reach) if span.row else (reach, span)
                value = row.row.cells.get("appointed_from", row.start.isoformat())
                if other.row is not None:
                    table.error(row.row, "appointed_from",
                                _l("\"%(value)s\": this appointment (%(period)s) overlaps the one in row %(row)s; "
                                   "a renewal starts after the previous appointment ends"),
                                value=value, period=_period(row.start, row.end), row=other.row.number)
                else:
                    table.error(row.row, "appointed_from",
                                _l("\"%(value)s\": this appointment (%(period)s) overlaps one already recorded at "
                                   "this base (%(other)s); end or shorten that one first"),
                                value=value, period=_period(row.start, row.end),
                                other=_period(other.start, other.end))
            if reach is None or span.last > reach.last:
                reach = span

    # -- summary and writing ---------------------------------------------------------------

    COUNTED, SUMMARY = created_and_updated("mentors", "appointments")

    def write(self, plan: RosterPlan) -> None:
        keys = list(plan.mentor_creates)
        new_ids = bulk_insert(Mentor, [plan.mentor_creates[k] for k in keys], key=("organisation", "staff_no"),
                              label=lambda r: r["name"],
                              base_id=lambda r: self.base_id)
        mentor_ids = {**plan.mentor_ids, **dict(zip(keys, new_ids))}
        plan.mentor_creates = {}  # written: 100,000 rows' dicts need not outlive their insert
        del keys, new_ids
        bulk_update(Mentor, plan.mentor_updates)
        appointments = []
        for key, values in plan.appointment_creates:  # the plan's own dicts, completed in place
            values["mentor_id"] = mentor_ids[key]
            appointments.append(values)
        plan.appointment_creates = []
        bulk_insert(Appointment, appointments,
                    key=("base_id", "mentor_id", "starts_on"),
                    label=lambda r: f"{r['mentor_id']}@{r['base_id']} from {r['starts_on']}")
        bulk_update(Appointment, plan.appointment_updates)


def import_roster(base, path, filename=None, dry_run=False, *, actor=None):
    return run_import(RosterImporter(base, actor=actor), path, filename, dry_run=dry_run)

