"""Mentor rosters, appointments, students and dual mentors, mentor self-service, the ratio pages.

Each view: load → authorise (404 for what the user may not see, 403 for may-see-but-not-change) →
call a service → commit once → redirect or render.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from registry import authz, cache
from registry.authz import ALL, EDITORS, MENTOR, STAFF, actor, allow
from registry.errors import _l
from registry.extensions import db
from registry.forms_support import form_data, options, save_form
from registry.hooks import Hook
from registry.mentors import queries, services
from registry.mentors.charts import ratio_history_svg
from registry.mentors.fields import mask_phone
from registry.mentors.forms import (AddMentorForm, AppointmentForm, AssignmentForm, EndAssignmentForm, EndForm,
                                    MentorForm, ProfileForm, RenewForm, ResumeForm, StudentForm, SuspendForm)
from registry.mentors.models import (APPOINTMENT_STATES, EMPLOYMENT_OUTCOMES, SIDES, STUDENT_LEVELS, Appointment,
                                     Mentor, MentorAssignment, Student)
from registry.nav import register_nav
from registry.orgs.panels import register_panel, register_summary
from registry.orgs.queries import base_ids_visible_to
from registry.orgs.views import load_base
from registry.web import parse_as_of

bp = Blueprint("mentors", __name__)

# The checks area owns the life cycle; it fills this in its setup().
life_cycle_state = Hook("mentors.life_cycle_state", "(base) -> the base's life-cycle state (registry.checks.lifecycle)")

ROSTER_STATE_LABELS = {"active": _l("Active"), "suspended": _l("Suspended"), "upcoming": _l("Not yet started"),
                       "former": _l("Former")}
PER_PAGE = 50


def _page(stmt, per_page=PER_PAGE):
    return db.paginate(stmt, per_page=per_page, max_per_page=100, error_out=False)


def _date_arg(name="as_of") -> dt.date:
    return parse_as_of(request.args.get(name))


def _quiet_date(value) -> dt.date:
    """For images and other sub-resources: no flash message, today when malformed."""
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        return dt.date.today()


def _phone_for(user, mentor: Mentor, base=None) -> str:
    if not mentor.phone:
        return ""
    if authz.is_own_mentor_record(user, mentor):
        return mentor.phone
    if base is not None and authz.can_see_contact_details(user, base):
        return mentor.phone
    if base is None and authz.can_manage_mentor(user, mentor):
        return mentor.phone
    return mask_phone(mentor.phone)


# ---- the base page's panel -------------------------------------------------------------------

def _construction_cycle(base):
    """(first day, last day) of the base's construction cycle, once its life cycle has one."""
    state = life_cycle_state(base)
    if state.cycle_starts_on and state.cycle_ends_on:
        return state.cycle_starts_on, state.cycle_ends_on
    return None


def _panel_context(base, user, as_of):
    cycle, days = _construction_cycle(base), queries.warning_days()
    # The base page is opened far more often than its roster changes: figures per data generation.
    return {
        "ratio": cache.cached("base-ratio", lambda: queries.ratio_of_base(base, as_of), base.id, as_of),
        "history": cache.cached("ratio-history", lambda: queries.ratio_history(base, as_of, cycle), base.id, as_of,
                                cycle),
        "warning": cache.cached("ratio-warning", lambda: queries.ratio_warning(base.id, as_of, days), base.id, as_of,
                                days),
        "warning_days": days,
        "as_of": as_of,
        "base": base,
        "show_names": authz.can_view_rosters(user),
    }


def _summary(base, user, as_of):
    """The enterprise share for the base page's summary band, from the same cached figures."""
    ratio = cache.cached("base-ratio", lambda: queries.ratio_of_base(base, as_of), base.id, as_of)
    days = queries.warning_days()
    warning = cache.cached("ratio-warning", lambda: queries.ratio_warning(base.id, as_of, days), base.id, as_of, days)
    # Fewer university mentors also reach one third (3e >= t - y), once there is an enterprise one.
    fewer = max(0, ratio.total - 3 * ratio.enterprise) if ratio.enterprise else None
    return {"ratio": ratio, "warning": warning, "warning_days": days, "fewer_university": fewer}


@bp.route("/bases/<code>/mentors/ratio-history.svg")
@allow(*ALL)
def ratio_chart(code):
    base = load_base(code)
    as_of = _quiet_date(request.args.get("as_of"))
    svg = ratio_history_svg(queries.ratio_history(base, as_of, _construction_cycle(base)),
                            _("Enterprise-mentor share of %(code)s, to %(date)s", code=base.code,
                              date=as_of.isoformat()))
    response = Response(svg, mimetype="image/svg+xml")
    # pygal puts its styles inside the SVG; it has no script. Nothing else may load.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# ---- roster --------------------------------------------------------------------------------

