"""Joint teaching and innovation pages: one set of list/record/form pages per kind (see
`registry.records.pages`), the team's university–enterprise status, and the base-page panel."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry import authz
from registry.errors import _l
from registry.records.pages import Column, Filter, MemberKind, RecordKind, add_routes, register_kind
from registry.mentors.queries import mentor_choices
from registry.exchanges.views import recent_years
from registry.extensions import db
from registry.forms_support import options
from registry.orgs.panels import register_panel
from registry.teaching import forms, queries, services
from registry.teaching.models import (COURSE_LEVELS, LAB_KINDS, PARTICIPANT_KINDS, PROJECT_CATEGORIES, SIDES,
                                      TRANSFER_KINDS, IndustryCourse, JointLab, MajorProject, ProjectParticipant,
                                      ResultTransfer, TeachingCase, TeachingTeam, TeachingTeamMember, Textbook)
from registry.teaching.services import L
from registry.mentors.models import Student

bp = Blueprint("teaching", __name__)


def _choices_of(model, label_attr, base_id):
    rows = db.session.execute(select(model.id, getattr(model, label_attr)).where(model.base_id == base_id)
                              .order_by(getattr(model, label_attr)))
    return options([(0, "—")] + [(i, text) for i, text in rows])


def _course_choices(form, base):
    form.course_id.choices = _choices_of(IndustryCourse, "title", base.id)


def _project_choices(form, base):
    form.project_id.choices = _choices_of(MajorProject, "name", base.id)


def _mentor_choices(form, base):
    form.mentor_id.choices = mentor_choices(base.id)


def _participant_choices(form, base):
    form.mentor_id.choices = mentor_choices(base.id)
    rows = db.session.execute(select(Student.id, Student.name, Student.student_no).where(Student.base_id == base.id)
                              .order_by(Student.name))
    form.student_id.choices = options([(0, "—")] + [(i, f"{name}（{no}）") for i, name, no in rows])


def C(key, getter, css=""):
    return Column(L[key], lambda o, e: getter(o), css)


def attr(name):
    return lambda o: getattr(o, name)


# ---- courses, cases, textbooks -----------------------------------------------------------

COURSE = RecordKind(
    key="industry_course", area="teaching", slug="teaching/courses", model=IndustryCourse,
    label=_l("Industry course"), plural=_l("Industry courses"), form=forms.CourseForm,
    create=services.create_course, update=services.update_course, delete=services.delete_course,
    columns=[C("code", attr("code")), C("title", attr("title")), C("lead_teachers", attr("lead_teachers")),
             C("hours", attr("hours")), C("credits", attr("credits")),
             C("level", lambda o: COURSE_LEVELS[o.level]), C("first_year", attr("first_year"))],
    details=[C("code", attr("code")), C("title", attr("title")), C("lead_teachers", attr("lead_teachers")),
             C("hours", attr("hours")), C("credits", attr("credits")), C("terms_offered", attr("terms_offered")),
             C("level", lambda o: COURSE_LEVELS[o.level]), C("first_year", attr("first_year")),
             C("description", attr("description"))],
    order_by=(IndustryCourse.first_year.desc(), IndustryCourse.code), year=IndustryCourse.first_year,
    filters=(Filter("level", L["level"], COURSE_LEVELS, IndustryCourse.level),),
    title=lambda o: f"{o.code} {o.title}", sheet="industry_courses",
)

CASE = RecordKind(
    key="teaching_case", area="teaching", slug="teaching/cases", model=TeachingCase,
    label=_l("Teaching case"), plural=_l("Teaching cases"), form=forms.CaseForm,
    create=services.create_case, update=services.update_case, delete=services.delete_case,
    columns=[C("title", attr("title")), C("authors", attr("authors")), C("source", attr("source")),
             C("course_id", lambda o: o.course.title if o.course else None), C("year", attr("year"))],
    details=[C("title", attr("title")), C("authors", attr("authors")), C("source", attr("source")),
             C("course_id", lambda o: o.course.title if o.course else None), C("year", attr("year")),
             C("description", attr("description"))],
    order_by=(TeachingCase.year.desc(), TeachingCase.title), options=(selectinload(TeachingCase.course),),
    year=TeachingCase.year, prepare_form=_course_choices, title=attr("title"), sheet="teaching_cases",
)

TEXTBOOK = RecordKind(
    key="textbook", area="teaching", slug="teaching/textbooks", model=Textbook,
    label=_l("Textbook"), plural=_l("Textbooks"), form=forms.TextbookForm,
    create=services.create_textbook, update=services.update_textbook, delete=services.delete_textbook,
    columns=[C("title", attr("title")), C("authors", attr("authors")), C("publisher", attr("publisher")),
             C("year", attr("year")), C("isbn", attr("isbn"))],
    details=[C("title", attr("title")), C("authors", attr("authors")), C("publisher", attr("publisher")),
             C("year", attr("year")), C("isbn", attr("isbn")),
             C("course_id", lambda o: o.course.title if o.course else None)],
    order_by=(Textbook.year.desc(), Textbook.title), options=(selectinload(Textbook.course),),
    year=Textbook.year, prepare_form=_course_choices, title=attr("title"), sheet="textbooks",
)


# ---- teams -------------------------------------------------------------------------------

def _team_list_extra(base, items, args):
    today = dt.date.today()
    return {"sides": queries.team_sides_on([t.id for t in items], today), "as_of": today}


def _team_joint_cell(team, extra):
    sides = extra["sides"][team.id]
    return (_l("Yes") if queries.is_joint(sides) else _l("No")) if extra.get("sides") else None


def _team_detail_extra(team):
    today = dt.date.today()
    sides = queries.team_sides_on([team.id], today)[team.id]
    return {"members": list(team.members), "sides": sides, "joint": queries.is_joint(sides),
            "as_of": today}


def _member_active(m, extra):
    today = extra.get("as_of") or dt.date.today()
    return m.from_on <= today and (m.until_on is None or m.until_on >= today)


TEAM = RecordKind(
    key="teaching_team", area="teaching", slug="teaching/teams", model=TeachingTeam, sheet="teaching_teams",
    label=_l("Teaching team"), plural=_l("Teaching teams"), form=forms.TeamForm,
    create=services.create_team, update=services.update_team, delete=services.delete_team,
    columns=[C("name", attr("name")), C("established_on", attr("established_on")),
             Column(_l("Active members (university / enterprise)"),
                    lambda o, e: f"{e['sides'][o.id]['university']} / {e['sides'][o.id]['enterprise']}", "sides"),
             Column(_l("University–enterprise team today"), _team_joint_cell, "joint")],
    details=[C("name", attr("name")), C("established_on", attr("established_on")),
             C("description", attr("description"))],
    order_by=(TeachingTeam.name,), year=None, list_extra=_team_list_extra, detail_extra=_team_detail_extra,
    detail_template="teaching/team_detail.html", title=attr("name"),
    members=MemberKind(
        model=TeachingTeamMember, parent_attr="team", label=_l("Members"), form=forms.TeamMemberForm,
        create=services.add_team_member, update=services.update_team_member, delete=services.remove_team_member,
        columns=[Column(L["name"], lambda m, e: m.name), Column(L["side"], lambda m, e: SIDES[m.side]),
                 Column(L["organisation"], lambda m, e: m.organisation),
                 Column(L["is_leader"], lambda m, e: m.is_leader or None),
                 Column(L["from_on"], lambda m, e: m.from_on), Column(L["until_on"], lambda m, e: m.until_on),
                 Column(_l("Active today"), _member_active)],
        prepare_form=_mentor_choices),
)


# ---- innovation --------------------------------------------------------------------------

LAB = RecordKind(
    key="joint_lab", area="teaching", slug="innovation/labs", model=JointLab,
    label=_l("Joint lab or innovation centre"), plural=_l("Joint labs and innovation centres"), form=forms.LabForm,
    create=services.create_lab, update=services.update_lab, delete=services.delete_lab,
    columns=[C("name", attr("name")), C("kind", lambda o: LAB_KINDS[o.kind]),
             C("established_on", attr("established_on")), C("partners", attr("partners"))],
    details=[C("name", attr("name")), C("kind", lambda o: LAB_KINDS[o.kind]),
             C("established_on", attr("established_on")), C("partners", attr("partners")),
             C("focus", attr("focus"))],
    order_by=(JointLab.established_on.desc(), JointLab.name), year=queries.YEAR_OF["joint_labs"][1],
    filters=(Filter("kind", L["kind"], LAB_KINDS, JointLab.kind),), title=attr("name"), sheet="joint_labs",
)

PROJECT = RecordKind(
    key="major_project", area="teaching", slug="innovation/projects", model=MajorProject,
    label=_l("Major project"), plural=_l("Major projects"), form=forms.ProjectForm,
    create=services.create_project, update=services.update_project, delete=services.delete_project,
    columns=[C("name", attr("name")), C("category", lambda o: PROJECT_CATEGORIES[o.category]),
             C("project_no", attr("project_no")), C("starts_on", attr("starts_on")), C("ends_on", attr("ends_on")),
             Column(_l("Students"), lambda o, e: sum(p.kind == "student" for p in o.participants)),
             Column(_l("Mentors"), lambda o, e: sum(p.kind == "mentor" for p in o.participants))],
    details=[C("name", attr("name")), C("category", lambda o: PROJECT_CATEGORIES[o.category]),
             C("project_no", attr("project_no")), C("lead_organisation", attr("lead_organisation")),
             C("starts_on", attr("starts_on")), C("ends_on", attr("ends_on")),
             C("description", attr("description"))],
    order_by=(MajorProject.starts_on.desc(), MajorProject.name), options=(selectinload(MajorProject.participants),),
    year=queries.YEAR_OF["major_projects"][1],
    filters=(Filter("category", L["category"], PROJECT_CATEGORIES, MajorProject.category),),
    detail_extra=lambda o: {"members": list(o.participants)}, title=attr("name"), sheet="major_projects",
    members=MemberKind(
        model=ProjectParticipant, parent_attr="project",
        label=_l("Students and mentors"), form=forms.ParticipantForm,
        create=services.add_participant, update=services.update_participant, delete=services.remove_participant,
        columns=[Column(L["kind"], lambda m, e: PARTICIPANT_KINDS[m.kind]), Column(L["name"], lambda m, e: m.name),
                 Column(L["student_no"], lambda m, e: m.student_no),
                 Column(_l("On the roster"), lambda m, e: m.mentor_id is not None or m.student_id is not None),
                 Column(L["role"], lambda m, e: m.role)],
        prepare_form=_participant_choices),
)

RESULT = RecordKind(
    key="result_transfer", area="teaching", slug="innovation/results", model=ResultTransfer,
    label=_l("Result transferred"), plural=_l("Results transferred to industry"), form=forms.ResultForm,
    create=services.create_result, update=services.update_result, delete=services.delete_result,
    columns=[C("title", attr("title")), C("kind", lambda o: TRANSFER_KINDS[o.kind]), C("recipient", attr("recipient")),
             C("transferred_on", attr("transferred_on")), C("contract_value", attr("contract_value"))],
    details=[C("title", attr("title")), C("kind", lambda o: TRANSFER_KINDS[o.kind]),
             C("recipient", attr("recipient")), C("transferred_on", attr("transferred_on")),
             C("contract_value", attr("contract_value")),
             C("project_id", lambda o: o.project.name if o.project else None), C("description", attr("description"))],
    order_by=(ResultTransfer.transferred_on.desc(), ResultTransfer.title),
    options=(selectinload(ResultTransfer.project),), year=queries.YEAR_OF["results_transferred"][1],
    filters=(Filter("kind", L["kind"], TRANSFER_KINDS, ResultTransfer.kind),), prepare_form=_project_choices,
    title=attr("title"), sheet="results_transferred",
)

KINDS = (COURSE, CASE, TEXTBOOK, TEAM, LAB, PROJECT, RESULT)
for _kind in KINDS:
    add_routes(bp, _kind)

# indicator -> the kind whose list shows its records
LIST_OF = {"industry_courses": COURSE, "teaching_cases": CASE, "textbooks": TEXTBOOK, "teaching_teams": TEAM,
           "joint_labs": LAB, "major_projects": PROJECT, "results_transferred": RESULT}


def _panel(base, user, as_of):
    years = recent_years(base, as_of)  # none when the day is before the cooperation began
    counts = queries.yearly_counts([base.id], years[0], years[-1]) if years else {}
    can_edit = authz.can_edit_base(user, base)
    rows = [{"label": label, "key": ind, "counts": [counts[(base.id, ind, y)] for y in years],
             "list_url": url_for(LIST_OF[ind].endpoint("list"), code=base.code),
             "new_url": url_for(LIST_OF[ind].endpoint("new"), code=base.code) if can_edit else None}
            for ind, label in queries.INDICATOR_LABELS.items()]
    return {"years": years, "rows": rows}


def register() -> None:
    """This area's record kinds and base-page panel (called from the area's setup())."""
    register_panel("teaching", 50, "teaching/_panel.html", _panel)
    for kind in KINDS:
        register_kind(kind)
