"""Every rule of the mentors area's services, with the message a coordinator reads."""
import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.audit.services import set_actor
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from registry.mentors import services
from registry.mentors.models import Appointment, MentorAssignment
from registry.mentors.queries import ratio_of_base
from tests.mentors.conftest import D

PERSON = dict(name="张伟", side="university", organisation="示范工业大学", staff_no="U9001")


def _raises(field, *fragments):
    """Context: a DomainError on `field` whose English message holds every fragment."""
    class _Check:
        def __enter__(self):
            self.ctx = pytest.raises(DomainError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            err = self.info.value
            assert err.field == field, (err.field, err.en)
            for f in fragments:
                assert f in err.en, (f, err.en)
            assert err.zh  # renders in Chinese too
            return handled

    return _Check()


def _add(world, base=None, **kw):
    data = {**PERSON, "starts_on": D(2023, 9, 1), **kw}
    user = world.coord2 if base is world.base2 else world.coord
    return services.add_mentor_to_base(base or world.base, **data, actor=user)


# ---- people ----------------------------------------------------------------------------------

def test_add_mentor_creates_person_and_appointment(team):
    mentor, appt, created = _add(team, title="教授", email="zhang@example.edu.cn", phone="+86 139 0000 0001")
    assert created and mentor.phone == "13900000001" and appt.state == "active" and appt.ends_on is None
    assert appt.base_id == team.base.id


def test_attach_existing_person_by_organisation_and_staff_number(team):
    mentor, _a, _c = _add(team, expertise="燃烧")
    set_actor(db.session, team.coord2)
    again, appt, created = _add(team, base=team.base2, expertise="ignored")
    assert again.id == mentor.id and not created and again.expertise == "燃烧"
    assert appt.base_id == team.base2.id


@pytest.mark.parametrize("kw, field, fragments", [
    ({"name": " \u3000"}, "name", ["Full name", "required"]),
    ({"organisation": ""}, "organisation", ["Organisation", "required"]),
    ({"staff_no": ""}, "staff_no", ["Staff number", "required"]),
    ({"side": "both"}, "side", ["university or enterprise"]),
    ({"phone": "12345"}, "phone", ['"12345"', "mainland mobile"]),
    ({"email": "zhang@"}, "email", ['"zhang@"', "valid email"]),
    ({"name": "x" * 101}, "name", ["at most 100"]),
    ({"expertise": "x" * 501}, "expertise", ["at most 500"]),
    ({"starts_on": None}, "starts_on", ["Start date", "required"]),
    ({"starts_on": "2023-09-01"}, "starts_on", ["not a date"]),
    ({"starts_on": D(1900, 1, 1)}, "starts_on", ["between 1950 and 2100"]),
    ({"ends_on": D(2023, 8, 31)}, "ends_on", ["2023-08-31", "before the start date 2023-09-01"]),
])
def test_add_mentor_refuses(team, kw, field, fragments):
    with _raises(field, *fragments):
        _add(team, **kw)


def test_attach_refuses_another_name_or_side(team):
    _add(team)
    # Refused without naming the holder: the coordinator of the other base may not know who it is.
    with _raises("staff_no", "belongs to another person") as refused:
        _add(team, base=team.base2, name="李伟")
    assert "张伟" not in refused.value.zh + refused.value.en
    with _raises("staff_no", "belongs to another person") as refused:
        _add(team, base=team.base2, side="enterprise")
    assert "张伟" not in refused.value.zh + refused.value.en


def test_update_mentor_keeps_staff_numbers_unique(team):
    a, _x, _y = _add(team)
    b, _x, _y = _add(team, name="李伟", staff_no="U9002")
    with _raises("staff_no", "Staff number U9001 at 示范工业大学 already belongs to another person"):
        services.update_mentor(b, **{**PERSON, "name": "李伟"}, actor=team.coord)


def test_side_cannot_change_while_assigned(team, assigned):
    uni = assigned["university"]
    with _raises("side", "assigned to students"):
        services.update_mentor(uni, name=uni.name, side="enterprise", organisation=uni.organisation,
                               staff_no=uni.staff_no, actor=team.coord)


def test_coordinator_of_another_base_may_not_manage(team):
    mentor, _a, _c = _add(team)
    with pytest.raises(Forbidden):
        services.update_mentor(mentor, **PERSON, actor=team.coord2)


# ---- appointments ----------------------------------------------------------------------------

def test_overlap_is_refused_naming_the_other(team):
    mentor, appt, _ = _add(team, ends_on=D(2026, 8, 31))
    with _raises("starts_on", "张伟 already has an appointment at this base from 2023-09-01 to 2026-08-31",
                 "2026-01-01 – …"):
        services.appoint(team.base, mentor, starts_on=D(2026, 1, 1), actor=team.coord)
    with _raises("starts_on", "from 2023-09-01 to 2026-08-31"):
        services.appoint(team.base, mentor, starts_on=D(2020, 1, 1), ends_on=D(2023, 9, 1), actor=team.coord)
    # touching is fine: the day after
    services.appoint(team.base, mentor, starts_on=D(2026, 9, 1), actor=team.coord)
    # the same dates at another base are fine
    services.appoint(team.base2, mentor, starts_on=D(2023, 9, 1), actor=team.coord2)


def test_open_ended_overlap_names_it_open_ended(team):
    mentor, appt, _ = _add(team)
    with _raises("starts_on", "from 2023-09-01 to open-ended"):
        services.appoint(team.base, mentor, starts_on=D(2030, 1, 1), actor=team.coord)


def test_update_appointment_checks_dates_and_overlap(team):
    mentor, first, _ = _add(team, ends_on=D(2024, 8, 31))
    second = services.appoint(team.base, mentor, starts_on=D(2024, 9, 1), actor=team.coord)
    with _raises("starts_on", "from 2023-09-01 to 2024-08-31"):
        services.update_appointment(second, starts_on=D(2024, 8, 1), actor=team.coord)
    with _raises("ends_on", "before the start date"):
        services.update_appointment(second, starts_on=D(2024, 9, 1), ends_on=D(2024, 1, 1), actor=team.coord)
    services.update_appointment(second, starts_on=D(2024, 9, 1), ends_on=D(2027, 8, 31), actor=team.coord)
    assert second.ends_on == D(2027, 8, 31)


def test_renew_closes_an_open_term_and_counts_once(team):
    mentor, appt, _ = _add(team)
    new = services.renew_appointment(appt, starts_on=D(2026, 9, 1), ends_on=D(2029, 8, 31), actor=team.coord)
    assert appt.ends_on == D(2026, 8, 31) and new.starts_on == D(2026, 9, 1)
    assert ratio_of_base(team.base, D(2026, 9, 1)).university == 1
    with _raises("starts_on", "must start after the current appointment's start (2023-09-01)"):
        services.renew_appointment(appt, starts_on=D(2023, 9, 1), actor=team.coord)
    with _raises("starts_on", "from 2026-09-01 to 2029-08-31"):
        services.renew_appointment(appt, starts_on=D(2027, 1, 1), actor=team.coord)


def test_renewing_a_suspended_appointment_is_refused(team):
    _m, appt, _ = _add(team)
    services.suspend_appointment(appt, starts_on=D(2025, 1, 1), reason="出国", actor=team.coord)
    with _raises("starts_on", "suspended: resume or end it"):
        services.renew_appointment(appt, starts_on=D(2026, 9, 1), actor=team.coord)


def test_end_keeps_the_history(team):
    _m, appt, _ = _add(team, ends_on=D(2026, 8, 31))
    with _raises("reason", "Reason", "required"):
        services.end_appointment(appt, ends_on=D(2025, 1, 31), reason=" ", actor=team.coord)
    with _raises("ends_on", "before the start date 2023-09-01"):
        services.end_appointment(appt, ends_on=D(2023, 1, 1), reason="离职", actor=team.coord)
    with _raises("ends_on", "already ends on 2026-08-31; to extend it, renew it"):
        services.end_appointment(appt, ends_on=D(2027, 1, 1), reason="离职", actor=team.coord)
    services.end_appointment(appt, ends_on=D(2025, 1, 31), reason="离职", actor=team.coord)
    assert (appt.state, appt.ends_on, appt.reason) == ("ended", D(2025, 1, 31), "离职")
    assert db.session.get(Appointment, appt.id) is not None
    with _raises("ends_on", "already ended on 2025-01-31"):
        services.end_appointment(appt, ends_on=D(2025, 1, 31), reason="again", actor=team.coord)
    assert ratio_of_base(team.base, D(2025, 1, 31)).university == 1
    assert ratio_of_base(team.base, D(2025, 2, 1)).university == 0
    # Editing the terms cannot reopen it (the person would count again for every later day).
    with _raises("ends_on", "ended on 2025-01-31", "Renew it instead"):
        services.update_appointment(appt, starts_on=appt.starts_on, ends_on=None, actor=team.coord)
    with _raises("ends_on", "ended on 2025-01-31"):
        services.update_appointment(appt, starts_on=appt.starts_on, ends_on=D(2025, 6, 30), actor=team.coord)
    services.update_appointment(appt, starts_on=appt.starts_on, ends_on=D(2025, 1, 15), actor=team.coord)  # earlier: fine
    assert ratio_of_base(team.base, D(2025, 1, 20)).university == 0


def test_suspend_and_resume(team):
    _m, appt, _ = _add(team)  # from 2023-09-01, open-ended
    with _raises("starts_on", "outside the appointment 2023-09-01"):
        services.suspend_appointment(appt, starts_on=D(2023, 8, 31), actor=team.coord)
    with _raises("ends_on", "before the first day 2024-03-01"):
        services.suspend_appointment(appt, starts_on=D(2024, 3, 1), ends_on=D(2024, 2, 29), actor=team.coord)
    with _raises("on", "no open suspension"):
        services.resume_appointment(appt, on=D(2024, 1, 1), actor=team.coord)
    period = services.suspend_appointment(appt, starts_on=D(2024, 1, 1), reason="出国", actor=team.coord)
    assert (period.starts_on, period.ends_on, period.reason, period.recorded_by_id) == (
        D(2024, 1, 1), None, "出国", team.coord.id)
    assert ratio_of_base(team.base, D(2023, 12, 31)).university == 1  # the day before: unchanged
    assert ratio_of_base(team.base, D(2024, 1, 1)).university == 0
    with _raises("starts_on", "already suspended 2024-01-01 – …"):
        services.suspend_appointment(appt, starts_on=D(2025, 1, 1), actor=team.coord)
    with _raises("on", "from the day after at the earliest"):
        services.resume_appointment(appt, on=D(2024, 1, 1), actor=team.coord)
    services.resume_appointment(appt, on=D(2024, 3, 1), actor=team.coord)  # 29 Feb 2024 is the last day suspended
    assert period.ends_on == D(2024, 2, 29)
    assert ratio_of_base(team.base, D(2024, 2, 29)).university == 0
    assert ratio_of_base(team.base, D(2024, 3, 1)).university == 1
    assert appt.state == "active"
    with _raises("starts_on", "overlaps 2023-12-01 – 2024-01-01"):
        services.suspend_appointment(appt, starts_on=D(2023, 12, 1), ends_on=D(2024, 1, 1), actor=team.coord)
    # a closed period, then the days around it
    services.suspend_appointment(appt, starts_on=D(2024, 12, 31), ends_on=D(2025, 1, 1), actor=team.coord)
    assert [ratio_of_base(team.base, d).university for d in (D(2024, 12, 30), D(2024, 12, 31), D(2025, 1, 1),
                                                             D(2025, 1, 2))] == [1, 0, 0, 1]
    # ending the appointment before a recorded suspension begins would leave it outside: refused
    with _raises("ends_on", "outside the new terms"):
        services.end_appointment(appt, ends_on=D(2024, 6, 30), reason="离职", actor=team.coord)


def test_suspension_of_an_appointment_with_an_end(team):
    _m, appt, _ = _add(team, ends_on=D(2026, 8, 31))
    with _raises("ends_on", "outside the appointment"):
        services.suspend_appointment(appt, starts_on=D(2026, 1, 1), ends_on=D(2026, 9, 1), actor=team.coord)
    with _raises("starts_on", "outside the appointment"):
        services.suspend_appointment(appt, starts_on=D(2026, 9, 1), actor=team.coord)
    services.suspend_appointment(appt, starts_on=D(2026, 8, 31), actor=team.coord)  # its last day
    assert ratio_of_base(team.base, D(2026, 8, 30)).university == 1
    assert ratio_of_base(team.base, D(2026, 8, 31)).university == 0


def test_roster_changes_are_audited_with_the_actor(team):
    mentor, appt, _ = _add(team)
    services.suspend_appointment(appt, starts_on=D(2025, 1, 1), reason="出国", actor=team.coord)
    services.resume_appointment(appt, on=D(2025, 3, 1), actor=team.coord)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table.in_(("mentor", "appointment",
                                                                                 "suspension")))
                                 .order_by(AuditEntry.id)).all()
    mine = [e for e in entries if e.actor_label == "coord"]
    assert {(e.table, e.action) for e in mine} >= {("mentor", "create"), ("appointment", "create"),
                                                   ("suspension", "create"), ("suspension", "update")}
    update = [e for e in mine if e.action == "update"][-1]
    assert update.changes["ends_on"][1] == "2025-02-28" and update.actor_id == team.coord.id
    assert update.base_id == team.base.id