@bp.route("/bases/<code>/mentors")
@allow(*STAFF)
def roster(code):
    base = load_base(code)
    user = actor()
    as_of = _date_arg()
    side = request.args.get("side") or None
    state = request.args.get("state") or None
    q = request.args.get("q") or None
    sort = request.args.get("sort") if request.args.get("sort") in queries.ROSTER_SORTS else None
    descending = sort is not None and request.args.get("dir") == "desc"

    def content():
        page = _page(queries.roster_statement(base.id, as_of, side=side if side in SIDES else None,
                                              state=state if state in queries.ROSTER_STATES else None, q=q,
                                              sort=sort, descending=descending))
        appointments = queries.appointments_by_mentor(base.id, [m.id for m in page.items])
        counts = queries.students_per_mentor(base.id, as_of)
        rows = [{"mentor": m, "appointments": appointments[m.id], "state": queries.state_on(appointments[m.id], as_of),
                 "students": counts.get(m.id, 0), "phone": _phone_for(user, m, base)} for m in page.items]
        return dict(
            base=base, as_of=as_of, page=page, rows=rows, sides=SIDES, states=ROSTER_STATE_LABELS,
            appointment_states=APPOINTMENT_STATES,
            ratio=cache.cached("base-ratio", lambda: queries.ratio_of_base(base, as_of), base.id, as_of),
            lacking=queries.student_mentors(base.id, as_of, only_lacking=True),
            overloaded=queries.overloaded_mentors(base, as_of, counts), can_edit=authz.can_edit_roster(user, base),
            today=dt.date.today(), sort=sort, descending=descending)

    # The roster as this viewer sees it (phones and links depend on who looks; the user's row
    # changes with their role), rendered once per data generation, day and query.
    html = cache.cached_block("roster", "mentors/roster.html", "content", content, base.id, as_of, dt.date.today(),
                              sorted(request.args.items(multi=True)), user.id, user.updated_at,
                              keep=cache.without_form_tokens, ttl=cache.VIEWER_TTL)
    return render_template("mentors/roster.html", base=base, content_html=html)


@bp.route("/bases/<code>/mentors/new", methods=["GET", "POST"])
@allow(*EDITORS)
def mentor_add(code):
    base = load_base(code, edit=True)
    form = AddMentorForm()

    def said(added):
        mentor, _appt, created = added
        if created:
            return _("%(name)s was added to the team.", name=mentor.name)
        return (_("%(name)s is already in the registry (same organisation and staff number): the new appointment "
                  "was added and the existing profile kept.", name=mentor.name), "info")

    done = save_form(form, lambda: services.add_mentor_to_base(base, **form_data(form), actor=actor()),
                     message=said, done=url_for("mentors.roster", code=base.code))
    if done:
        return done
    return render_template("mentors/form.html", form=form, title=_("Add a mentor to %(code)s", code=base.code),
                           intro=_("A person already registered with the same organisation and staff number is "
                                   "attached with a new appointment; their profile is not changed."),
                           back=url_for("mentors.roster", code=base.code), form_id="mentor-form")


# ---- one mentor ----------------------------------------------------------------------------

def _load_mentor(mentor_id: int) -> Mentor:
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None or not authz.can_view_mentor(actor(), mentor):
        abort(404)
    return mentor


def _render_mentor(mentor: Mentor, own: bool):
    user = actor()
    visible = None if own else base_ids_visible_to(user)
    appointments = queries.mentor_appointments(mentor.id, visible)
    assignments = [a for a in queries.mentor_students(mentor.id)
                   if visible is None or a.base_id in visible]
    editable = set() if own else {a.base_id for a in appointments if authz.can_edit_roster(user, a.base)}
    return render_template(
        "mentors/mentor_detail.html", mentor=mentor, own=own, appointments=appointments, assignments=assignments,
        phone=_phone_for(user, mentor), sides=SIDES, appointment_states=APPOINTMENT_STATES, levels=STUDENT_LEVELS,
        editable_bases=editable, can_manage=not own and authz.can_manage_mentor(user, mentor),
        can_edit_profile=authz.can_edit_profile_of(user, mentor), today=dt.date.today())


