"""Two-way exchange (双向交流): secondments (挂职锻炼), visits (交流访学) and enterprise study tours (企业游学)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, Versioned, enum_column

EXCHANGE_KINDS = {"secondment": _l("Secondment"), "visit": _l("Visit"), "study_tour": _l("Study tour")}
DIRECTIONS = {"university_to_enterprise": _l("University → enterprise"),
              "enterprise_to_university": _l("Enterprise → university")}
# The side of the person who goes: a young university teacher, or a young enterprise engineer.
SIDE_OF_DIRECTION = {"university_to_enterprise": "university", "enterprise_to_university": "enterprise"}


class Exchange(Versioned, Audited, TimestampMixin, db.Model):
    """One person's secondment, visit or study tour, in one direction, at a host, over dates.

    The person is a mentor of the roster (`mentor_id`) or not; name and organisation are always
    kept, so the record reads on its own. The end date is inclusive; empty while it goes on.
    """

    __tablename__ = "exchange"
    __table_args__ = (UniqueConstraint("base_id", "kind", "person_name", "person_organisation", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = enum_column(EXCHANGE_KINDS, length=16)
    direction: Mapped[str] = enum_column(DIRECTIONS, length=32)
    person_name: Mapped[str] = mapped_column(String(100))
    person_organisation: Mapped[str] = mapped_column(String(200))
    person_title: Mapped[str] = mapped_column(String(100), default="")  # e.g. 讲师, 工程师
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id", ondelete="SET NULL"), index=True)
    host_organisation: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer, default=1)  # a study tour may take a group
    purpose: Mapped[str] = mapped_column(Text, default="")
    projects_joined: Mapped[str] = mapped_column(Text, default="")  # 参与科技攻关
    outcomes: Mapped[str] = mapped_column(Text, default="")

    mentor = relationship("Mentor")

    def audit_label(self) -> str:
        return f"{self.person_name} → {self.host_organisation} {self.starts_on}"
