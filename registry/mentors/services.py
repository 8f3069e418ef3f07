"""Mentors, appointments, students and dual-mentor assignments: what can be done to them.

Plain functions: the acting user is passed as keyword-only `actor` (None means the system itself: the command line,
the demo loader), nothing here reads the request or commits. Every rule broken raises
`DomainError` naming the form field it belongs to; the flush hook writes the audit log.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select

from registry import authz, values as v
from registry.errors import Checks, DomainError, Forbidden, _l
from registry.extensions import db
from registry.mentors.fields import normalise_phone, validate_email
from registry.mentors.models import (EMPLOYMENT_OUTCOMES, SIDES, STUDENT_LEVELS, Appointment, Mentor,
                                     MentorAssignment, Student, Suspension)
from registry.mentors.queries import counting_spans, covers, find_mentor, suspensions_of

PROFILE_FIELDS = ("title", "degree", "expertise", "email", "phone", "biography")
MAX_LEN = {"name": 100, "organisation": 200, "staff_no": 64, "title": 100, "degree": 100, "expertise": 500,
           "biography": 4000, "reason": 500, "programme": 200, "major_project": 300, "employer": 200,
           "student_no": 64, "note": 500}
LABELS = {
    "name": _l("Full name"), "organisation": _l("Organisation"), "staff_no": _l("Staff number"),
    "title": _l("Professional title"), "degree": _l("Degree"), "expertise": _l("Expertise"),
    "biography": _l("Biography"),
    "reason": _l("Reason"), "programme": _l("Programme"), "major_project": _l("National major project"),
    "employer": _l("Employer"), "student_no": _l("Student number"), "note": _l("Note"),
}
FAR_FUTURE = dt.date.max


def _fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"{start.isoformat()} – {end.isoformat() if end else '…'}"


# ---- small checks ------------------------------------------------------------------------

def _text(value, field: str, required: bool = False) -> str:
    return v.text_value(value, field, LABELS[field], MAX_LEN[field], required)


def _side(side) -> str:
    if side not in SIDES:
        raise DomainError(_l("The side must be university or enterprise."), field="side")
    return side


def _dates(starts_on, ends_on) -> tuple[dt.date, dt.date | None]:
    check = Checks()
    start = check(v.date_value, starts_on, "starts_on", _l("Start date"))
    end = check(v.date_value, ends_on, "ends_on", _l("End date"), required=False)
    check.done()
    if end is not None and end < start:
        raise DomainError(_l("The end date %(end)s is before the start date %(start)s."), field="ends_on",
                          end=end.isoformat(), start=start.isoformat())
    return start, end


def _require(allowed: bool, actor) -> None:
    """Defence in depth: the views check first; a service refuses a user acting outside scope."""
    if actor is not None and not allowed:
        raise Forbidden(_l("You do not have permission to do this."))


# ---- mentors -----------------------------------------------------------------------------

def _person_fields(name, side, organisation, staff_no, check: Checks | None = None) -> dict:
    """Who the person is; every broken field is reported (to `check`, or raised together)."""
    own = check is None
    check = check or Checks()
    fields = {"name": check(_text, name, "name", required=True), "side": check(_side, side),
              "organisation": check(_text, organisation, "organisation", required=True),
              "staff_no": check(_text, staff_no, "staff_no", required=True)}
    if own:
        check.done()
    return fields


def _profile_fields(title="", degree="", expertise="", email="", phone="", biography="",
                    check: Checks | None = None) -> dict:
    own = check is None
    check = check or Checks()
    fields = {"title": check(_text, title, "title"), "degree": check(_text, degree, "degree"),
              "expertise": check(_text, expertise, "expertise"),
              "email": check(v.field_rule, validate_email, email, "email"),
              "phone": check(v.field_rule, normalise_phone, phone, "phone"),
              "biography": check(_text, biography, "biography")}
    if own:
        check.done()
    return fields


def _unique_person(organisation: str, staff_no: str, mentor: Mentor | None = None) -> None:
    other = find_mentor(organisation, staff_no)
    if other is not None and (mentor is None or other.id != mentor.id):
        raise DomainError(_l("Staff number %(staff_no)s at %(organisation)s already belongs to another person."),
                          field="staff_no", staff_no=staff_no, organisation=organisation)


def create_mentor(*, actor, name, side, organisation, staff_no, title="", degree="", expertise="", email="",
                  phone="", biography="") -> Mentor:
    """A new person. (organisation, staff number) identifies them across every base."""
    check = Checks()
    person = _person_fields(name, side, organisation, staff_no, check=check)
    profile = _profile_fields(title, degree, expertise, email, phone, biography, check=check)
    check.done()
    _unique_person(person["organisation"], person["staff_no"])
    mentor = Mentor(**person, **profile)
    db.session.add(mentor)
    db.session.flush()
    return mentor


def update_mentor(mentor: Mentor, *, actor, name, side, organisation, staff_no, title="", degree="",
                  expertise="", email="", phone="", biography="") -> Mentor:
    """A coordinator's edit: every field, including who the person is and their side."""
    _require(authz.can_manage_mentor(actor, mentor), actor)
    check = Checks()
    person = _person_fields(name, side, organisation, staff_no, check=check)
    profile = _profile_fields(title, degree, expertise, email, phone, biography, check=check)
    if person["organisation"] and person["staff_no"]:
        check(_unique_person, person["organisation"], person["staff_no"], mentor)
    if person["side"] and person["side"] != mentor.side and _has_assignments(mentor):
        check.add(DomainError(_l("%(name)s is assigned to students as a %(side)s mentor; the side cannot change "
                                 "while those assignments exist."), field="side", name=mentor.name,
                              side=SIDES[mentor.side]))
    check.done()
    for key, value in {**person, **profile}.items():
        setattr(mentor, key, value)
    db.session.flush()
    return mentor