def test_services_refuse_users_out_of_scope(team):
    mentor, appt, _ = _add(team)
    for call in (lambda: services.end_appointment(appt, ends_on=D(2025, 1, 1), reason="x", actor=team.coord2),
                 lambda: services.suspend_appointment(appt, starts_on=D(2025, 1, 1), actor=team.reviewer),
                 lambda: services.appoint(team.base, mentor, starts_on=D(2030, 1, 1), actor=team.coord2),
                 lambda: services.update_profile(mentor, title="x", actor=team.mentor)):
        with pytest.raises(Forbidden):
            call()


# ---- students and dual mentors ---------------------------------------------------------------

STUDENT = dict(name="刘同学", student_no="S2023009", level="master", enrolment_year=2023, programme="动力工程")


@pytest.fixture
def assigned(team):
    uni, _a, _c = _add(team)
    ent = team.mentor_record  # enterprise, at SF-AP-01 since 2020-01-01, open-ended
    student = services.create_student(team.base, **STUDENT, actor=team.coord)
    assignment = services.assign_mentors(student, university_mentor=uni, enterprise_mentor=ent,
                                         starts_on=D(2023, 9, 1), actor=team.coord)
    return {"university": uni, "enterprise": ent, "student": student, "assignment": assignment}


@pytest.mark.parametrize("kw, field, fragments", [
    ({"name": ""}, "name", ["required"]),
    ({"student_no": " "}, "student_no", ["Student number", "required"]),
    ({"level": "phd"}, "level", ["undergraduate, master or doctoral"]),
    ({"enrolment_year": "x"}, "enrolment_year", ["enrolment year is required"]),
    ({"enrolment_year": 1900}, "enrolment_year", ["1900 is out of range"]),
    ({"graduated_on": D(2022, 6, 30)}, "graduated_on", ["2022-06-30 is before the enrolment year 2023"]),
    ({"employment": "partner_enterprise"}, "employment", ["graduation date before the employment outcome"]),
    ({"employment": "x", "graduated_on": D(2026, 6, 30)}, "employment", ["Unknown employment outcome: x"]),
])
def test_student_rules(team, kw, field, fragments):
    with _raises(field, *fragments):
        services.create_student(team.base, **{**STUDENT, **kw}, actor=team.coord)


