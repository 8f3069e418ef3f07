"""Students and their dual-mentor assignments at one base, imported like the roster.

A student is identified by (base, student number); an assignment by (student, start date). A row
names the student and, optionally, their two mentors over a period (all five assignment cells or
none). The rules are the mentors area's (`registry.mentors.services.assign_mentors`):

- the university mentor is a university mentor, the enterprise mentor an enterprise mentor, both
  already on record (import the roster first);
- each has appointments at this base that count (`counting_spans`: not suspended) on every day of the period (renewals
  join up; an open-ended period needs an open-ended appointment);
- the period starts no earlier than the enrolment year, ends by the graduation date if recorded;
- a student's assignments share no day.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from registry.errors import _l
from registry.extensions import db
from registry.imports import parsing
from registry.imports.engine import (Change, Column, Importer, Row, Spec, Table, bulk_insert, bulk_update,
                                     created_and_updated, merge_repeated, not_before, run_import)
from registry.imports.parsing import CellError
from registry.imports.roster import FIRST_YEAR, LAST_YEAR, preload_mentors
from registry.mentors.fields import clean_name
from registry.mentors.models import Appointment, MentorAssignment, Student
from registry.mentors.queries import counting_spans, covers, suspensions_of
from registry.models_common import ids_in

LEVEL_ALIASES = {
    "本科": "undergraduate", "本科生": "undergraduate", "undergraduate": "undergraduate",
    "硕士": "master", "硕士生": "master", "硕士研究生": "master", "master": "master", "master's": "master",
    "博士": "doctoral", "博士生": "doctoral", "博士研究生": "doctoral", "doctoral": "doctoral", "phd": "doctoral",
}
LEVEL_CHOICES = ("本科生", "硕士研究生", "博士研究生")
ASSIGNMENT_KEYS = ("university_mentor_organisation", "university_mentor_staff_no", "enterprise_mentor_organisation",
                   "enterprise_mentor_staff_no", "assigned_from")
SIDES = (("university", "university_mentor_organisation", "university_mentor_staff_no"),
         ("enterprise", "enterprise_mentor_organisation", "enterprise_mentor_staff_no"))


def _enrolment_year(value):
    return parsing.integer(FIRST_YEAR, dt.date.today().year + 1)(value)


_date = parsing.date_between(FIRST_YEAR, LAST_YEAR)


def _assignment_complete(values):
    """All five assignment cells, or none of them."""
    given = [k for k in ASSIGNMENT_KEYS if values.get(k) not in (None, "")]
    if given:
        for key in ASSIGNMENT_KEYS:
            if key not in given:
                yield key, CellError(_l("required when the row names the student's mentors"))
    elif values.get("assigned_until") is not None:
        yield "assigned_until", CellError(_l("an end date without mentors: fill in both mentors and the start date"))


def _mentor_columns(header: str, side: str, examples: tuple[str, str], descriptions: tuple) -> tuple[Column, Column]:
    """The two cells naming one of the student's mentors as the roster does: organisation and staff number."""
    return (Column(f"{header}单位", f"{side}_mentor_organisation", False, parsing.text(200), example=examples[0],
                   description=descriptions[0]),
            Column(f"{header}工号", f"{side}_mentor_staff_no", False, parsing.text(64), example=examples[1],
                   description=descriptions[1]))