def update_profile(mentor: Mentor, *, actor, title="", degree="", expertise="", email="", phone="",
                   biography="") -> Mentor:
    """Self-service: a mentor keeps their own profile. Side, terms, organisation, staff number stay put."""
    _require(authz.can_edit_profile_of(actor, mentor), actor)
    for key, value in _profile_fields(title, degree, expertise, email, phone, biography).items():
        setattr(mentor, key, value)
    db.session.flush()
    return mentor


def _has_assignments(mentor: Mentor) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(MentorAssignment).where(
        or_(MentorAssignment.university_mentor_id == mentor.id, MentorAssignment.enterprise_mentor_id == mentor.id))))


# ---- appointments ------------------------------------------------------------------------

def overlapping_appointment(base_id: int, mentor_id: int, starts_on: dt.date, ends_on: dt.date | None,
                            exclude_id: int | None = None) -> Appointment | None:
    """Another appointment of the same person at the same base sharing at least one day."""
    stmt = select(Appointment).where(
        Appointment.base_id == base_id, Appointment.mentor_id == mentor_id,
        or_(Appointment.ends_on.is_(None), Appointment.ends_on >= starts_on))
    if ends_on is not None:
        stmt = stmt.where(Appointment.starts_on <= ends_on)
    if exclude_id is not None:
        stmt = stmt.where(Appointment.id != exclude_id)
    return db.session.scalars(stmt.order_by(Appointment.starts_on).limit(1)).first()


def _refuse_overlap(base_id, mentor, starts_on, ends_on, exclude_id=None):
    other = overlapping_appointment(base_id, mentor.id, starts_on, ends_on, exclude_id)
    if other is not None:
        raise DomainError(_l("%(name)s already has an appointment at this base from %(start)s to %(end)s, which "
                             "overlaps %(period)s. End or shorten that appointment, or renew it instead."),
                          field="starts_on", name=mentor.name, start=_fmt(other.starts_on),
                          end=_fmt(other.ends_on) if other.ends_on else _l("open-ended"),
                          period=_period(starts_on, ends_on))


