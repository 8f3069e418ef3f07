"""Joint teaching and innovation records: what can be done to them, as plain functions.

Each `create_*` takes the base and a data dict (a form's or a spreadsheet row's values), each
`update_*` the record and a data dict; both check every value and raise a DomainError naming the
field. Deleting a record deletes its evidence files too.
"""
from __future__ import annotations

import re

from sqlalchemy import and_, or_, select

from registry import values as v
from registry.errors import DomainError, _l
from registry.records import services as records
from registry.extensions import db
from registry.mentors.queries import mentor_of_base
from registry.mentors.models import Student
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


def _record_of_base(model, data: dict, key: str, base_id: int):
    """An optional link to another record of the same base, chosen by id."""
    value = data.get(key)
    if value in (None, "", 0, "0"):
        return None
    try:
        obj = db.session.get(model, int(value))
    except (TypeError, ValueError):
        obj = None
    if obj is None or obj.base_id != base_id:
        raise DomainError(_l("%(label)s: no such record at this base."), field=key, label=L[key])
    return obj.id


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


# ---- industry courses --------------------------------------------------------------------

def _course_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "code": v.text(data, "code", L["code"], 40, required=True),
        "title": v.text(data, "title", L["title"], 200, required=True),
        "lead_teachers": v.text(data, "lead_teachers", L["lead_teachers"], 500, required=True),
        "hours": v.integer(data, "hours", L["hours"], 1, 2000),
        "credits": v.number(data, "credits", L["credits"], 0, 100, 1),
        "terms_offered": v.text(data, "terms_offered", L["terms_offered"], 200),
        "level": v.choice(data, "level", L["level"], COURSE_LEVELS),
        "first_year": v.integer(data, "first_year", L["first_year"], *YEAR_RANGE),
        "description": v.text(data, "description", L["description"], 4000),
    }


_courses = records.Kind(IndustryCourse, _course_values, record_type="industry_course",
                        unique=("code", _l("A course with code %(code)s is already recorded.")),
                        unlinks=((TeachingCase, "course_id"), (Textbook, "course_id")))
create_course, update_course, delete_course = _courses.create, _courses.update, _courses.delete


# ---- teaching cases ----------------------------------------------------------------------

def _case_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "title": v.text(data, "title", L["title"], 200, required=True),
        "authors": v.text(data, "authors", L["authors"], 500),
        "source": v.text(data, "source", L["source"], 200),
        "course_id": _record_of_base(IndustryCourse, data, "course_id", base_id),
        "year": v.integer(data, "year", L["year"], *YEAR_RANGE),
        "description": v.text(data, "description", L["description"], 4000),
    }


_cases = records.Kind(TeachingCase, _case_values, record_type="teaching_case", unique=(
    "title", _l("A teaching case titled %(title)s is already recorded.")))
create_case, update_case, delete_case = _cases.create, _cases.update, _cases.delete


# ---- textbooks ---------------------------------------------------------------------------

def _textbook_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "title": v.text(data, "title", L["title"], 200, required=True),
        "authors": v.text(data, "authors", L["authors"], 500, required=True),
        "publisher": v.text(data, "publisher", L["publisher"], 200, required=True),
        "year": v.integer(data, "year", L["year"], *YEAR_RANGE),
        "isbn": normalise_isbn(data.get("isbn")),
        "course_id": _record_of_base(IndustryCourse, data, "course_id", base_id),
    }


_textbooks = records.Kind(Textbook, _textbook_values, record_type="textbook", unique=(
    "isbn", _l("A textbook with ISBN %(isbn)s is already recorded.")))
create_textbook, update_textbook, delete_textbook = _textbooks.create, _textbooks.update, _textbooks.delete


# ---- teaching teams ----------------------------------------------------------------------

def _team_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "name": v.text(data, "name", L["name"], 200, required=True),
        "established_on": v.date(data, "established_on", L["established_on"]),
        "description": v.text(data, "description", L["description"], 4000),
    }


