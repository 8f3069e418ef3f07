"""Full roster exports: a base's mentors with their appointments and its students with their mentors,
and the directory of every mentor of the bases a user sees. Each is one query, streamed.

The mentor sheet uses the roster import's own columns, so an export can be edited and imported
back: a masked mobile number that matches the number on record means "unchanged" to the import, and
the status columns are ignored. Mobile numbers are masked (138****5678) unless the caller allows them
unmasked.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import aliased

from registry.extensions import db
from registry.mentors.fields import mask_phone
from registry.mentors.models import Appointment, Mentor, MentorAssignment, Student
from registry.mentors.queries import counts_on
from registry.orgs.models import Base
from registry.safe_sheets import Sheet

SIDE_ZH = {"university": "校内导师", "enterprise": "企业导师"}
STATE_ZH = {"active": "在聘", "suspended": "暂停", "ended": "已结束"}  # 暂停: a suspension covers today
LEVEL_ZH = {"undergraduate": "本科生", "master": "硕士研究生", "doctoral": "博士研究生"}

MENTOR_COLUMNS = ("姓名", "导师类型", "所在单位", "工号", "职称", "最高学位", "专业领域", "聘任开始日期", "聘任结束日期",
                  "邮箱", "手机", "聘任状态", "原因")
STUDENT_COLUMNS = ("姓名", "学号", "培养层次", "入学年份", "专业", "参与国家重大项目", "校内导师单位", "校内导师工号",
                   "校内导师姓名", "企业导师单位", "企业导师工号", "企业导师姓名", "指导开始日期", "指导结束日期")
DIRECTORY_COLUMNS = ("姓名", "导师类型", "所在单位", "工号", "职称", "最高学位", "专业领域", "邮箱", "手机", "所在基地")
MENTOR_SHEET, STUDENT_SHEET, DIRECTORY_SHEET = "导师", "学生", "导师名录"


def _phone(unmasked: bool):
    return (lambda p: p or "") if unmasked else mask_phone


def mentor_rows(base_id: int, unmasked: bool = False):
    """One row per appointment at the base: the person, then the appointment's terms."""
    phone = _phone(unmasked)
    import datetime as dt

    from sqlalchemy import and_, case, or_

    today = dt.date.today()
    running = and_(Appointment.starts_on <= today, or_(Appointment.ends_on.is_(None), Appointment.ends_on >= today))
    state = case((Appointment.state == "ended", "ended"), (and_(running, ~counts_on(today)), "suspended"),
                 else_=Appointment.state)
    stmt = (select(Mentor.name, Mentor.side, Mentor.organisation, Mentor.staff_no, Mentor.title, Mentor.degree,
                   Mentor.expertise, Appointment.starts_on, Appointment.ends_on, Mentor.email, Mentor.phone,
                   state.label("state"), Appointment.reason)
            .join(Appointment, Appointment.mentor_id == Mentor.id)
            .where(Appointment.base_id == base_id)
            .order_by(Mentor.side, Mentor.organisation, Mentor.staff_no, Appointment.starts_on))
    for r in db.session.execute(stmt):
        yield [r.name, SIDE_ZH.get(r.side, r.side), r.organisation, r.staff_no, r.title, r.degree, r.expertise,
               r.starts_on, r.ends_on, r.email, phone(r.phone), STATE_ZH.get(r.state, r.state), r.reason]


def student_rows(base_id: int):
    """One row per mentor assignment (students without one: a row with the mentor cells empty)."""
    uni, ent = aliased(Mentor), aliased(Mentor)
    stmt = (select(Student.name, Student.student_no, Student.level, Student.enrolment_year, Student.programme,
                   Student.major_project, uni.organisation, uni.staff_no, uni.name, ent.organisation, ent.staff_no,
                   ent.name, MentorAssignment.starts_on, MentorAssignment.ends_on)
            .outerjoin(MentorAssignment, MentorAssignment.student_id == Student.id)
            .outerjoin(uni, uni.id == MentorAssignment.university_mentor_id)
            .outerjoin(ent, ent.id == MentorAssignment.enterprise_mentor_id)
            .where(Student.base_id == base_id)
            .order_by(Student.student_no, MentorAssignment.starts_on))
    for r in db.session.execute(stmt):
        values = list(r)
        values[2] = LEVEL_ZH.get(values[2], values[2])
        yield values


def roster_sheets(base, unmasked: bool = False) -> list[Sheet]:
    return [Sheet(MENTOR_SHEET, MENTOR_COLUMNS, mentor_rows(base.id, unmasked),
                  widths=(10, 10, 28, 12, 14, 10, 20, 12, 12, 24, 14, 8, 20)),
            Sheet(STUDENT_SHEET, STUDENT_COLUMNS, student_rows(base.id),
                  widths=(10, 14, 12, 8, 20, 20, 24, 12, 10, 24, 12, 10, 12, 12))]


def directory_rows(base_ids=None, unmasked: bool = False):
    """Every person with an appointment at one of `base_ids` (None: every base), once, with the codes of
    their bases. Two queries: the people, and their (person, base code) pairs."""
    phone = _phone(unmasked)
    codes = defaultdict(list)
    pairs = (select(Appointment.mentor_id, Base.code).join(Base, Base.id == Appointment.base_id)
             .distinct().order_by(Appointment.mentor_id, Base.code))
    people = (select(Mentor.id, Mentor.name, Mentor.side, Mentor.organisation, Mentor.staff_no, Mentor.title,
                     Mentor.degree, Mentor.expertise, Mentor.email, Mentor.phone)
              .order_by(Mentor.organisation, Mentor.staff_no))
    if base_ids is not None:
        base_ids = list(base_ids)
        pairs = pairs.where(Appointment.base_id.in_(base_ids))
        people = people.where(Mentor.id.in_(select(Appointment.mentor_id).where(Appointment.base_id.in_(base_ids))))
    else:
        people = people.where(Mentor.id.in_(select(Appointment.mentor_id)))
    for mentor_id, code in db.session.execute(pairs):
        codes[mentor_id].append(code)
    for r in db.session.execute(people):
        yield [r.name, SIDE_ZH.get(r.side, r.side), r.organisation, r.staff_no, r.title, r.degree, r.expertise,
               r.email, phone(r.phone), "、".join(codes.get(r.id, ()))]


def directory_sheet(base_ids=None, unmasked: bool = False) -> Sheet:
    return Sheet(DIRECTORY_SHEET, DIRECTORY_COLUMNS, directory_rows(base_ids, unmasked),
                 widths=(10, 10, 28, 12, 14, 10, 20, 24, 14, 24))