def appoint(base, mentor: Mentor, *, actor, starts_on, ends_on=None) -> Appointment:
    """Appoint a person to a base's team (active from `starts_on`; `ends_on` None = open-ended)."""
    _require(authz.can_edit_roster(actor, base), actor)
    start, end = _dates(starts_on, ends_on)
    _refuse_overlap(base.id, mentor, start, end)
    appt = Appointment(base_id=base.id, mentor_id=mentor.id, starts_on=start, ends_on=end, state="active",
                       reason="")
    db.session.add(appt)
    db.session.flush()
    return appt


def add_mentor_to_base(base, *, actor, name, side, organisation, staff_no, starts_on, ends_on=None, title="",
                       degree="", expertise="", email="", phone="", biography="") -> tuple[Mentor, Appointment, bool]:
    """Add a person to the base's team: create them, or attach the person already known by
    (organisation, staff number), whose profile is then left as it is. Returns (mentor, appointment, created)."""
    _require(authz.can_edit_roster(actor, base), actor)
    # Every broken field at once (who, when, how to reach them), before anything is written.
    check = Checks()
    person = _person_fields(name, side, organisation, staff_no, check=check)
    check(_dates, starts_on, ends_on)
    _profile_fields(title, degree, expertise, email, phone, biography, check=check)
    check.done()
    existing = find_mentor(person["organisation"], person["staff_no"])
    if existing is None:
        mentor = create_mentor(actor=actor, **person, title=title, degree=degree, expertise=expertise, email=email,
                               phone=phone, biography=biography)
        created = True
    else:
        # Never name the person here: the user may not be allowed to see who holds that staff number.
        if existing.name != person["name"] or existing.side != person["side"]:
            raise DomainError(_l("Staff number %(staff_no)s at %(organisation)s belongs to another person in the "
                                 "registry. Check the staff number, the name and the side."),
                              field="staff_no", staff_no=person["staff_no"], organisation=person["organisation"])
        mentor, created = existing, False
    return mentor, appoint(base, mentor, actor=actor, starts_on=starts_on, ends_on=ends_on), created


def update_appointment(appt: Appointment, *, actor, starts_on, ends_on=None) -> Appointment:
    """Correct an appointment's terms."""
    _require(authz.can_edit_roster(actor, appt.base), actor)
    start, end = _dates(starts_on, ends_on)
    check = Checks()
    if appt.state == "ended" and appt.ends_on is not None and (end is None or end > appt.ends_on):
        # Reopening an ended appointment would rewrite the team as it stood: a renewal says so instead.
        check.add(DomainError(_l("This appointment ended on %(date)s; it cannot run longer. Renew it instead."),
                              field="ends_on", date=appt.ends_on.isoformat()))
    check(_refuse_overlap, appt.base_id, appt.mentor, start, end, exclude_id=appt.id)
    check(_refuse_suspensions_outside, appt, start, end)
    check.done()
    appt.starts_on, appt.ends_on = start, end
    db.session.flush()
    return appt


def renew_appointment(appt: Appointment, *, actor, starts_on, ends_on=None) -> Appointment:
    """A successive appointment of the same person at the same base. If the current one is open-ended
    or runs past the new start, it now ends the day before. The person still counts once."""
    _require(authz.can_edit_roster(actor, appt.base), actor)
    start, end = _dates(starts_on, ends_on)
    check = Checks()
    if appt.open_suspension is not None:
        check.add(DomainError(_l("This appointment is suspended: resume or end it before renewing."),
                              field="starts_on"))
    if start <= appt.starts_on:
        check.add(DomainError(_l("A renewal must start after the current appointment's start (%(start)s)."),
                              field="starts_on", start=appt.starts_on.isoformat()))
    else:
        check(_refuse_overlap, appt.base_id, appt.mentor, start, end, exclude_id=appt.id)
    check.done()
    if appt.ends_on is None or appt.ends_on >= start:
        _refuse_suspensions_outside(appt, appt.starts_on, start - dt.timedelta(days=1))
        appt.ends_on = start - dt.timedelta(days=1)
    new = Appointment(base_id=appt.base_id, mentor_id=appt.mentor_id, starts_on=start, ends_on=end, state="active",
                      reason="")
    db.session.add(new)
    db.session.flush()
    return new


