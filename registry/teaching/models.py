"""Joint teaching (行业精品课程, 教学案例, 课程教材, 校企教学团队) and joint innovation (联合实验室,
协同创新中心, 重大项目, 成果转化) of a base."""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column

COURSE_LEVELS = {"undergraduate": _l("Undergraduate"), "master": _l("Master's"), "doctoral": _l("Doctoral")}
SIDES = {"university": _l("University"), "enterprise": _l("Enterprise")}
LAB_KINDS = {"joint_lab": _l("Joint laboratory"), "innovation_centre": _l("Collaborative innovation centre")}
PROJECT_CATEGORIES = {"national_major_project": _l("National major special project"),
                      "major_engineering": _l("Major engineering project"),
                      "other": _l("Other major task")}
PARTICIPANT_KINDS = {"student": _l("Student"), "mentor": _l("Mentor")}
TRANSFER_KINDS = {"patent_licence": _l("Patent licence"), "patent_assignment": _l("Patent assignment"),
                  "technology_transfer": _l("Technology transfer"), "software": _l("Software"),
                  "standard": _l("Standard"), "other": _l("Other")}


class IndustryCourse(Versioned, Audited, TimestampMixin, db.Model):
    """行业精品课程, led by enterprise teachers. `first_year` is the year it was first offered."""

    __tablename__ = "industry_course"
    __table_args__ = (UniqueConstraint("base_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    lead_teachers: Mapped[str] = mapped_column(String(500))  # enterprise teachers, separated by 、 or ,
    hours: Mapped[int] = mapped_column(Integer)
    credits: Mapped[decimal.Decimal] = mapped_column(Numeric(4, 1))
    terms_offered: Mapped[str] = mapped_column(String(200), default="")  # e.g. 2023秋、2024春
    level: Mapped[str] = enum_column(COURSE_LEVELS, length=16)
    first_year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return f"{self.code} {self.title}"


class TeachingCase(Versioned, Audited, TimestampMixin, db.Model):
    """教学案例, written from an enterprise's practice; counts in `year` (completed)."""

    __tablename__ = "teaching_case"
    __table_args__ = (UniqueConstraint("base_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    authors: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(200), default="")  # the enterprise or project it comes from
    course_id: Mapped[int | None] = mapped_column(ForeignKey("industry_course.id", ondelete="SET NULL"))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    course = relationship(IndustryCourse)

    def audit_label(self) -> str:
        return self.title


class Textbook(Versioned, Audited, TimestampMixin, db.Model):
    """课程教材. `isbn` is kept as ISBN-13 digits (an ISBN-10 is converted), so each book is one row."""

    __tablename__ = "textbook"
    __table_args__ = (UniqueConstraint("base_id", "isbn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    authors: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    isbn: Mapped[str] = mapped_column(String(13))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("industry_course.id", ondelete="SET NULL"))

    course = relationship(IndustryCourse)

    def audit_label(self) -> str:
        return f"{self.title} ({self.isbn})"


class TeachingTeam(Versioned, Audited, TimestampMixin, db.Model):
    """校企教学团队. It counts as a university–enterprise team only while it has at least one
    active member of each side (see `teaching.queries.team_sides_on`)."""

    __tablename__ = "teaching_team"
    __table_args__ = (UniqueConstraint("base_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    members = relationship("TeachingTeamMember", back_populates="team", cascade="all, delete-orphan",
                           order_by="TeachingTeamMember.from_on")


class TeachingTeamMember(Versioned, Audited, TimestampMixin, db.Model):
    """A member over time: active from `from_on` to `until_on` (inclusive; empty = still)."""

    __tablename__ = "teaching_team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teaching_team.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    side: Mapped[str] = enum_column(SIDES, length=16)
    organisation: Mapped[str] = mapped_column(String(200))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id", ondelete="SET NULL"))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    from_on: Mapped[dt.date] = mapped_column(Date)
    until_on: Mapped[dt.date | None] = mapped_column(Date)

    team = relationship(TeachingTeam, back_populates="members")
    mentor = relationship("Mentor")  # the roster person, when linked

    def audit_base_id(self):
        return self.team.base_id if self.team is not None else None


class JointLab(Versioned, Audited, TimestampMixin, db.Model):
    """联合实验室 or 协同创新中心; counts in the year it was established."""

    __tablename__ = "joint_lab"
    __table_args__ = (UniqueConstraint("base_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = enum_column(LAB_KINDS, length=20)
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[dt.date] = mapped_column(Date)
    partners: Mapped[str] = mapped_column(Text, default="")
    focus: Mapped[str] = mapped_column(Text, default="")


class MajorProject(Versioned, Audited, TimestampMixin, db.Model):
    """A major task undertaken together (国家重大专项、重大工程), with its students and mentors."""

    __tablename__ = "major_project"
    __table_args__ = (UniqueConstraint("base_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = enum_column(PROJECT_CATEGORIES, length=32)
    project_no: Mapped[str] = mapped_column(String(100), default="")
    lead_organisation: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    participants = relationship("ProjectParticipant", back_populates="project", cascade="all, delete-orphan",
                                order_by=lambda: [ProjectParticipant.kind, ProjectParticipant.name])


class ProjectParticipant(Versioned, Audited, TimestampMixin, db.Model):
    """A student or mentor in a major project: a roster student (`student_id`) or mentor
    (`mentor_id`) when linked; name (and student number) are always kept."""

    __tablename__ = "project_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("major_project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = enum_column(PARTICIPANT_KINDS, length=16)
    name: Mapped[str] = mapped_column(String(100))
    student_no: Mapped[str] = mapped_column(String(64), default="")
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(200), default="")

    project = relationship(MajorProject, back_populates="participants")

    def audit_base_id(self):
        return self.project.base_id if self.project is not None else None


class ResultTransfer(Versioned, Audited, TimestampMixin, db.Model):
    """A result transferred to industry (成果转化); counts in the year of `transferred_on`."""

    __tablename__ = "result_transfer"
    __table_args__ = (UniqueConstraint("base_id", "title", "transferred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = enum_column(TRANSFER_KINDS, length=24)
    recipient: Mapped[str] = mapped_column(String(200))
    transferred_on: Mapped[dt.date] = mapped_column(Date)
    contract_value: Mapped[decimal.Decimal | None] = mapped_column(Numeric(14, 2))  # 万元
    project_id: Mapped[int | None] = mapped_column(ForeignKey("major_project.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")

    project = relationship(MajorProject)
