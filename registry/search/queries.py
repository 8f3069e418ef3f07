"""Search across the registry: bases, mentors and organisations, only what the viewer may see."""
from __future__ import annotations

from sqlalchemy import false, func, or_, select

from registry import authz
from registry.extensions import db
from registry.mentors.models import Appointment, Mentor
from registry.orgs.models import Base, Enterprise, University

MAX_QUERY = 100  # characters of `q` searched; longer text is cut
PER_PAGE = 20  # results of each kind on one page


def _like(q: str) -> str:
    """A LIKE pattern for `q` anywhere, with LIKE's own wildcards taken literally."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(column, like):
    return column.ilike(like, escape="\\")


def _page(stmt, page: int):
    """One page of `stmt` and the number of all its rows (two queries)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return {"items": rows, "total": total, "pages": max(1, -(-total // PER_PAGE))}


def bases(user, q: str, page: int = 1):
    like = _like(q)
    stmt = (select(Base).join(Base.university)
            .where(or_(_matching(Base.code, like), _matching(Base.name, like)))
            .order_by(Base.code))
    scope = authz.visible_base_filter(user, Base)
    if scope is not None:
        stmt = stmt.where(scope)
    return _page(stmt, page)


def mentors(user, q: str, page: int = 1):
    like = _like(q)
    stmt = (select(Mentor).where(or_(_matching(Mentor.name, like), _matching(Mentor.staff_no, like)))
            .order_by(Mentor.name, Mentor.id))
    scope = authz.visible_mentor_filter(user, Mentor, Appointment, Base)
    if scope is not None:
        stmt = stmt.where(scope)
    return _page(stmt, page)


def _organisations(user, model, q: str, page: int, visible=None):
    """Universities or enterprises by name, for those who may search them; `visible(user, model)`
    narrows them to what the user sees."""
    if not authz.can_search_organisations(user):
        return _page(select(model).where(false()), page)
    stmt = select(model).where(_matching(model.name, _like(q))).order_by(model.name)
    scope = visible(user, model) if visible is not None else None
    if scope is not None:
        stmt = stmt.where(scope)
    return _page(stmt, page)


def universities(user, q: str, page: int = 1):
    return _organisations(user, University, q, page, authz.visible_university_filter)


def enterprises(user, q: str, page: int = 1):
    return _organisations(user, Enterprise, q, page)
