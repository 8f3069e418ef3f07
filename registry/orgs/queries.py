"""Lists of organisations and bases, scoped to what a user may see."""
from __future__ import annotations

from sqlalchemy import false, or_, select
from sqlalchemy.orm import contains_eager, joinedload, subqueryload

from registry.authz import visible_base_filter
from registry.extensions import db
from registry.orgs.models import (BASE_STATUSES, FIELDS, SECTORS, UNIVERSITY_KINDS, Base, Enterprise, University,
                                  base_enterprise)


def with_parties(joined: bool = False, one: bool = False) -> tuple:
    """Loader options for bases shown with their university and enterprises, in a number of queries
    that does not grow with the bases: the university through a join (`joined`: the statement joins
    it already), the enterprises in one more query (selectinload would take one per 500 bases), or,
    for `one` base, in the same query (read the result with `.unique()`)."""
    university = contains_eager(Base.university) if joined else joinedload(Base.university, innerjoin=True)
    return university, joinedload(Base.enterprises) if one else subqueryload(Base.enterprises)


def _chosen(stmt, column, value, allowed):
    """Rows whose `column` is `value` (no filter without one); a value outside `allowed` matches
    nothing (binding it would raise LookupError)."""
    if not value:
        return stmt
    return stmt.where(column == value) if value in allowed else stmt.where(false())


def _searched(stmt, q: str | None, *columns):
    """Rows with `q` in any of `columns` (no filter for an empty `q`)."""
    if q and q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(*(column.ilike(like) for column in columns)))
    return stmt


def bases_visible_to(user, *, field: str | None = None, status: str | None = None,
                     university_id: int | None = None, kind: str | None = None, q: str | None = None):
    """A select of the bases `user` may see, with their university and enterprises eager-loaded.

    A filter value outside its enum matches nothing (binding it would raise LookupError)."""
    stmt = (select(Base).join(Base.university)
            .options(*with_parties(joined=True))
            .order_by(Base.code))
    scope = visible_base_filter(user, Base)
    if scope is not None:
        stmt = stmt.where(scope)
    stmt = _chosen(_chosen(stmt, Base.field, field, FIELDS), Base.status, status, BASE_STATUSES)
    if university_id:
        stmt = stmt.where(Base.university_id == university_id)
    stmt = _chosen(stmt, University.kind, kind, UNIVERSITY_KINDS)
    return _searched(stmt, q, Base.code, Base.name, University.name)


def universities(q: str | None = None, kind: str | None = None):
    stmt = _chosen(select(University).order_by(University.name), University.kind, kind, UNIVERSITY_KINDS)
    return _searched(stmt, q, University.name, University.province)


def enterprises(q: str | None = None, sector: str | None = None):
    stmt = _chosen(select(Enterprise).order_by(Enterprise.name), Enterprise.sector, sector, SECTORS)
    return _searched(stmt, q, Enterprise.name, Enterprise.rd_focus)


def base_ids_visible_to(user) -> list[int] | None:
    """Ids of the bases `user` may see; None means every base."""
    scope = visible_base_filter(user, Base)
    if scope is None:
        return None
    return list(db.session.scalars(select(Base.id).where(scope)))


def references_to(obj) -> dict[str, int]:
    """{table: rows} of every row in any table whose foreign key points at `obj`.

    Read from the metadata, so tables that other areas add later are counted too. Used to refuse
    deleting a university or enterprise that is still in use, whatever the database's own
    foreign-key enforcement (SQLite enforces none by default).
    """
    from sqlalchemy import func, inspect as sa_inspect

    target = sa_inspect(obj).mapper.local_table
    used: dict[str, int] = {}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target:
                continue
            count = db.session.scalar(
                select(func.count()).select_from(table).where(fk.parent == getattr(obj, fk.column.key)))
            if count:
                used[table.name] = used.get(table.name, 0) + count
    return used


def enterprises_of_other_universities(university_id: int | None, enterprise_ids) -> set[int]:
    """Which of `enterprise_ids` partner a base of another university (one query, for a whole page)."""
    ids = list(enterprise_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        select(base_enterprise.c.enterprise_id).join(Base, Base.id == base_enterprise.c.base_id)
        .where(base_enterprise.c.enterprise_id.in_(ids), Base.university_id != university_id).distinct()))


def only_base_of(user) -> str | None:
    """The code of the one base `user` keeps (a coordinator's landing page), or None for none or several."""
    scope = visible_base_filter(user, Base)
    if scope is None:
        return None
    codes = db.session.scalars(select(Base.code).where(scope).limit(2)).all()
    return codes[0] if len(codes) == 1 else None