@bp.route("/mentors/<int:mentor_id>")
@allow(*ALL)
def mentor_detail(mentor_id):
    mentor = _load_mentor(mentor_id)
    user = actor()
    return _render_mentor(mentor, own=authz.is_own_mentor_record(user, mentor))


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def mentor_edit(mentor_id):
    mentor = _load_mentor(mentor_id)
    if not authz.can_manage_mentor(actor(), mentor):
        abort(403)
    form = MentorForm(obj=mentor)
    done = save_form(
        form, lambda: services.update_mentor(mentor, **form_data(form), actor=actor()),
        message=_("Saved."), done=url_for("mentors.mentor_detail", mentor_id=mentor.id))
    return done or render_template("mentors/form.html", form=form, title=_("Edit %(name)s", name=mentor.name),
                                   back=url_for("mentors.mentor_detail", mentor_id=mentor.id), form_id="mentor-form")


# ---- self-service --------------------------------------------------------------------------

def _own_mentor() -> Mentor:
    user = actor()
    mentor = db.session.get(Mentor, user.mentor_id) if user.mentor_id else None
    if mentor is None:
        abort(404)
    return mentor


@bp.route("/me/mentor")
@allow(MENTOR)
def me():
    return _render_mentor(_own_mentor(), own=True)


@bp.route("/me/mentor/edit", methods=["GET", "POST"])
@allow(MENTOR)
def me_edit():
    mentor = _own_mentor()
    form = ProfileForm(obj=mentor)
    done = save_form(
        form, lambda: services.update_profile(mentor, **form_data(form), actor=actor()),
        message=_("Your profile was saved."), done=url_for("mentors.me"))
    return done or render_template(
        "mentors/form.html", form=form, title=_("My profile"), back=url_for("mentors.me"), form_id="profile-form",
        intro=_("Side, organisation, staff number and appointment terms are kept by your base coordinator."))


# ---- appointments --------------------------------------------------------------------------

def _load_appointment(appt_id: int) -> Appointment:
    appt = db.session.get(Appointment, appt_id)
    user = actor()
    if appt is None or not authz.can_view_base(user, appt.base):
        abort(404)
    if not authz.can_edit_roster(user, appt.base):
        abort(403)
    return appt


@dataclass(frozen=True)
class AppointmentStep:
    """One page that changes an appointment: its form (whose fields are the service's arguments), what
    the form opens with, what the step is called and what it says once done."""

    form: type
    service: Callable
    action: object  # lazy text: the page's title starts with it
    message: object  # lazy text, flashed once saved
    form_id: str
    opening: Callable = lambda appt: {}  # appointment -> {field: value} the empty form starts with
    on_record: bool = False  # the form opens on the appointment (an edit: it carries the row version)
    back_to_origin: bool = False  # returns to the mentor page when it came from there


def _today():
    return dt.date.today()


APPOINTMENT_STEPS = {
    "edit": AppointmentStep(AppointmentForm, services.update_appointment, _l("Edit appointment"), _l("Saved."),
                            "appointment-form", on_record=True),
    "renew": AppointmentStep(RenewForm, services.renew_appointment, _l("Renew appointment"),
                             _l("The appointment was renewed."), "renew-form",
                             opening=lambda a: {"starts_on": a.ends_on + dt.timedelta(days=1)} if a.ends_on else {}),
    "end": AppointmentStep(EndForm, services.end_appointment, _l("End appointment"),
                           _l("The appointment was ended; its history is kept."), "end-form",
                           opening=lambda a: {"ends_on": min(_today(), a.ends_on) if a.ends_on else _today()}),
    "suspend": AppointmentStep(SuspendForm, services.suspend_appointment, _l("Suspend appointment"),
                               _l("The appointment was suspended."), "suspend-form",
                               opening=lambda a: {"starts_on": max(_today(), a.starts_on)}, back_to_origin=True),
    "resume": AppointmentStep(ResumeForm, services.resume_appointment, _l("Resume appointment"),
                              _l("The appointment was resumed."), "resume-form",
                              opening=lambda a: {"on": _today()}, back_to_origin=True),
}


def _appointment_step(appt_id: int, step: AppointmentStep):
    appt = _load_appointment(appt_id)
    form = step.form(obj=appt) if step.on_record else step.form()
    if request.method == "GET":
        for name, value in step.opening(appt).items():
            form[name].data = value
    roster = url_for("mentors.roster", code=appt.base.code)
    saved = save_form(form, lambda: step.service(appt, **form_data(form), actor=actor()), message=str(step.message),
                      done=_back(appt) if step.back_to_origin else roster)
    title = _("%(action)s: %(name)s at %(code)s (from %(start)s)", action=step.action, name=appt.mentor.name,
              code=appt.base.code, start=appt.starts_on.isoformat())
    return saved or render_template("mentors/form.html", form=form, title=title, appointment=appt,
                                    appointment_state=APPOINTMENT_STATES[appt.state], back=roster,
                                    form_id=step.form_id)