def test_student_number_unique_per_base(team):
    services.create_student(team.base, **STUDENT, actor=team.coord)
    with _raises("student_no", "S2023009 is already used at this base by 刘同学"):
        services.create_student(team.base, **{**STUDENT, "name": "王同学"}, actor=team.coord)
    services.create_student(team.base2, **STUDENT, actor=None)  # another base: fine


def test_assignment_pairs_one_of_each_side(team, assigned):
    a = assigned["assignment"]
    assert (a.university_mentor_id, a.enterprise_mentor_id, a.base_id) == (
        assigned["university"].id, assigned["enterprise"].id, team.base.id)


def test_assignment_rules(team, assigned):
    uni, ent, _student = assigned["university"], assigned["enterprise"], assigned["student"]
    other = services.create_student(team.base, **{**STUDENT, "student_no": "S2023010"}, actor=team.coord)

    def assign(**kw):
        data = dict(university_mentor=uni, enterprise_mentor=ent, starts_on=D(2023, 9, 1))
        return services.assign_mentors(other, **{**data, **kw}, actor=team.coord)

    with _raises("university_mentor_id", "Choose a university mentor"):
        assign(university_mentor=None)
    with _raises("enterprise_mentor_id", "Choose an enterprise mentor"):
        assign(enterprise_mentor=None)
    with _raises("university_mentor_id", "李工 is an enterprise mentor; choose a university mentor here"):
        assign(university_mentor=ent)
    with _raises("enterprise_mentor_id", "张伟 is a university mentor; choose an enterprise mentor here"):
        assign(enterprise_mentor=uni)
    with _raises("starts_on", "cannot start before the student's enrolment year 2023"):
        assign(starts_on=D(2022, 9, 1))
    with _raises("ends_on", "before the start date"):
        assign(ends_on=D(2023, 1, 1))
    # 张伟's appointment starts 2023-09-01: the period must lie inside it
    with _raises("university_mentor_id", "张伟 has no appointment at this base active over the whole period "
                                         "2023-08-01 – …"):
        assign(starts_on=D(2023, 8, 1))