STUDENTS = Spec("students", columns=(
    Column("姓名", "name", True, parsing.field_rule(clean_name, 100), example="李同学",
           description=_l("The student's name.")),
    Column("学号", "student_no", True, parsing.text(64), example="2023010001", aliases=("student number",),
           description=_l("The student number; unique within the base, it identifies the student.")),
    Column("培养层次", "level", True,
           parsing.choice(LEVEL_ALIASES, _l("\"%(value)s\" is not a level: use 本科生, 硕士研究生 or 博士研究生")),
           example="硕士研究生", choices=LEVEL_CHOICES,
           description=_l("本科生 (本科, undergraduate), 硕士研究生 (硕士, master), 博士研究生 (博士, doctoral).")),
    Column("入学年份", "enrolment_year", True, _enrolment_year, example=2023, default=None,
           description=_l("The year of enrolment, e.g. 2023.")),
    Column("专业", "programme", False, parsing.text(200), example="航空宇航推进理论与工程",
           description=_l("The programme (major).")),
    Column("参与国家重大项目", "major_project", False, parsing.text(300), example="",
           description=_l("The national major project (国家重大专项、重大工程) the student takes part in, if any.")),
    *_mentor_columns("校内导师", "university", ("示范工业大学", "U-0007"),
                     (_l("The university mentor's organisation, as on the roster."),
                      _l("The university mentor's staff number, as on the roster."))),
    *_mentor_columns("企业导师", "enterprise", ("星海航天动力研究所", "XH-1024"),
                     (_l("The enterprise mentor's organisation, as on the roster."),
                      _l("The enterprise mentor's staff number, as on the roster."))),
    Column("指导开始日期", "assigned_from", False, _date, example=dt.date(2023, 9, 1), default=None,
           description=_l("The first day of the dual-mentor assignment (same date forms as the roster).")),
    Column("指导结束日期", "assigned_until", False, _date, example=None, default=None,
           description=_l("Its last day; empty means open-ended; not before the start.")),
), row_checks=(_assignment_complete, not_before("assigned_until", "assigned_from")))

STUDENT_FIELDS = ("name", "level", "enrolment_year")
OPTIONAL_FIELDS = ("programme", "major_project")


def _period(start, end) -> str:
    return f"{start.isoformat()} – {end.isoformat() if end else '…'}"


@dataclass
class _Assignment:
    start: dt.date
    end: dt.date | None
    row: Row | None = None

    @property
    def last(self):
        return self.end or dt.date.max


@dataclass
class StudentPlan:
    rows: int = 0
    student_creates: dict = field(default_factory=dict)  # student_no -> values
    student_updates: list = field(default_factory=list)
    student_ids: dict = field(default_factory=dict)  # student_no -> id (existing)
    assignment_creates: list = field(default_factory=list)  # [(student_no, values)]
    assignment_updates: list = field(default_factory=list)