def _step_view(step: AppointmentStep):
    def view(appt_id):
        return _appointment_step(appt_id, step)
    return allow(*EDITORS)(view)


# /appointments/N/edit, …/renew, …/end, …/suspend, …/resume: endpoints mentors.appointment_<step>.
for _name, _step in APPOINTMENT_STEPS.items():
    bp.add_url_rule(f"/appointments/<int:appt_id>/{_name}", f"appointment_{_name}", _step_view(_step),
                    methods=["GET", "POST"])


def _back(appt):
    """Where a suspend or resume returns: the mentor page when it came from there, else the roster."""
    if request.args.get("from") == "mentor":
        return url_for("mentors.mentor_detail", mentor_id=appt.mentor_id)
    return url_for("mentors.roster", code=appt.base.code)


@bp.route("/bases/<code>/mentors/<int:mentor_id>/appoint", methods=["GET", "POST"])
@allow(*EDITORS)
def appointment_new(code, mentor_id):
    """A further appointment of a person already known (e.g. after a gap)."""
    base = load_base(code, edit=True)
    mentor = _load_mentor(mentor_id)
    form = AppointmentForm()
    done = save_form(
        form, lambda: services.appoint(base, mentor, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                       actor=actor()),
        message=_("Saved."), done=url_for("mentors.roster", code=base.code))
    return done or render_template("mentors/form.html", form=form,
                                   title=_("New appointment of %(name)s at %(code)s", name=mentor.name, code=base.code),
                                   back=url_for("mentors.roster", code=base.code), form_id="appointment-form")


# ---- students ------------------------------------------------------------------------------

@bp.route("/bases/<code>/students")
@allow(*STAFF)
def students(code):
    base = load_base(code)
    as_of = _date_arg()
    level = request.args.get("level") or None
    status = request.args.get("status", "current")
    page = _page(queries.students_statement(base.id, level=level if level in STUDENT_LEVELS else None,
                                            status=status if status in ("current", "graduated") else None,
                                            q=request.args.get("q") or None, as_of=as_of))
    mentors = {r.student_id: r for r in queries.student_mentors(base.id, as_of, student_ids=[s.id for s in page.items],
                                                                 only_current=False)}
    return render_template("mentors/students.html", base=base, as_of=as_of, page=page, mentors=mentors,
                           levels=STUDENT_LEVELS, status=status, can_edit=authz.can_edit_roster(actor(), base))


@bp.route("/bases/<code>/students/new", methods=["GET", "POST"])
@allow(*EDITORS)
def student_add(code):
    base = load_base(code, edit=True)
    form = StudentForm()
    done = save_form(
        form, lambda: services.create_student(base, **form_data(form), actor=actor()),
        message=_("Saved."), done=lambda student: url_for("mentors.student_detail", student_id=student.id))
    return done or render_template("mentors/form.html", form=form, title=_("New student at %(code)s", code=base.code),
                                   back=url_for("mentors.students", code=base.code), form_id="student-form")


def _load_student(student_id: int, edit: bool = False) -> Student:
    student = db.session.get(Student, student_id)
    user = actor()
    if student is None or not authz.can_view_base(user, student.base):
        abort(404)
    if edit and not authz.can_edit_roster(user, student.base):
        abort(403)
    return student


@bp.route("/students/<int:student_id>")
@allow(*STAFF)
def student_detail(student_id):
    student = _load_student(student_id)
    return render_template("mentors/student_detail.html", student=student, levels=STUDENT_LEVELS,
                           outcomes=EMPLOYMENT_OUTCOMES, assignments=_assignments_of(student),
                           can_edit=authz.can_edit_roster(actor(), student.base), today=dt.date.today())


def _assignments_of(student):
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(MentorAssignment).where(MentorAssignment.student_id == student.id)
        .options(joinedload(MentorAssignment.university_mentor), joinedload(MentorAssignment.enterprise_mentor))
        .order_by(MentorAssignment.starts_on)))