def _end_within(period, end, past_planned_end) -> None:
    """Refuse to end an appointment or assignment before its start, or after the end it already has."""
    if end < period.starts_on:
        raise DomainError(_l("The end date %(end)s is before the start date %(start)s."), field="ends_on",
                          end=end.isoformat(), start=period.starts_on.isoformat())
    if period.ends_on is not None and end > period.ends_on:
        raise DomainError(past_planned_end, field="ends_on", date=period.ends_on.isoformat())


def end_appointment(appt: Appointment, *, actor, ends_on, reason) -> Appointment:
    """End an appointment on a date (its last day). Nothing is deleted: the history stays."""
    _require(authz.can_edit_roster(actor, appt.base), actor)
    check = Checks()
    end = check(v.date_value, ends_on, "ends_on", _l("End date"))
    reason = check(_text, reason, "reason", required=True)
    if appt.state == "ended":
        check.add(DomainError(_l("This appointment already ended on %(date)s."), field="ends_on",
                              date=_fmt(appt.ends_on)))
    elif end is not None:
        check(_end_within, appt, end, _l("The appointment already ends on %(date)s; to extend it, renew it."))
        check(_refuse_suspensions_outside, appt, appt.starts_on, end)
    check.done()
    appt.ends_on, appt.state, appt.reason = end, "ended", reason
    db.session.flush()
    return appt


def _refuse_suspensions_outside(appt: Appointment, start: dt.date, end: dt.date | None) -> None:
    """New terms must keep every recorded suspension inside the appointment (a suspension outside it would
    say nothing true); open suspensions may run past the end."""
    for s in appt.suspensions:
        last = s.ends_on or s.starts_on
        if s.starts_on < start or (end is not None and last > end):
            raise DomainError(_l("This appointment is suspended %(period)s, which would lie outside the new "
                                 "terms %(terms)s."), field="ends_on" if s.starts_on >= start else "starts_on",
                              period=_period(s.starts_on, s.ends_on), terms=_period(start, end))


def suspend_appointment(appt: Appointment, *, actor, starts_on, ends_on=None, reason="") -> Suspension:
    """Suspend an appointment for a period: from `starts_on` through `ends_on` (both included), or open until
    resumed. The person does not count on those days; days before `starts_on` stay as they were."""
    _require(authz.can_edit_roster(actor, appt.base), actor)
    check = Checks()
    start = check(v.date_value, starts_on, "starts_on", _l("First day of the suspension"))
    end = check(v.date_value, ends_on, "ends_on", _l("Last day of the suspension"), required=False)
    reason = check(_text, reason, "reason")
    if start is None or any(e.field == "ends_on" for e in check.errors):
        check.done()  # the rules below compare the days
    if end is not None and end < start:
        check.add(DomainError(_l("The last day %(end)s is before the first day %(start)s."), field="ends_on",
                              end=end.isoformat(), start=start.isoformat()))
    if start < appt.starts_on or (appt.ends_on is not None and start > appt.ends_on):
        check.add(DomainError(_l("%(date)s is outside the appointment %(period)s."), field="starts_on",
                              date=start.isoformat(), period=_period(appt.starts_on, appt.ends_on)))
    if end is not None and appt.ends_on is not None and end > appt.ends_on:
        check.add(DomainError(_l("%(date)s is outside the appointment %(period)s."), field="ends_on",
                              date=end.isoformat(), period=_period(appt.starts_on, appt.ends_on)))
    for other in appt.suspensions:
        if other.starts_on <= (end or FAR_FUTURE) and (other.ends_on or FAR_FUTURE) >= start:
            check.add(DomainError(_l("The appointment is already suspended %(period)s, which overlaps %(new)s."),
                                  field="starts_on", period=_period(other.starts_on, other.ends_on),
                                  new=_period(start, end)))
            break
    check.done()
    period = Suspension(appointment=appt, base_id=appt.base_id, starts_on=start, ends_on=end, reason=reason,
                        recorded_by_id=getattr(actor, "id", None))
    db.session.add(period)
    db.session.flush()
    return period