class StudentImporter(Importer):
    spec = STUDENTS

    def __init__(self, base, *, actor=None):
        self.base = base
        self.base_id = base.id  # kept: the import expires loaded objects after writing
        self.actor = actor

    def plan(self, table: Table) -> StudentPlan:
        plan = StudentPlan(rows=len(table.rows))
        students, assignments = self._merge_rows(table)
        existing = {s.student_no: s for s in db.session.execute(
            select(Student.id, Student.student_no, Student.graduated_on, *(getattr(Student, c) for c in
                                                                           STUDENT_FIELDS + OPTIONAL_FIELDS))
            .where(Student.base_id == self.base_id))}
        for student_no, (row, merged) in students.items():
            current = existing.get(student_no)
            if current is None:
                plan.student_creates[student_no] = {
                    "base_id": self.base_id, "student_no": student_no, **{c: merged[c] for c in STUDENT_FIELDS},
                    **{c: merged.get(c) or "" for c in OPTIONAL_FIELDS}, "graduated_on": None, "employment": None,
                    "employer": ""}
                continue
            plan.student_ids[student_no] = current.id
            changes = {c: [getattr(current, c), merged[c]] for c in STUDENT_FIELDS + OPTIONAL_FIELDS
                       if merged.get(c) not in (None, "") and merged[c] != getattr(current, c)}
            if changes:
                plan.student_updates.append(Change(current.id, changes, label=f"{merged['name']} {student_no}",
                                                   base_id=self.base_id))
        self._plan_assignments(table, plan, students, existing, assignments)
        return plan

    def _merge_rows(self, table: Table):
        students: dict[str, tuple[Row, dict]] = {}
        assignments: dict[tuple, Row] = {}
        # Rows with a wrong cell elsewhere are matched too: their conflicts and unknown mentors show
        # with their cell errors.
        for row in table.rows_to_check("student_no"):
            v = row.values
            student_no = v["student_no"]
            if student_no in students:
                first, merged = students[student_no]
                merge_repeated(table, row, first, merged, STUDENT_FIELDS + OPTIONAL_FIELDS,
                               _l("\"%(value)s\" conflicts with row %(row)s (same student number, different "
                                  "%(column)s)"))
            else:
                students[student_no] = (row, {c: v.get(c) for c in STUDENT_FIELDS + OPTIONAL_FIELDS})
            if v.get("assigned_from") is None or row.broken.intersection(("assigned_from", "assigned_until")):
                continue  # no period to judge (a wrong mentor cell still leaves one, to meet the student's others)
            key = (student_no, v["assigned_from"])
            other = assignments.get(key)
            if other is None:
                assignments[key] = row
            elif any(other.values.get(k) != v.get(k) for k in (*ASSIGNMENT_KEYS, "assigned_until")
                     if k not in row.broken and k not in other.broken):
                table.error(row, "assigned_from", _l("conflicts with row %(row)s: the same student and start date "
                                                     "with different mentors or end date"), row=other.number)
        return students, assignments

    def _plan_assignments(self, table, plan, students, existing, assignments) -> None:
        mentor_keys = {(row.values[o], row.values[s]) for row in assignments.values() for _, o, s in SIDES
                       if not row.broken.intersection((o, s))}
        mentors = preload_mentors(mentor_keys)
        spans: dict[int, list] = {}
        appts = db.session.execute(
            select(Appointment.id, Appointment.mentor_id, Appointment.starts_on, Appointment.ends_on)
            .where(Appointment.base_id == self.base_id,
                   ids_in(Appointment.mentor_id, [m["id"] for m in mentors.values()]))).all()
        periods = suspensions_of(app.id for app in appts)
        for app in appts:  # the days each appointment counts (suspended days do not)
            spans.setdefault(app.mentor_id, []).extend(counting_spans(app.starts_on, app.ends_on, periods[app.id]))
        current: dict[str, dict] = {}  # student_no -> {start: (_Assignment, id, mentors)}
        if plan.student_ids:
            by_id = {i: no for no, i in plan.student_ids.items()}
            for a in db.session.execute(select(MentorAssignment).where(MentorAssignment.base_id == self.base_id)
                                        .with_only_columns(MentorAssignment.id, MentorAssignment.student_id,
                                                           MentorAssignment.starts_on, MentorAssignment.ends_on,
                                                           MentorAssignment.university_mentor_id,
                                                           MentorAssignment.enterprise_mentor_id)):
                if a.student_id in by_id:
                    current.setdefault(by_id[a.student_id], {})[a.starts_on] = (
                        _Assignment(a.starts_on, a.ends_on), a.id, (a.university_mentor_id, a.enterprise_mentor_id))
        has_until = table.has("assigned_until")
        planned: dict[str, list[_Assignment]] = {}
        touched = set()
        for (student_no, start), row in assignments.items():
            end = row.values["assigned_until"]
            known = current.get(student_no, {}).get(start)
            # An assignment on record that the row repeats with the same end keeps its mentors unchecked: it was
            # valid when made, and a later suspension or end must not make an unchanged export fail to import.
            same = known[2] if known is not None and (not has_until or known[0].end == end) else None
            pair = self._mentor_pair(table, row, mentors, spans, start, end, same)
            student = students[student_no][1]
            graduated = existing[student_no].graduated_on if student_no in existing else None
            if student["enrolment_year"] is not None and start.year < student["enrolment_year"]:
                table.error(row, "assigned_from", _l("\"%(value)s\" is before the enrolment year %(year)s"),
                            value=row.cells.get("assigned_from", ""), year=student["enrolment_year"])
            if graduated is not None and (end is None or end > graduated):
                table.error(row, "assigned_until", _l("the student graduated on %(date)s: the assignment must end "
                                                      "by then"), date=graduated.isoformat())
            # Without its two mentors (a wrong cell, an unknown mentor) a row is never written, but its
            # period still meets the student's others: every problem of the row in one pass.
            if known is None:
                planned.setdefault(student_no, []).append(_Assignment(start, end, row))
                if pair is not None:
                    plan.assignment_creates.append((student_no, {
                        "base_id": self.base_id, "university_mentor_id": pair[0], "enterprise_mentor_id": pair[1],
                        "starts_on": start, "ends_on": end, "note": ""}))
                continue
            span, assignment_id, old_pair = known
            changes = {}
            if pair is not None and old_pair[0] != pair[0]:
                changes["university_mentor_id"] = [old_pair[0], pair[0]]
            if pair is not None and old_pair[1] != pair[1]:
                changes["enterprise_mentor_id"] = [old_pair[1], pair[1]]
            if has_until and span.end != end:
                changes["ends_on"] = [span.end, end]
                span.end = end
            if changes:
                span.row = row
                touched.add(student_no)
                if pair is not None:
                    plan.assignment_updates.append(Change(assignment_id, changes, base_id=self.base_id,
                                                          label=f"student {student_no} from {start}"))
        for student_no in planned.keys() | touched:
            everything = sorted([s for s, _, _ in current.get(student_no, {}).values()] + planned.get(student_no, []),
                                key=lambda s: s.start)
            reach = None
            for item in everything:
                if reach is not None and item.start <= reach.last and (item.row or reach.row):
                    mine, other = (item, reach) if item.row else (reach, item)
                    period = _period(other.start, other.end)
                    value = mine.row.cells.get("assigned_from", "")
                    if other.row is not None:
                        table.error(mine.row, "assigned_from",
                                    _l("\"%(value)s\": this assignment overlaps the one in row %(row)s (%(period)s); "
                                       "a student has one pair of mentors at a time"),
                                    value=value, row=other.row.number, period=period)
                    else:
                        table.error(mine.row, "assigned_from",
                                    _l("\"%(value)s\": the student already has mentors for %(period)s; end that "
                                       "assignment before the new one starts"), value=value, period=period)
                if reach is None or item.last > reach.last:
                    reach = item

    def _mentor_pair(self, table, row, mentors, spans, start, end, same=None):
        pair = []
        for index, (side, org_key, staff_key) in enumerate(SIDES):
            if row.broken.intersection((org_key, staff_key)):
                continue  # its wrong cell is reported already
            key = (row.values[org_key], row.values[staff_key])
            mentor = mentors.get(key)
            if mentor is None:
                table.error(row, staff_key, _l("\"%(value)s\": no mentor with this staff number at %(organisation)s "
                                               "is on record; import the roster first"),
                            value=key[1], organisation=key[0])
                continue
            if mentor["side"] != side:
                message = (_l("\"%(value)s\" is an enterprise mentor, not a university mentor")
                           if side == "university" else
                           _l("\"%(value)s\" is a university mentor, not an enterprise mentor"))
                table.error(row, staff_key, message, value=key[1])
                continue
            if not (same is not None and same[index] == mentor["id"]) and not covers(spans.get(mentor["id"], []),
                                                                                    start, end):
                table.error(row, staff_key, _l("\"%(value)s\" has no appointment at this base active over "
                                               "the whole period %(period)s (suspended appointments do not count)"),
                            value=key[1], period=_period(start, end))
                continue
            pair.append(mentor["id"])
        return tuple(pair) if len(pair) == 2 else None

    COUNTED, SUMMARY = created_and_updated("students", "assignments")

    def write(self, plan: StudentPlan) -> None:
        numbers = list(plan.student_creates)
        new_ids = bulk_insert(Student, [plan.student_creates[n] for n in numbers], key=("student_no",),
                              label=lambda r: f"{r['name']} {r['student_no']}")
        student_ids = {**plan.student_ids, **dict(zip(numbers, new_ids))}
        bulk_update(Student, plan.student_updates)
        bulk_insert(MentorAssignment,
                    [{**values, "student_id": student_ids[no]} for no, values in plan.assignment_creates],
                    key=("student_id", "starts_on"),
                    label=lambda r: (f"student {r['student_id']}: {r['university_mentor_id']}+"
                                     f"{r['enterprise_mentor_id']} from {r['starts_on']}"))
        bulk_update(MentorAssignment, plan.assignment_updates)


def import_students(base, path, filename=None, dry_run=False, *, actor=None):
    return run_import(StudentImporter(base, actor=actor), path, filename, dry_run=dry_run)
