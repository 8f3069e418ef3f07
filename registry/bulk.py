"""INSERT many rows the quickest way each database offers, for imports and their audit entries.

SQLAlchemy's executemany converts every value of every row through its own machinery (a third of
a 10,000-row import). Here each column's converter is looked up once, and the rows go to
PostgreSQL through COPY and to SQLite through the driver's own executemany.
"""
from __future__ import annotations

import json

from sqlalchemy import JSON

CHUNK = 5000


class JSONText(str):
    """A JSON column's value already serialised exactly as `json.dumps` would: written as it is."""


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Insert `rows` (dicts keyed by column key) into `table` on `connection` (in its transaction).

    Rows that differ in their keys, or that leave out a column with a default to compute, go
    through SQLAlchemy's executemany instead.
    """
    if not rows:
        return
    keys = list(rows[0])
    names = set(keys)
    if (any(row.keys() != names for row in rows)
            or any(c.default is not None for c in table.c if c.key not in names)):
        connection.execute(table.insert(), [{k: json.loads(v) if isinstance(v, JSONText) else v
                                             for k, v in row.items()} for row in rows])
        return
    dialect = connection.dialect
    columns = [table.c[k] for k in keys]
    converters = [_as_json(convert) if isinstance(column.type, JSON) else
                  _memoised(convert) if convert is not None and _repeats(column) else convert
                  for column, convert in ((c, c.type._cached_bind_processor(dialect)) for c in columns)]
    quote = dialect.identifier_preparer.quote
    column_list = ", ".join(quote(c.name) for c in columns)

    def converted(row):
        return [convert(row[k]) if convert is not None and row[k] is not None else row[k]
                for k, convert in zip(keys, converters)]

    if dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(converted(row))
        return
    if dialect.name == "sqlite":
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {quote(table.name)} ({column_list}) VALUES ({placeholders})"
        for start in range(0, len(rows), CHUNK):  # converted values of one chunk at a time in memory
            connection.exec_driver_sql(sql, [tuple(converted(row)) for row in rows[start:start + CHUNK]])
        return
    connection.execute(table.insert(), rows)


def _repeats(column) -> bool:
    """Columns whose values repeat across an import's rows (the same timestamp on every row, a few
    dates, an enum): converted once per distinct value. Not JSON, whose values are mutable."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return False
    import datetime as dt

    return issubclass(python_type, (dt.date, str, int)) and not issubclass(python_type, bool)


def _memoised(convert, size: int = 4096):
    cache: dict = {}

    def run(value):
        try:
            return cache[value]
        except KeyError:
            result = convert(value)
            if len(cache) < size:
                cache[value] = result
            return result
        except TypeError:  # unhashable
            return convert(value)

    return run


def _as_json(convert):
    if convert is None:
        return None
    return lambda value: value if value.__class__ is JSONText else convert(value)