def resume_appointment(appt: Appointment, *, actor, on) -> Suspension:
    """End the open suspension so that `on` is the first day the appointment counts again."""
    _require(authz.can_edit_roster(actor, appt.base), actor)
    day = v.date_value(on, "on", _l("First day counted again"))
    period = appt.open_suspension
    if period is None:
        raise DomainError(_l("This appointment has no open suspension to resume."), field="on")
    if day <= period.starts_on:
        raise DomainError(_l("The suspension began on %(start)s: the appointment can count again from the day "
                             "after at the earliest."), field="on", start=period.starts_on.isoformat())
    if appt.ends_on is not None and day > appt.ends_on + dt.timedelta(days=1):
        raise DomainError(_l("%(date)s is outside the appointment %(period)s."), field="on",
                          date=day.isoformat(), period=_period(appt.starts_on, appt.ends_on))
    period.ends_on = day - dt.timedelta(days=1)
    db.session.flush()
    return period


# ---- students ----------------------------------------------------------------------------

def _level(level) -> str:
    if level not in STUDENT_LEVELS:
        raise DomainError(_l("The level must be undergraduate, master or doctoral."), field="level")
    return level


def _enrolment_year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise DomainError(_l("The enrolment year is required (e.g. 2023)."), field="enrolment_year") from None
    if not (1950 <= year <= dt.date.today().year + 1):
        raise DomainError(_l("The enrolment year %(year)s is out of range."), field="enrolment_year", year=year)
    return year


def _student_fields(base, *, name, student_no, level, enrolment_year, programme="", major_project="",
                    graduated_on=None, employment=None, employer="", student=None) -> dict:
    """Every broken field of a student at once (the rules between two fields once both are sound)."""
    check = Checks()
    fields = {"name": check(_text, name, "name", required=True),
              "student_no": check(_text, student_no, "student_no", required=True),
              "level": check(_level, level), "enrolment_year": check(_enrolment_year, enrolment_year),
              "programme": check(_text, programme, "programme"),
              "major_project": check(_text, major_project, "major_project"),
              "graduated_on": check(v.date_value, graduated_on, "graduated_on", _l("Graduation date"),
                                    required=False),
              "employment": employment or None, "employer": check(_text, employer, "employer")}
    year, graduated, employment = fields["enrolment_year"], fields["graduated_on"], fields["employment"]
    if graduated is not None and year is not None and graduated.year < year:
        check.add(DomainError(_l("The graduation date %(date)s is before the enrolment year %(year)s."),
                              field="graduated_on", date=graduated.isoformat(), year=year))
    if employment is not None and employment not in EMPLOYMENT_OUTCOMES:
        check.add(DomainError(_l("Unknown employment outcome: %(value)s"), field="employment", value=employment))
    elif employment is not None and graduated is None and not graduated_on:
        check.add(DomainError(_l("Record the graduation date before the employment outcome."), field="employment"))
    if fields["student_no"]:
        clash = db.session.scalar(select(Student).where(Student.base_id == base.id,
                                                        Student.student_no == fields["student_no"]))
        if clash is not None and (student is None or clash.id != student.id):
            check.add(DomainError(_l("Student number %(student_no)s is already used at this base by %(name)s."),
                                  field="student_no", student_no=fields["student_no"], name=clash.name))
    check.done()
    return fields


def create_student(base, *, actor, **fields) -> Student:
    _require(authz.can_edit_roster(actor, base), actor)
    student = Student(base_id=base.id, **_student_fields(base, **fields))
    db.session.add(student)
    db.session.flush()
    return student


def update_student(student: Student, *, actor, **fields) -> Student:
    _require(authz.can_edit_roster(actor, student.base), actor)
    for key, value in _student_fields(student.base, student=student, **fields).items():
        setattr(student, key, value)
    db.session.flush()
    return student


