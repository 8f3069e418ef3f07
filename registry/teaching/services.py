"""Joint teaching and innovation records: what can be done to them, as plain functions.

Each `create_*` takes the base and a data dict (a form's or a spreadsheet row's values), each
`update_*` the record and a data dict; both check every value of the kind's declared fields
(`records.Kind`) and report each broken rule beside its field, all at once. Deleting a record
deletes its evidence files too.
"""
from __future__ import annotations

import re

from sqlalchemy import and_, or_, select

from registry import values as v
from registry.errors import DomainError, _l
from registry.extensions import db
from registry.mentors.models import Student
from registry.mentors.queries import mentor_of_base
from registry.records import services as records
from registry.values import Choice, Date, Field, Flag, Integer, Link, Number, Text
from registry.teaching.models import (COURSE_LEVELS, LAB_KINDS, PARTICIPANT_KINDS, PROJECT_CATEGORIES, SIDES,
                                      TRANSFER_KINDS, IndustryCourse, JointLab, MajorProject, ProjectParticipant,
                                      ResultTransfer, TeachingCase, TeachingTeam, TeachingTeamMember, Textbook)

L = {
    "code": _l("Course code"), "title": _l("Title"), "lead_teachers": _l("Lead teachers (enterprise)"),
    "hours": _l("Hours"), "credits": _l("Credits"), "terms_offered": _l("Terms offered"), "level": _l("Level"),
    "first_year": _l("Year first offered"), "description": _l("Description"), "authors": _l("Authors"),
    "source": _l("Source (enterprise or project)"), "course_id": _l("Course"), "year": _l("Year"),
    "publisher": _l("Publisher"), "isbn": _l("ISBN"), "name": _l("Name"), "established_on": _l("Established on"),
    "side": _l("Side"), "organisation": _l("Organisation"), "is_leader": _l("Team leader"),
    "from_on": _l("Member from"), "until_on": _l("Member until"), "kind": _l("Kind"), "partners": _l("Partners"),
    "focus": _l("Focus"), "category": _l("Category"), "project_no": _l("Project number"),
    "lead_organisation": _l("Lead organisation"), "starts_on": _l("Start date"), "ends_on": _l("End date"),
    "student_no": _l("Student number"), "role": _l("Role"), "recipient": _l("Recipient"),
    "transferred_on": _l("Transferred on"), "contract_value": _l("Contract value (10,000 yuan)"),
    "project_id": _l("Major project"), "mentor_id": _l("Roster mentor"), "student_id": _l("Roster student"),
}
YEAR_RANGE = (1950, 2100)


# ---- ISBN --------------------------------------------------------------------------------

def normalise_isbn(value, field: str = "isbn") -> str:
    """An ISBN-10 or ISBN-13 (hyphens, spaces and an "ISBN" prefix allowed) checked by its check
    digit and returned as the 13 digits of its ISBN-13."""
    raw = str(value or "").strip()
    text = re.sub(r"^ISBN(?:-1[03])?:?", "", raw.upper()).strip()
    digits = re.sub(r"[\s\-\u2010-\u2015]", "", text)
    if not digits:
        raise DomainError(v.REQUIRED, field=field, label=L["isbn"])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        if total % 11:
            raise DomainError(_l("The ISBN %(isbn)s has a wrong check digit."), field=field, isbn=raw)
        body = "978" + digits[:9]
        return body + str((10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(body)) % 10) % 10)
    if re.fullmatch(r"97[89]\d{10}", digits):
        if sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits)) % 10:
            raise DomainError(_l("The ISBN %(isbn)s has a wrong check digit."), field=field, isbn=raw)
        return digits
    raise DomainError(_l("\"%(isbn)s\" is not an ISBN: 10 characters (the last may be X) or 13 digits "
                         "starting with 978 or 979."), field=field, isbn=raw)


def _isbn(data: dict, key: str, label) -> str:
    return normalise_isbn(data.get(key), key)


# ---- industry courses, teaching cases, textbooks -----------------------------------------

courses = records.Kind(IndustryCourse, L, (
    Text("code", 40, required=True), Text("title", 200, required=True), Text("lead_teachers", 500, required=True),
    Integer("hours", 1, 2000), Number("credits", 0, 100, 1), Text("terms_offered", 200),
    Choice("level", COURSE_LEVELS), Integer("first_year", *YEAR_RANGE), Text("description", 4000),
), record_type="industry_course", unique=("code", _l("A course with code %(code)s is already recorded.")),
    unlinks=((TeachingCase, "course_id"), (Textbook, "course_id")))
create_course, update_course, delete_course = courses.create, courses.update, courses.delete

cases = records.Kind(TeachingCase, L, (
    Text("title", 200, required=True), Text("authors", 500), Text("source", 200), Link("course_id", IndustryCourse),
    Integer("year", *YEAR_RANGE), Text("description", 4000),
), record_type="teaching_case", unique=("title", _l("A teaching case titled %(title)s is already recorded.")))
create_case, update_case, delete_case = cases.create, cases.update, cases.delete

textbooks = records.Kind(Textbook, L, (
    Text("title", 200, required=True), Text("authors", 500, required=True), Text("publisher", 200, required=True),
    Integer("year", *YEAR_RANGE), Field(_isbn, "isbn"), Link("course_id", IndustryCourse),
), record_type="textbook", unique=("isbn", _l("A textbook with ISBN %(isbn)s is already recorded.")))
create_textbook, update_textbook, delete_textbook = textbooks.create, textbooks.update, textbooks.delete


# ---- teaching teams and their members ----------------------------------------------------

teams = records.Kind(TeachingTeam, L, (
    Text("name", 200, required=True), Date("established_on"), Text("description", 4000),
), record_type="teaching_team", unique=("name", _l("A teaching team named %(name)s is already recorded.")))
create_team, update_team, delete_team = teams.create, teams.update, teams.delete