_teams = records.Kind(TeachingTeam, _team_values, record_type="teaching_team", unique=(
    "name", _l("A teaching team named %(name)s is already recorded.")))
create_team, update_team, delete_team = _teams.create, _teams.update, _teams.delete


def _overlaps(model, start, end):
    """SQL condition: the row's [from_on, until_on] meets [start, end] (open ends reach forever)."""
    condition = or_(model.until_on.is_(None), model.until_on >= start)
    return and_(condition, model.from_on <= end) if end is not None else condition


def _person_values(base_id: int, data: dict) -> dict:
    """Name, side and organisation of a member: from the roster when a mentor is chosen."""
    mentor = mentor_of_base(data, "mentor_id", base_id)
    if mentor is not None:
        return {"mentor_id": mentor.id, "name": mentor.name, "organisation": mentor.organisation,
                "side": mentor.side}
    return {"mentor_id": None, "name": v.text(data, "name", L["name"], 100, required=True),
            "organisation": v.text(data, "organisation", L["organisation"], 200, required=True),
            "side": v.choice(data, "side", L["side"], SIDES)}


def _team_member_values(team: TeachingTeam, data: dict, member=None) -> dict:
    values = _person_values(team.base_id, data)
    values.update(from_on=v.date(data, "from_on", L["from_on"]),
                  until_on=v.date(data, "until_on", L["until_on"], required=False),
                  is_leader=bool(data.get("is_leader")))
    v.end_not_before_start(values["from_on"], values["until_on"], "until_on")
    others = select(TeachingTeamMember).where(TeachingTeamMember.team_id == team.id,
                                              _overlaps(TeachingTeamMember, values["from_on"], values["until_on"]))
    if member is not None:
        others = others.where(TeachingTeamMember.id != member.id)
    for other in db.session.scalars(others):
        same = (values["mentor_id"] is not None and other.mentor_id == values["mentor_id"]) or (
            other.name == values["name"] and other.organisation == values["organisation"])
        if same:
            raise DomainError(_l("%(name)s is already a member of this team over these dates."), field="from_on",
                              name=values["name"])
        if values["is_leader"] and other.is_leader:
            raise DomainError(_l("%(name)s already leads this team over these dates; end their term first."),
                              field="is_leader", name=other.name)
    return values


_team_members = records.Kind(TeachingTeamMember, _team_member_values, owner="team")
add_team_member, update_team_member, remove_team_member = (_team_members.create, _team_members.update,
                                                          _team_members.delete)


# ---- joint labs and innovation centres ---------------------------------------------------

def _lab_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "kind": v.choice(data, "kind", L["kind"], LAB_KINDS),
        "name": v.text(data, "name", L["name"], 200, required=True),
        "established_on": v.date(data, "established_on", L["established_on"]),
        "partners": v.text(data, "partners", L["partners"], 4000),
        "focus": v.text(data, "focus", L["focus"], 4000),
    }


_labs = records.Kind(JointLab, _lab_values, record_type="joint_lab", unique=(
    "name", _l("A lab or centre named %(name)s is already recorded.")))
create_lab, update_lab, delete_lab = _labs.create, _labs.update, _labs.delete


# ---- major projects ----------------------------------------------------------------------

def _project_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "name": v.text(data, "name", L["name"], 200, required=True),
        "category": v.choice(data, "category", L["category"], PROJECT_CATEGORIES),
        "project_no": v.text(data, "project_no", L["project_no"], 100),
        "lead_organisation": v.text(data, "lead_organisation", L["lead_organisation"], 200),
        "starts_on": v.date(data, "starts_on", L["starts_on"]),
        "ends_on": v.date(data, "ends_on", L["ends_on"], required=False),
        "description": v.text(data, "description", L["description"], 4000),
    }