def _covered(mentor: Mentor, base_id: int, start: dt.date, end: dt.date | None) -> bool:
    """Whether the mentor's appointments at the base count on every day of [start, end] (end None =
    open-ended; `counting_spans`: suspended days do not count); successive appointments (renewals) join up."""
    appts = list(db.session.scalars(select(Appointment).where(Appointment.base_id == base_id,
                                                              Appointment.mentor_id == mentor.id)))
    periods = suspensions_of(a.id for a in appts)
    return covers([span for a in appts for span in counting_spans(a.starts_on, a.ends_on, periods[a.id])], start, end)


def assign_mentors(student: Student, *, actor, university_mentor: Mentor | None, enterprise_mentor: Mentor | None,
                   starts_on, ends_on=None, note="") -> MentorAssignment:
    """Give a student dual mentors for a period: exactly one university and one enterprise mentor, each with
    an appointment at the student's base active over the whole period."""
    base = student.base
    _require(authz.can_edit_roster(actor, base), actor)
    check = Checks()
    chosen = []  # (mentor, field) of the sides chosen as they should be
    for mentor, side, field, missing, wrong in (
            (university_mentor, "university", "university_mentor_id", _l("Choose a university mentor."),
             _l("%(name)s is an enterprise mentor; choose a university mentor here.")),
            (enterprise_mentor, "enterprise", "enterprise_mentor_id", _l("Choose an enterprise mentor."),
             _l("%(name)s is a university mentor; choose an enterprise mentor here."))):
        if mentor is None:
            check.add(DomainError(missing, field=field))
        elif mentor.side != side:
            check.add(DomainError(wrong, field=field, name=mentor.name))
        else:
            chosen.append((mentor, field))
    dates = check(_dates, starts_on, ends_on)
    note = check(_text, note, "note")
    if dates is None:
        check.done()
    start, end = dates
    if start.year < student.enrolment_year:
        check.add(DomainError(_l("The assignment cannot start before the student's enrolment year %(year)s."),
                              field="starts_on", year=student.enrolment_year))
    if student.graduated_on is not None and (end is None or end > student.graduated_on):
        check.add(DomainError(_l("The student graduated on %(date)s: the assignment must end by then."),
                              field="ends_on", date=student.graduated_on.isoformat()))
    for mentor, field in chosen:
        if not _covered(mentor, base.id, start, end):
            check.add(DomainError(_l("%(name)s has no appointment at this base active over the whole period "
                                     "%(period)s (suspended appointments do not count)."),
                                  field=field, name=mentor.name, period=_period(start, end)))
    stmt = select(MentorAssignment).where(
        MentorAssignment.student_id == student.id,
        or_(MentorAssignment.ends_on.is_(None), MentorAssignment.ends_on >= start))
    if end is not None:
        stmt = stmt.where(MentorAssignment.starts_on <= end)
    other = db.session.scalars(stmt.limit(1)).first()
    if other is not None:
        check.add(DomainError(_l("%(student)s already has mentors for %(period)s (%(university)s and "
                                 "%(enterprise)s); end that assignment before the new one starts."),
                              field="starts_on", student=student.name, period=_period(other.starts_on, other.ends_on),
                              university=other.university_mentor.name, enterprise=other.enterprise_mentor.name))
    check.done()
    assignment = MentorAssignment(base_id=base.id, student_id=student.id, university_mentor_id=university_mentor.id,
                                  enterprise_mentor_id=enterprise_mentor.id, starts_on=start, ends_on=end,
                                  note=note)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def end_assignment(assignment: MentorAssignment, *, actor, ends_on) -> MentorAssignment:
    """End a student's dual-mentor assignment on a date (its last day); the history stays."""
    _require(authz.can_edit_roster(actor, assignment.student.base), actor)
    end = v.date_value(ends_on, "ends_on", _l("End date"))
    _end_within(assignment, end, _l("This assignment already ends on %(date)s."))
    assignment.ends_on = end
    db.session.flush()
    return assignment