def test_assignment_needs_appointments_at_the_students_base(team):
    uni, _a, _c = services.add_mentor_to_base(team.base2, **PERSON, starts_on=D(2020, 1, 1), actor=None)
    student = services.create_student(team.base, **STUDENT, actor=team.coord)
    with _raises("university_mentor_id", "张伟 has no appointment at this base"):
        services.assign_mentors(student, university_mentor=uni, enterprise_mentor=team.mentor_record,
                                starts_on=D(2023, 9, 1), actor=team.coord)


def test_assignment_must_fit_fixed_terms_and_renewals_join_up(team):
    uni, appt, _ = _add(team, starts_on=D(2023, 1, 1), ends_on=D(2024, 12, 31))
    student = services.create_student(team.base, **STUDENT, actor=team.coord)
    kw = dict(university_mentor=uni, enterprise_mentor=team.mentor_record, starts_on=D(2023, 9, 1))
    with _raises("university_mentor_id", "2023-09-01 – …"):
        services.assign_mentors(student, **kw, actor=team.coord)  # open-ended, but the appointment ends
    with _raises("university_mentor_id", "2023-09-01 – 2025-06-30"):
        services.assign_mentors(student, **kw, ends_on=D(2025, 6, 30), actor=team.coord)
    services.renew_appointment(appt, starts_on=D(2025, 1, 1), ends_on=D(2027, 12, 31), actor=team.coord)
    a = services.assign_mentors(student, **kw, ends_on=D(2025, 6, 30), actor=team.coord)
    assert a.ends_on == D(2025, 6, 30)


