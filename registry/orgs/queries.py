"""Lists of organisations and bases, scoped to what a user may see."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from registry.authz import visible_base_filter
from registry.orgs.models import Base, Enterprise, University


def bases_visible_to(user, *, field: str | None = None, status: str | None = None,
                     university_id: int | None = None, kind: str | None = None, q: str | None = None):
    """A select of the bases `user` may see, with their university and enterprises eager-loaded."""
    stmt = (select(Base).join(Base.university)
            .options(selectinload(Base.university), selectinload(Base.enterprises))
            .order_by(Base.code))
    scope = visible_base_filter(user, Base)
    if scope is not None:
        stmt = stmt.where(scope)
    if field:
        stmt = stmt.where(Base.field == field)
    if status:
        stmt = stmt.where(Base.status == status)
    if university_id:
        stmt = stmt.where(Base.university_id == university_id)
    if kind:
        stmt = stmt.where(University.kind == kind)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Base.code.ilike(like), Base.name.ilike(like)))
    return stmt


def universities(q: str | None = None, kind: str | None = None):
    stmt = select(University).order_by(University.name)
    if kind:
        stmt = stmt.where(University.kind == kind)
    if q:
        stmt = stmt.where(University.name.ilike(f"%{q.strip()}%"))
    return stmt


def enterprises(q: str | None = None, sector: str | None = None):
    stmt = select(Enterprise).order_by(Enterprise.name)
    if sector:
        stmt = stmt.where(Enterprise.sector == sector)
    if q:
        stmt = stmt.where(Enterprise.name.ilike(f"%{q.strip()}%"))
    return stmt


def base_ids_visible_to(user) -> list[int] | None:
    """Ids of the bases `user` may see; None means every base."""
    from registry.extensions import db

    scope = visible_base_filter(user, Base)
    if scope is None:
        return None
    return list(db.session.scalars(select(Base.id).where(scope)))