_projects = records.Kind(MajorProject, _project_values, span=("starts_on", "ends_on"),
                         record_type="major_project",
                         unique=("name", _l("A major project named %(name)s is already recorded.")),
                         unlinks=((ResultTransfer, "project_id"),))
create_project, update_project, delete_project = _projects.create, _projects.update, _projects.delete


def _student_of_base(data: dict, base_id: int):
    value = data.get("student_id")
    if value in (None, "", 0, "0"):
        return None
    try:
        student = db.session.get(Student, int(value))
    except (TypeError, ValueError):
        student = None
    if student is None or student.base_id != base_id:
        raise DomainError(_l("This student is not on the base's roster."), field="student_id")
    return student


def _participant_values(project: MajorProject, data: dict, participant=None) -> dict:
    kind = v.choice(data, "kind", L["kind"], PARTICIPANT_KINDS)
    values = {"kind": kind, "role": v.text(data, "role", L["role"], 200), "mentor_id": None, "student_id": None}
    if kind == "mentor":
        mentor = mentor_of_base(data, "mentor_id", project.base_id)
        values["student_no"] = ""
        if mentor is not None:
            values.update(mentor_id=mentor.id, name=mentor.name)
    else:
        student = _student_of_base(data, project.base_id)
        if student is not None:
            values.update(student_id=student.id, name=student.name, student_no=student.student_no)
        else:
            values["student_no"] = v.text(data, "student_no", L["student_no"], 64)
    if "name" not in values:
        values["name"] = v.text(data, "name", L["name"], 100, required=True)
    same = select(ProjectParticipant.id).where(ProjectParticipant.project_id == project.id,
                                               ProjectParticipant.kind == kind)
    if values["mentor_id"] is not None:
        same = same.where(ProjectParticipant.mentor_id == values["mentor_id"])
    elif values["student_id"] is not None:
        same = same.where(ProjectParticipant.student_id == values["student_id"])
    else:
        same = same.where(ProjectParticipant.name == values["name"],
                          ProjectParticipant.student_no == values["student_no"])
    other = db.session.scalar(same.limit(1))
    if other is not None and (participant is None or other != participant.id):
        raise DomainError(_l("%(name)s is already in this project."), field="name", name=values["name"])
    return values


_participants = records.Kind(ProjectParticipant, _participant_values, owner="project")
add_participant, update_participant, remove_participant = (_participants.create, _participants.update,
                                                          _participants.delete)


# ---- results transferred -----------------------------------------------------------------

def _result_values(base_id: int, data: dict, obj=None) -> dict:
    values = {
        "title": v.text(data, "title", L["title"], 200, required=True),
        "kind": v.choice(data, "kind", L["kind"], TRANSFER_KINDS),
        "recipient": v.text(data, "recipient", L["recipient"], 200, required=True),
        "transferred_on": v.date(data, "transferred_on", L["transferred_on"]),
        "contract_value": v.number(data, "contract_value", L["contract_value"], 0, 10 ** 10, 2, required=False),
        "project_id": _record_of_base(MajorProject, data, "project_id", base_id),
        "description": v.text(data, "description", L["description"], 4000),
    }
    other = db.session.scalar(select(ResultTransfer.id).where(
        ResultTransfer.base_id == base_id, ResultTransfer.title == values["title"],
        ResultTransfer.transferred_on == values["transferred_on"]))
    if other is not None and (obj is None or other != obj.id):
        raise DomainError(_l("The transfer of %(title)s on %(date)s is already recorded."), field="title",
                          title=values["title"], date=values["transferred_on"].isoformat())
    return values


_results = records.Kind(ResultTransfer, _result_values, record_type="result_transfer")
create_result, update_result, delete_result = _results.create, _results.update, _results.delete


# ---- checks without writing (spreadsheet previews) ---------------------------------------

check_course, check_case, check_textbook = _courses.check, _cases.check, _textbooks.check
check_lab, check_project, check_result = _labs.check, _projects.check, _results.check