def test_a_suspended_appointment_does_not_cover(team):
    uni, appt, _ = _add(team)
    services.suspend_appointment(appt, starts_on=D(2024, 2, 29), ends_on=D(2024, 3, 31), reason="出国", actor=team.coord)
    student = services.create_student(team.base, **STUDENT, actor=team.coord)
    kw = dict(university_mentor=uni, enterprise_mentor=team.mentor_record)
    with _raises("university_mentor_id", "suspended appointments do not count"):
        services.assign_mentors(student, **kw, starts_on=D(2023, 9, 1), actor=team.coord)
    with _raises("university_mentor_id", "suspended appointments do not count"):
        services.assign_mentors(student, **kw, starts_on=D(2023, 9, 1), ends_on=D(2024, 2, 29), actor=team.coord)
    # the day before the suspension, and from the day after it: covered
    services.assign_mentors(student, **kw, starts_on=D(2023, 9, 1), ends_on=D(2024, 2, 28), actor=team.coord)
    assert services.assign_mentors(student, **kw, starts_on=D(2024, 4, 1), actor=team.coord).ends_on is None


def test_one_assignment_at_a_time(team, assigned):
    with _raises("starts_on", "刘同学 already has mentors for 2023-09-01 – … (张伟 and 李工)"):
        services.assign_mentors(assigned["student"], university_mentor=assigned["university"],
                                enterprise_mentor=assigned["enterprise"], starts_on=D(2024, 9, 1), actor=team.coord)
    services.end_assignment(assigned["assignment"], ends_on=D(2024, 8, 31), actor=team.coord)
    services.assign_mentors(assigned["student"], university_mentor=assigned["university"],
                            enterprise_mentor=assigned["enterprise"], starts_on=D(2024, 9, 1), actor=team.coord)
    assert db.session.scalar(select(db.func.count()).select_from(MentorAssignment)) == 2