@bp.route("/students/<int:student_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def student_edit(student_id):
    student = _load_student(student_id, edit=True)
    form = StudentForm(obj=student)
    if request.method == "GET":
        form.employment.data = student.employment or ""
    done = save_form(
        form, lambda: services.update_student(student, **form_data(form), actor=actor()),
        message=_("Saved."), done=url_for("mentors.student_detail", student_id=student.id))
    return done or render_template(
        "mentors/form.html", form=form, title=_("Edit %(name)s", name=student.name),
        back=url_for("mentors.student_detail", student_id=student.id), form_id="student-form")


@bp.route("/students/<int:student_id>/assign", methods=["GET", "POST"])
@allow(*EDITORS)
def student_assign(student_id):
    student = _load_student(student_id, edit=True)
    form = AssignmentForm()
    start = form.starts_on.data if request.method == "POST" and form.starts_on.data else dt.date.today()
    def choices(side):
        return options([(0, "—")] + [(m.id, f"{m.name} · {m.organisation}")
                                     for m in queries.mentors_of_base_on(student.base_id, start, side)])

    form.university_mentor_id.choices = choices("university")
    form.enterprise_mentor_id.choices = choices("enterprise")
    if request.method == "GET":
        form.starts_on.data = dt.date.today()
    done = save_form(
        form, lambda: services.assign_mentors(
            student, university_mentor=_mentor_at(student.base_id, form.university_mentor_id.data),
            enterprise_mentor=_mentor_at(student.base_id, form.enterprise_mentor_id.data),
            starts_on=form.starts_on.data, ends_on=form.ends_on.data, note=form.note.data, actor=actor()),
        message=_("Saved."), done=url_for("mentors.student_detail", student_id=student.id))
    return done or render_template(
        "mentors/form.html", form=form, title=_("Dual mentors for %(name)s", name=student.name),
        intro=_("One university and one enterprise mentor, each with an appointment at this base "
                "over the whole period."),
        back=url_for("mentors.student_detail", student_id=student.id), form_id="assignment-form")


def _mentor_at(base_id: int, mentor_id) -> Mentor | None:
    """A person with an appointment at this base (any other id is treated as not chosen)."""
    if not mentor_id:
        return None
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None or base_id not in set(queries.base_ids_of_mentor(mentor.id)):
        return None
    return mentor


@bp.route("/assignments/<int:assignment_id>/end", methods=["GET", "POST"])
@allow(*EDITORS)
def assignment_end(assignment_id):
    assignment = db.session.get(MentorAssignment, assignment_id)
    if assignment is None:
        abort(404)
    student = _load_student(assignment.student_id, edit=True)
    form = EndAssignmentForm()
    if request.method == "GET":
        form.ends_on.data = dt.date.today()
    done = save_form(
        form, lambda: services.end_assignment(assignment, ends_on=form.ends_on.data, actor=actor()),
        message=_("Saved."), done=url_for("mentors.student_detail", student_id=student.id))
    return done or render_template(
        "mentors/form.html", form=form, title=_("End the dual-mentor assignment of %(name)s", name=student.name),
        back=url_for("mentors.student_detail", student_id=student.id), form_id="end-assignment-form")


# ---- ministry-wide ratio -------------------------------------------------------------------

SORT_KEYS = {
    "code": lambda r: r.code,
    "name": lambda r: r.name,
    "enterprise": lambda r: (r.enterprise, r.code),
    "university": lambda r: (r.university, r.code),
    "total": lambda r: (r.total, r.code),
    "share": lambda r: (r.share, r.code),
    "meets": lambda r: (r.meets_requirement, r.code),
    "shortfall": lambda r: (-r.shortfall if not r.meets_requirement else 1, r.code),
}


@bp.route("/ratio")
@allow(*ALL)
def ratio_overview():
    user = actor()
    as_of = _date_arg()
    sort = request.args.get("sort", "shortfall")
    if sort not in SORT_KEYS:
        sort = "shortfall"
    descending = request.args.get("dir") == "desc"
    visible = base_ids_visible_to(user)
    page = dict(as_of=as_of, sort=sort, descending=descending, can_roster=authz.can_view_rosters(user))

    def table():
        rows = sorted(queries.ratio_of_bases(as_of, visible), key=SORT_KEYS[sort], reverse=descending)
        return dict(page, rows=rows, meeting=sum(1 for r in rows if r.meets_requirement))

    # The table of every base the viewer sees, rendered once per data generation, day and order.
    ratio_table = cache.cached_block("ratio-table", "mentors/ratio_overview.html", "ratio_table", table,
                                     as_of, sort, descending, page["can_roster"], visible)
    return render_template("mentors/ratio_overview.html", ratio_table=ratio_table, **page)


def register() -> None:
    """This area's navigation entries and base-page panel (called from the area's setup())."""
    register_nav(20, "mentors.ratio_overview", _l("Mentor ratio"), STAFF)
    register_nav(15, "mentors.me", _l("My mentor profile"), (MENTOR,))
    register_panel("mentors", 20, "mentors/_base_panel.html", _panel_context)
    register_summary("mentors", _summary)
