"""A long list of ids is one bound parameter (`models_common.ids_in`), on both databases: more ids
than SQLite takes parameters in one statement, with the same rows as a plain IN list."""
from __future__ import annotations

from sqlalchemy import func, select

from registry.extensions import db
from registry.models_common import FEW_IDS, ids_in
from registry.orgs.models import Base


def test_more_ids_than_sqlite_takes_parameters_find_the_same_rows(world):
    real = list(db.session.scalars(select(Base.id)))
    many = list(range(10_000_000, 10_040_000)) + real  # 40,000 ids, past SQLite's 32,766 parameters
    assert db.session.scalar(select(func.count()).select_from(Base).where(ids_in(Base.id, many))) == len(real)
    assert db.session.scalar(select(func.count()).select_from(Base).where(ids_in(Base.id, many[:FEW_IDS]))) == 0


def test_a_short_list_is_a_plain_in_and_a_long_one_a_single_parameter(world):
    def sql(ids):
        return str(select(Base.id).where(ids_in(Base.id, ids)).compile(db.engine))

    one_parameter = "ANY(" if db.engine.dialect.name == "postgresql" else "json_each("
    assert one_parameter not in sql(range(3)) and one_parameter in sql(range(FEW_IDS + 1))


def test_an_empty_list_finds_nothing(world):
    assert db.session.scalars(select(Base.id).where(ids_in(Base.id, []))).all() == []