def test_end_assignment_rules(team, assigned):
    a = assigned["assignment"]
    with _raises("ends_on", "before the start date 2023-09-01"):
        services.end_assignment(a, ends_on=D(2023, 1, 1), actor=team.coord)
    services.end_assignment(a, ends_on=D(2024, 8, 31), actor=team.coord)
    with _raises("ends_on", "already ends on 2024-08-31"):
        services.end_assignment(a, ends_on=D(2025, 1, 1), actor=team.coord)


def test_graduated_student_assignment_must_end_by_graduation(team, assigned):
    student = services.create_student(team.base, **{**STUDENT, "student_no": "S2023011",
                                                                "graduated_on": D(2025, 6, 30)}, actor=team.coord)
    with _raises("ends_on", "graduated on 2025-06-30"):
        services.assign_mentors(student, university_mentor=assigned["university"],
                                enterprise_mentor=assigned["enterprise"], starts_on=D(2023, 9, 1), actor=team.coord)


def test_a_renewal_cannot_cut_a_recorded_suspension_short(team):
    _m, appt, _ = _add(team)  # from 2023-09-01
    services.suspend_appointment(appt, starts_on=D(2025, 1, 1), ends_on=D(2025, 6, 30), actor=team.coord)
    with _raises("ends_on", "suspended 2025-01-01 – 2025-06-30", "outside the new terms"):
        services.renew_appointment(appt, starts_on=D(2025, 3, 1), actor=team.coord)
    new = services.renew_appointment(appt, starts_on=D(2025, 7, 1), actor=team.coord)
    assert appt.ends_on == D(2025, 6, 30) and new.starts_on == D(2025, 7, 1)
    assert [ratio_of_base(team.base, d).university for d in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 6, 30),
                                                             D(2025, 7, 1))] == [1, 0, 0, 1]