def _overlaps(model, start, end):
    """SQL condition: the row's [from_on, until_on] meets [start, end] (open ends reach forever)."""
    condition = or_(model.until_on.is_(None), model.until_on >= start)
    return and_(condition, model.from_on <= end) if end is not None else condition


def _one_term_at_a_time(check, team: TeachingTeam, data: dict, values: dict, member) -> None:
    """A person is a member once over any dates, and the team has one leader at a time."""
    if not check.ok:
        return
    others = select(TeachingTeamMember).where(TeachingTeamMember.team_id == team.id,
                                              _overlaps(TeachingTeamMember, values["from_on"], values["until_on"]))
    if member is not None:
        others = others.where(TeachingTeamMember.id != member.id)
    for other in db.session.scalars(others):
        same = (values["mentor_id"] is not None and other.mentor_id == values["mentor_id"]) or (
            other.name == values["name"] and other.organisation == values["organisation"])
        if same:
            check.add(DomainError(_l("%(name)s is already a member of this team over these dates."),
                                  field="from_on", name=values["name"]))
            return
        if values["is_leader"] and other.is_leader:
            check.add(DomainError(_l("%(name)s already leads this team over these dates; end their term first."),
                                  field="is_leader", name=other.name))
            return


team_members = records.Kind(TeachingTeamMember, L, (
    Date("from_on"), Date("until_on", required=False), Flag("is_leader"),
), person=SIDES, span=("from_on", "until_on"), rule=_one_term_at_a_time, owner="team")
add_team_member, update_team_member, remove_team_member = (team_members.create, team_members.update,
                                                          team_members.delete)


# ---- joint labs and innovation centres, major projects -----------------------------------

labs = records.Kind(JointLab, L, (
    Choice("kind", LAB_KINDS), Text("name", 200, required=True), Date("established_on"), Text("partners", 4000),
    Text("focus", 4000),
), record_type="joint_lab", unique=("name", _l("A lab or centre named %(name)s is already recorded.")))
create_lab, update_lab, delete_lab = labs.create, labs.update, labs.delete

projects = records.Kind(MajorProject, L, (
    Text("name", 200, required=True), Choice("category", PROJECT_CATEGORIES), Text("project_no", 100),
    Text("lead_organisation", 200), Date("starts_on"), Date("ends_on", required=False), Text("description", 4000),
), span=("starts_on", "ends_on"), record_type="major_project",
    unique=("name", _l("A major project named %(name)s is already recorded.")),
    unlinks=((ResultTransfer, "project_id"),))
create_project, update_project, delete_project = projects.create, projects.update, projects.delete


def _student_of_base(data: dict, base_id: int):
    return v.chosen_of_base(Student, data, "student_id", base_id,
                            DomainError(_l("This student is not on the base's roster."), field="student_id"))


def _participant(check, project: MajorProject, data: dict, values: dict, participant) -> None:
    """Who takes part: a roster mentor, a roster student, or a person typed in; once per project."""
    values.update(mentor_id=None, student_id=None)
    if values["kind"] == "mentor":
        mentor = check(mentor_of_base, data, "mentor_id", project.base_id)
        values["student_no"] = ""
        if mentor is not None:
            values.update(mentor_id=mentor.id, name=mentor.name)
    else:
        student = check(_student_of_base, data, project.base_id)
        if student is not None:
            values.update(student_id=student.id, name=student.name, student_no=student.student_no)
        else:
            values["student_no"] = check(v.text, data, "student_no", L["student_no"], 64)
    if "name" not in values:
        values["name"] = check(v.text, data, "name", L["name"], 100, required=True)
    if not check.ok:
        return
    same = select(ProjectParticipant.id).where(ProjectParticipant.project_id == project.id,
                                               ProjectParticipant.kind == values["kind"])
    if values["mentor_id"] is not None:
        same = same.where(ProjectParticipant.mentor_id == values["mentor_id"])
    elif values["student_id"] is not None:
        same = same.where(ProjectParticipant.student_id == values["student_id"])
    else:
        same = same.where(ProjectParticipant.name == values["name"],
                          ProjectParticipant.student_no == values["student_no"])
    other = db.session.scalar(same.limit(1))
    if other is not None and (participant is None or other != participant.id):
        check.add(DomainError(_l("%(name)s is already in this project."), field="name", name=values["name"]))


_participants = records.Kind(ProjectParticipant, L, (Choice("kind", PARTICIPANT_KINDS), Text("role", 200)),
                             rule=_participant, owner="project")
add_participant, update_participant, remove_participant = (_participants.create, _participants.update,
                                                          _participants.delete)


# ---- results transferred -----------------------------------------------------------------

def _one_transfer_a_day(check, base_id: int, data: dict, values: dict, obj) -> None:
    if not check.ok:
        return
    other = db.session.scalar(select(ResultTransfer.id).where(
        ResultTransfer.base_id == base_id, ResultTransfer.title == values["title"],
        ResultTransfer.transferred_on == values["transferred_on"]))
    if other is not None and (obj is None or other != obj.id):
        check.add(DomainError(_l("The transfer of %(title)s on %(date)s is already recorded."), field="title",
                              title=values["title"], date=values["transferred_on"].isoformat()))


results = records.Kind(ResultTransfer, L, (
    Text("title", 200, required=True), Choice("kind", TRANSFER_KINDS), Text("recipient", 200, required=True),
    Date("transferred_on"), Number("contract_value", 0, 10 ** 10, 2, required=False), Link("project_id", MajorProject),
    Text("description", 4000),
), rule=_one_transfer_a_day, record_type="result_transfer")
create_result, update_result, delete_result = results.create, results.update, results.delete
