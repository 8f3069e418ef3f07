from __future__ import annotations

import datetime as dt

from collections.abc import Mapping

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from registry.errors import _l
from registry.extensions import db
from registry.models_common import Audited, TimestampMixin, enum_column, utcnow

UNIVERSITY_KINDS = {"ministry": _l("Ministry-affiliated"), "co_built": _l("Co-built with a province")}

SECTORS = {
    "aviation": _l("Aviation"),
    "aerospace": _l("Aerospace"),
    "ordnance": _l("Ordnance"),
    "shipbuilding": _l("Shipbuilding"),
    "nuclear": _l("Nuclear"),
    "military_electronics": _l("Military electronics"),
    "core_technology": _l("Core technology"),
}

# The ten key fields the notice lists (二), seeded by the `key_fields` migration; the ministry adds more
# (`flask field add`, the administrators' page), so the list lives in the `key_field` table: read it through
# `FIELDS` (code -> name in the current language), never through this constant.
SEEDED_FIELDS = (
    ("energetic_materials", "火炸药", "Energetic materials"),
    ("aerospace_propulsion", "航天动力", "Aerospace propulsion"),
    ("ict", "新一代信息通信技术", "New-generation information and communication technology"),
    ("key_software", "关键软件", "Key software"),
    ("new_materials", "新材料", "New materials"),
    ("aeroengines_gas_turbines", "航空发动机及燃气轮机（“两机”）", "Aero-engines and gas turbines"),
    ("ships_ocean", "船舶与海洋工程", "Ships and ocean engineering"),
    ("ai", "人工智能", "Artificial intelligence"),
    ("integrated_circuits", "集成电路", "Integrated circuits"),
    ("ordnance", "兵器科学与技术", "Ordnance science and technology"),
)


class KeyField(Audited, TimestampMixin, db.Model):
    """A key field (重点领域) a base belongs to: the ten seeded, and those the ministry has added since."""

    __tablename__ = "key_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def label(self, language: str | None = None) -> str:
        return self.name_en if (language or _language()).startswith("en") else self.name_zh

    def audit_label(self) -> str:
        return self.code


def _language() -> str:
    try:
        from flask_babel import get_locale

        locale = get_locale()
        return locale.language if locale is not None else "zh"
    except Exception:  # outside a request or app context: the default language
        return "zh"


class _KeyFieldList(Mapping):
    """The managed list of key fields as a mapping code -> name in the current language, in list order.
    Read from the database once per transaction (the cache goes when any transaction or savepoint ends,
    so a rolled-back addition never lingers); `refresh()` after a change."""

    KEY = "_key_fields"

    def _rows(self) -> list[tuple[str, str, str]]:
        info = db.session.info
        rows = info.get(self.KEY)
        if rows is None:
            rows = [(k.code, k.name_zh, k.name_en) for k in db.session.scalars(
                select(KeyField).order_by(KeyField.position, KeyField.id))]
            info[self.KEY] = rows
        return rows

    def refresh(self) -> None:
        db.session.info.pop(self.KEY, None)

    def __getitem__(self, code):
        english = _language().startswith("en")
        for c, zh, en in self._rows():
            if c == code:
                return en if english else zh
        raise KeyError(code)

    def __iter__(self):
        return iter([c for c, _zh, _en in self._rows()])

    def __len__(self) -> int:
        return len(self._rows())

    def __contains__(self, code) -> bool:
        return any(c == code for c, _zh, _en in self._rows())


FIELDS = _KeyFieldList()


@event.listens_for(Session, "after_transaction_end")
def _forget_key_fields(session, transaction):
    session.info.pop(_KeyFieldList.KEY, None)


@event.listens_for(KeyField.__table__, "after_create")
def _seed_key_fields(table, connection, **kw):
    """`create_all` (tests, a fresh database without migrations) seeds the ten, as the migration does."""
    connection.execute(table.insert(), [
        {"code": c, "name_zh": zh, "name_en": en, "position": i, "created_at": utcnow(), "updated_at": utcnow()}
        for i, (c, zh, en) in enumerate(SEEDED_FIELDS, start=1)])


# The life of a base (domain.md). The checks area owns the transitions between them.
BASE_STATUSES = {
    "preparing": _l("Preparing application"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "public_notice": _l("Public notice"),
    "recognised": _l("Recognised"),
    "in_construction": _l("In construction cycle"),
    "rectification": _l("Rectification"),
    "passed": _l("Evaluation passed"),
    "revoked": _l("Revoked"),
    "not_recognised": _l("Not recognised"),
}

base_enterprise = Table(
    "base_enterprise",
    db.metadata,
    Column("base_id", ForeignKey("base.id", ondelete="CASCADE"), primary_key=True),
    Column("enterprise_id", ForeignKey("enterprise.id", ondelete="RESTRICT"), primary_key=True),
)


class University(Audited, TimestampMixin, db.Model):
    __tablename__ = "university"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = enum_column(UNIVERSITY_KINDS)
    province: Mapped[str] = mapped_column(String(50), default="")

    bases = relationship("Base", back_populates="university", order_by="Base.code")


class Enterprise(Audited, TimestampMixin, db.Model):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str | None] = enum_column(SECTORS, nullable=True)
    scale: Mapped[str] = mapped_column(String(200), default="")  # e.g. employees, revenue
    rd_focus: Mapped[str] = mapped_column(Text, default="")
    # Practice conditions offered (R8): projects, courses, sites, labs, living support.
    practice_conditions: Mapped[str] = mapped_column(Text, default="")


class Base(Audited, TimestampMixin, db.Model):
    __tablename__ = "base"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(32))  # a KeyField's code (the list is managed: `FIELDS`)
    university_id: Mapped[int] = mapped_column(ForeignKey("university.id", ondelete="RESTRICT"), index=True)
    cooperation_since: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = enum_column(BASE_STATUSES, default="preparing")
    # Roster rule: more students than this per mentor is flagged on the roster page.
    max_students_per_mentor: Mapped[int] = mapped_column(Integer, default=5)
    description: Mapped[str] = mapped_column(Text, default="")
    # Rule R1 (四(一)): took part in the Excellent Engineer programme (卓越工程师计划).
    excellent_engineer_programme: Mapped[bool] = mapped_column(Boolean, default=False)

    university = relationship(University, back_populates="bases")
    enterprises = relationship(Enterprise, secondary=base_enterprise, order_by=Enterprise.name)

    def audit_base_id(self):
        return self.id

    def audit_label(self) -> str:
        return f"{self.code} {self.name}"
