"""The spreadsheet import engine: declarative column specs, reading, validation, all-or-nothing writes.

An import is described, not programmed:

    ROSTER = Spec("roster", columns=(
        Column("姓名", "name", required=True, parser=parsing.text(100)),
        Column("聘任开始日期", "appointed_from", required=True, parser=parsing.date),
        ...), row_checks=(not_before("appointed_until", "appointed_from"),))

and an `Importer` subclass says what the rows mean: `plan()` matches them against the database
(preloading what exists in a few queries) and reports conflicts; `write()` applies the plan with
bulk statements (`bulk_insert` / `bulk_update` below, which also write the audit log).

`run_import(importer, path)` then does, in order:

1. read the file: `.xlsx` (openpyxl, read-only, cached values) or `.csv` (UTF-8 with or without
   BOM, else GB18030); the header is the first row naming every required column (English aliases
   count, spaces and a trailing `*` ignored); rows above it are skipped, columns may come in any
   order, unknown columns are ignored, empty rows are skipped;
2. parse every cell with its column's parser, collecting every problem as a `RowError`
   (the spreadsheet's own row number as Excel shows it, the column as written in the header,
   the message in Chinese and English);
3. plan against the database (more row errors: conflicts inside the file, with existing records);
4. if there is any error, write nothing; on a dry run, write nothing; else write everything.

The caller owns the transaction (the command line's `transaction()`, or the view's one commit).
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import json
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select

from registry.audit.services import SKIP_FIELDS, plain, record_bulk
from registry.bulk import JSONText, insert_rows
from registry.collector import gc_paused
from registry.errors import Bilingual, _l, msgid_of
from registry.extensions import db
from registry.imports import parsing
from registry.imports.parsing import EDGE_SPACE, CellError, display, is_blank
from registry.limits import zip_problem
from registry.models_common import utcnow

EXTENSIONS = (".xlsx", ".csv")
# Rows of data a sheet may hold: a national roster file of 100,000 people imports (streamed, ≤ 500 MB).
MAX_ROWS = 100_000
AUDIT_CHUNK = 5000
# Reading is bounded by what it scans, not only by what it keeps (issue 12): a sheet is read up to
# its data rows plus this many blank or title rows; no further.
SCAN_SLACK = 10_000
MAX_COLUMNS = 200  # cells right of this column are not read
MAX_CELL_CHARS = 10_000  # a longer cell is an error (no column holds more than 4,000 characters)
HEADER_CELL_CHARS = 200  # a header cell longer than this names no column
QUOTE_CHARS = 60  # messages quote at most this much of a cell
XLSX_MAX_EXPANDED = 256 * 1024 * 1024  # an .xlsx whose parts expand beyond this is refused unopened
XLSX_MAX_SHARED_STRINGS = 64 * 1024 * 1024


# ---- the declarative part ------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its Chinese header, its English alias (also the key of the value)."""

    name: str
    key: str
    required: bool = False
    parser: Callable[[Any], Any] = parsing.text()
    aliases: tuple[str, ...] = ()
    description: Any = ""  # lazy msgid: what goes in the cell (docs, template notes)
    example: Any = ""  # the template's example row
    default: Any = ""  # the value of a blank optional cell
    choices: tuple[str, ...] = ()  # the template's drop-down list, if any

    def header_names(self) -> tuple[str, ...]:
        return (self.name, self.key, *self.aliases)


RowCheck = Callable[[dict], Iterable[tuple[str, CellError]]]


@dataclass(frozen=True)
class Spec:
    """What a spreadsheet of one kind holds. `row_checks` see a row's parsed values (None for a cell
    that did not parse, so every check must accept None) and yield (column key, CellError) for rules
    across columns."""

    name: str
    columns: tuple[Column, ...]
    row_checks: tuple[RowCheck, ...] = ()
    max_rows: int = MAX_ROWS

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def not_before(later: str, earlier: str) -> RowCheck:
    """Row check: column `later` (a date, optional) is not before column `earlier`."""

    def check(values):
        end, start = values.get(later), values.get(earlier)
        if end is not None and start is not None and end < start:
            yield later, CellError(_l("\"%(value)s\" is before the start date %(start)s"),
                                   value=end.isoformat(), start=start.isoformat())

    return check


# ---- results -------------------------------------------------------------------------------

@dataclass
class RowError(Bilingual):
    """One problem: the spreadsheet's row number (None for the whole file), the column as written."""

    row: int | None
    column: str | None
    message: Any
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        # A cell is quoted by its first characters only; other texts (names, lists of columns) get more room.
        self.column = quote(self.column) if isinstance(self.column, str) else self.column
        self.params = {k: quote(v, QUOTE_CHARS if k == "value" else 4 * QUOTE_CHARS) if isinstance(v, str) else v
                       for k, v in self.params.items()}


    def line(self) -> str:
        """`row 7, 聘任开始日期: "2023-13-01" 不是日期 / "2023-13-01" is not a date`"""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(self.column)
        prefix = ", ".join(where)
        return f"{prefix}: {self.zh} / {self.en}" if prefix else f"{self.zh} / {self.en}"


@dataclass(slots=True)  # 100,000 of them in a national file: no per-row __dict__
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]  # column key -> parsed value (defaults for absent or blank columns)
    cells: dict[str, str]  # column key -> the cell as the user reads it (for messages)
    broken: frozenset = frozenset()  # the columns whose cell is wrong (their values are None)


@dataclass
class Table:
    """A read spreadsheet: its header, its valid rows, and every problem found so far."""

    spec: Spec
    header_row: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # key -> header text as written
    ignored: list[str] = field(default_factory=list)  # header cells naming no column
    rows: list[Row] = field(default_factory=list)  # rows whose every cell parsed
    partial: list[Row] = field(default_factory=list)  # rows with a wrong cell: still checked, never written
    errors: list[RowError] = field(default_factory=list)
    read_rows: int = 0  # non-empty data rows, valid or not

    def rows_to_check(self, *keys: str) -> list[Row]:
        """The rows to match against each other and the database: the valid ones and, so that every
        problem of a row is listed in one pass, those whose wrong cells are not among `keys` (what
        identifies the row's record), in file order. A check must pass over a value in `row.broken`."""
        if not self.partial:
            return self.rows
        usable = [r for r in self.partial if not r.broken.intersection(keys)]
        return sorted(self.rows + usable, key=lambda r: r.number) if usable else self.rows

    def set_aside(self, row: Row, *keys: str) -> None:
        """Values of a row found wrong after reading (a name the database does not know): they become None
        and join `row.broken`; the row is still checked against the file and the database, never written."""
        row.values.update(dict.fromkeys(keys))
        row.broken = row.broken.union(keys)
        # `rows` is in file order: found by its number, not by a scan (a file naming 10,000 unknown
        # people would otherwise cost 50 million comparisons).
        index = bisect.bisect_left(self.rows, row.number, key=lambda r: r.number)
        if index < len(self.rows) and self.rows[index] is row:
            del self.rows[index]
            self.partial.append(row)

    def has(self, key: str) -> bool:
        """Whether the file has this column at all (absent ≠ blank)."""
        return key in self.headers

    def column_label(self, key: str) -> str:
        return self.headers.get(key) or self.spec.column(key).name

    def error(self, row: Row | int | None, key: str | None, message, /, **params) -> None:
        number = row.number if isinstance(row, Row) else row
        self.errors.append(RowError(number, self.column_label(key) if key else None, message, params))

    def cell_error(self, row: Row | int, key: str, exc: CellError, /) -> None:
        self.error(row, key, exc.message, **exc.params)


@dataclass
class ImportResult:
    spec: str
    counts: dict[str, int]
    errors: list[RowError]
    dry_run: bool
    written: bool
    summary: str = ""  # the contract's summary line (English, for scripts), with "dry run: " if so
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    waited: bool = False  # another import into the base was running: this one waited for it, then checked again

    @property
    def ok(self) -> bool:
        return not self.errors


class FileProblem(Bilingual, Exception):
    """The file as a whole cannot be used (unreadable, no header...)."""

    def __init__(self, message, **params):
        super().__init__(msgid_of(message))
        self.message = message
        self.params = params


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """At most `limit` characters of a cell, for a message: a cell of 200 MB is not repeated."""
    return text if len(text) <= limit else text[:limit] + "…"


# ---- reading -------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s\u3000_\-*＊:：]|[(（](?:必填|选填|可选|required|optional)[)）]", re.I)


def _header_key(value) -> str:
    return _HEADER_NOISE.sub("", display(value)).lower()


def iter_cells(path: str | Path, filename: str | None = None,
               max_scan: int = MAX_ROWS + SCAN_SLACK) -> Iterator[Iterator[tuple[int, tuple]]]:
    """Yield, for each sheet (the active one first), an iterator of (row number, cell values).

    At most `max_scan` rows of a sheet are read, blank ones included: beyond that the iterator
    raises FileProblem; a sheet that declares more rows than that is refused before reading."""
    suffix = Path(filename or str(path)).suffix.lower()
    if suffix == ".xlsx":
        for rows in _xlsx_sheets(path, max_scan):
            yield _bounded(rows, max_scan)
    elif suffix == ".csv":
        yield _bounded(_csv_rows(path), max_scan)
    else:
        raise FileProblem(_l("Unsupported file type \"%(ext)s\": use .xlsx or .csv"), ext=suffix or "-")


def _too_many_rows(max_scan: int) -> FileProblem:
    return FileProblem(_l("The sheet has more than %(max)s rows, blank ones included; only that many are read. "
                          "Delete the empty rows below the data, or split the file."), max=max_scan)


def _bounded(numbered_rows, max_scan: int):
    for number, cells in numbered_rows:
        if number > max_scan:
            raise _too_many_rows(max_scan)
        yield number, cells


def _sheet_dimensions_from_its_start(sheet) -> None:
    """openpyxl's read-only sheet reads its <dimension> with "end" events, so a sheet without one is
    parsed to its last row before reading begins (30 s for ten million empty rows). Read it from the
    part's start instead, stopping where the data begins."""
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    dimension, data = f"{{{SHEET_MAIN_NS}}}dimension", f"{{{SHEET_MAIN_NS}}}sheetData"
    source = sheet._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == dimension:
                boundaries = SheetDimension.from_tree(element).boundaries
                if boundaries is not None:
                    sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = boundaries
                break
            if element.tag == data:
                break
    finally:
        source.close()


def _bounded_workbook_sheets():
    """Make openpyxl's read-only sheets learn their size with `_sheet_dimensions_from_its_start`."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if getattr(ReadOnlyWorksheet._get_size, "bounded", False):
        return
    _sheet_dimensions_from_its_start.bounded = True
    ReadOnlyWorksheet._get_size = _sheet_dimensions_from_its_start


def _xlsx_sheets(path, max_scan: int):
    import openpyxl

    _bounded_workbook_sheets()
    problem = zip_problem(path, XLSX_MAX_EXPANDED, parts={"xl/sharedstrings.xml": XLSX_MAX_SHARED_STRINGS})
    if problem is not None:  # before openpyxl, which reads every shared string when it opens the file
        raise FileProblem(problem[0], **problem[1])
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem(_l("The file could not be read as an Excel workbook (.xlsx): %(error)s"),
                          error=type(exc).__name__) from None
    try:
        sheets = list(workbook.worksheets)
        active = workbook.active
        if active in sheets:
            sheets.remove(active)
            sheets.insert(0, active)
        for sheet in sheets:
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                continue
            declared = sheet.max_row  # the file's own <dimension>, if any: refuse a huge one unread
            if declared is not None and declared > max_scan:
                raise _too_many_rows(max_scan)
            sheet.reset_dimensions()  # otherwise do not trust <dimension>: read every row, up to the cap
            yield enumerate(sheet.iter_rows(values_only=True, max_row=max_scan + 1, max_col=MAX_COLUMNS), start=1)
    finally:
        workbook.close()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — but only when the result reads as Chinese.

    GB18030 gives almost any bytes some reading: a Windows-1252 file ("Müller", "José") would come
    out as rare ideographs, silently. So GB18030 text must be mostly characters of GB2312 (the
    6,763 common hanzi, punctuation and full-width forms); otherwise the file is refused, not guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem(_l("The CSV file is neither UTF-8 nor GB18030 text")) from None
    if not plausible_chinese(text):
        raise FileProblem(_l("The CSV file is not UTF-8, and read as GB18030 it is not plausible Chinese text (was it "
                             "saved in a Western encoding such as Windows-1252?). Nothing was guessed: save it as "
                             "\"CSV UTF-8\" and upload it again."))
    return text


def plausible_chinese(text: str, share: float = 0.8) -> bool:
    """Whether at least `share` of the non-ASCII characters are common Chinese (in GB2312)."""
    from collections import Counter

    counts = Counter(ch for ch in text if ord(ch) > 0x7F)
    total = sum(counts.values())
    if not total:
        return True
    common = 0
    for ch, n in counts.items():
        try:
            ch.encode("gb2312")
            common += n
        except UnicodeEncodeError:
            pass
    return common >= share * total


def _csv_rows(path):
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FileProblem(_l("The file could not be read: %(error)s"),
                          error=exc.strerror or type(exc).__name__) from None
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise FileProblem(_l("The file is not CSV text (is it an Excel workbook saved with a .csv name?)"))
    text = decode_csv(data)
    return enumerate(csv.reader(io.StringIO(text, newline="")), start=1)


def _find_header(spec: Spec, numbered_rows) -> tuple[int, dict[int, str], dict[str, str], list[str]] | None:
    """Consume rows up to the header; return (row number, index->key, key->text, ignored) or None."""
    lookup = {}
    for col in spec.columns:
        for name in col.header_names():
            lookup[_header_key(name)] = col.key
    required = {c.key for c in spec.required}
    best = None
    for number, cells in numbered_rows:
        found = {}
        for index, cell in enumerate(cells):
            key = (lookup.get(_header_key(cell))
                   if cell is not None and not (isinstance(cell, str) and len(cell) > HEADER_CELL_CHARS) else None)
            if key is not None:
                found.setdefault(key, []).append((index, display(cell)))
        if required <= found.keys():
            for key, places in found.items():
                if len(places) > 1:
                    raise FileProblem(_l("Column %(column)s appears more than once in the header (row %(row)s)"),
                                      column=places[1][1], row=number)
            index_key = {places[0][0]: key for key, places in found.items()}
            headers = {key: places[0][1] for key, places in found.items()}
            ignored = [quote(display(c)) for i, c in enumerate(cells) if i not in index_key and not is_blank(c)]
            return number, index_key, headers, ignored
        if found and (best is None or len(found) > len(best[1])):
            best = (number, found)
    if best is not None and len(best[1]) >= 2:
        missing = [c.name for c in spec.required if c.key not in best[1]]
        raise FileProblem(_l("The header (row %(row)s) lacks the required columns: %(columns)s"),
                          row=best[0], columns="、".join(missing))
    return None


def read_table(spec: Spec, path: str | Path, filename: str | None = None) -> Table:
    """Read and parse a spreadsheet into a Table. Raises FileProblem when the file is unusable."""
    table = Table(spec)
    sheets = iter_cells(path, filename, spec.max_rows + SCAN_SLACK)
    try:
        for numbered_rows in sheets:
            header = _find_header(spec, numbered_rows)
            if header is None:
                continue
            table.header_row, index_key, table.headers, table.ignored = header
            _parse_rows(table, numbered_rows, index_key)
            return table
    except FileProblem:
        raise
    except Exception as exc:  # a broken workbook can fail half-way through its rows too
        raise FileProblem(_l("The file could not be read: %(error)s"), error=type(exc).__name__) from None
    finally:
        sheets.close()  # closes the workbook
    raise FileProblem(_l("No header row found: a row must name the columns %(columns)s"),
                      columns="、".join(c.name for c in spec.required))


def _parse_rows(table: Table, numbered_rows, index_key: dict[int, str]) -> None:
    spec = table.spec
    columns = [(index, spec.column(key)) for index, key in sorted(index_key.items())]
    absent = {c.key: c.default for c in spec.columns if c.key not in table.headers}
    for number, cells in numbered_rows:
        if not cells or cells.count(None) == len(cells) or all(is_blank(c) for c in cells):
            continue
        table.read_rows += 1
        if table.read_rows > spec.max_rows:
            raise FileProblem(_l("The file has more than %(max)s rows; split it into smaller files"),
                              max=spec.max_rows)
        values = dict(absent)
        shown = {}
        failed = False
        broken: set[str] = set()  # the columns of this row whose cell is wrong
        width = len(cells)
        for index, col in columns:
            value = cells[index] if index < width else None
            if isinstance(value, str):
                if len(value) > MAX_CELL_CHARS:  # never parsed nor kept: only its start is quoted
                    failed = True
                    broken.add(col.key)
                    table.errors.append(RowError(number, table.headers[col.key], _l(
                        "the cell holds %(n)s characters, more than any column takes (%(max)s): \"%(value)s\""),
                        {"n": len(value), "max": MAX_CELL_CHARS, "value": value}))
                    continue
                if "\x00" in value:  # PostgreSQL cannot store it
                    failed = True
                    broken.add(col.key)
                    table.errors.append(RowError(number, table.headers[col.key], _l(
                        "the cell contains a NUL character (\\0), which text may not hold: \"%(value)s\""),
                        {"value": value.replace("\x00", "\\0")}))
                    continue
                value = value.strip(EDGE_SPACE) or None  # trimmed once, here
            if value is None:
                values[col.key] = col.default
                if col.required:
                    failed = True
                    broken.add(col.key)
                    broken.add(col.key)
                    table.errors.append(RowError(number, table.headers[col.key],
                                                 _l("required, but the cell is empty"), {}))
                continue
            shown[col.key] = value if isinstance(value, str) else display(value)
            try:
                values[col.key] = col.parser(value)
            except CellError as exc:
                failed = True
                broken.add(col.key)
                values[col.key] = None
                table.errors.append(RowError(number, table.headers[col.key], exc.message, exc.params))
        row = Row(number, values, shown)
        # Rules across columns run on the cells that did parse too (a wrong phone does not hide an end
        # date before the start): every problem of the row in one pass. A wrong cell is not judged again.
        partial = {k: (None if k in broken else v) for k, v in values.items()}
        judged = set()
        for check in spec.row_checks:
            for key, exc in check(partial):
                if key in broken:
                    continue
                failed = True
                judged.add(key)
                table.cell_error(row, key, exc)
        if not failed:
            table.rows.append(row)
        else:
            # Kept for the checks against the file and the database (every problem of the row in one
            # pass), its wrong values as None; never written.
            broken |= judged
            row.values = {**values, **dict.fromkeys(broken)}
            row.broken = frozenset(broken)
            table.partial.append(row)


# ---- importing -----------------------------------------------------------------------------

class Importer:
    """What one kind of spreadsheet means. Subclasses set `spec` and implement:

    - `plan(table)`: match `table.rows` against the database (preload in a few queries), add
      row errors with `table.error(row, key, message, **params)`, and return a plan object;
    - `counts(plan)`: the summary figures, e.g. {"rows": 42, "mentors_created": 40, ...}, and
      `summary(counts)`, the summary line of the contract: by default from `COUNTED` and `SUMMARY`;
    - `write(plan)`: apply it with `bulk_insert` / `bulk_update` (flush, never commit).
    """

    spec: Spec

    def plan(self, table: Table):
        raise NotImplementedError

    # What `counts` and `summary` report: (count key, the plan's collection it counts), and the
    # summary line those keys (and "rows") fill.
    COUNTED: tuple[tuple[str, str], ...] = ()
    SUMMARY = "imported: {rows} rows"

    def counts(self, plan) -> dict[str, int]:
        return {"rows": plan.rows, **{key: len(getattr(plan, attr)) for key, attr in self.COUNTED}}

    def summary(self, counts: dict[str, int]) -> str:
        return self.SUMMARY.format(**counts)

    def write(self, plan) -> None:
        raise NotImplementedError


def run_import(importer: Importer, path: str | Path, filename: str | None = None,
               dry_run: bool = False) -> ImportResult:
    """Validate a file completely; write it only if nothing at all is wrong and not a dry run."""
    with gc_paused():
        return _run_import(importer, path, filename, dry_run)


def _run_import(importer: Importer, path: str | Path, filename: str | None, dry_run: bool) -> ImportResult:
    try:
        table = read_table(importer.spec, path, filename)
    except FileProblem as problem:
        return ImportResult(importer.spec.name, {}, [RowError(None, None, problem.message, problem.params)],
                            dry_run, False)
    waited = False
    if not dry_run:
        try:
            waited = lock_base_for_import(_base_id_of(importer))
        except ImportBusy as busy:
            return ImportResult(importer.spec.name, {}, [RowError(None, None, busy.message, busy.params)],
                                dry_run, False)
    plan = importer.plan(table)
    counts = importer.counts(plan)
    errors = sorted(table.errors, key=_error_order(importer.spec, table))
    result = ImportResult(importer.spec.name, counts, errors, dry_run, False, header_row=table.header_row,
                          ignored_columns=table.ignored, waited=waited)
    if errors:
        return result
    if not dry_run:
        # The plan holds what the write needs; the parsed rows (most of a 100,000-row file's memory)
        # go before the write builds its own rows and audit entries.
        table.rows = []
        importer.write(plan)
        db.session.flush()
        db.session.expire_all()  # Core statements bypass the identity map: reload what was loaded
        result.written = True
    result.summary = ("dry run: " if dry_run else "") + importer.summary(counts)
    return result


# ---- one import into a base at a time -------------------------------------------------------

IMPORT_LOCK_SPACE = 0x1D0C  # the first key of PostgreSQL advisory locks meaning "an import into base N"
WAITED = _l("Another import into this base was running: this one waited for it to finish, then checked the "
            "file again against what it wrote.")


class ImportBusy(Exception):
    def __init__(self, seconds: int):
        super().__init__("another import into this base is still running")
        self.message = _l("Another import into this base has been running for more than %(seconds)s seconds; "
                          "nothing was imported. Please try again in a few minutes.")
        self.params = {"seconds": seconds}


def _base_id_of(importer) -> int | None:
    base_id = getattr(importer, "base_id", None)
    if base_id is None:
        base_id = getattr(getattr(importer, "base", None), "id", None)
    return base_id


def lock_base_for_import(base_id: int | None) -> bool:
    """Serialize imports into one base (PostgreSQL: a transaction-level advisory lock, released at
    commit or rollback; SQLite serializes writers itself). Returns whether this import had to wait
    for another; raises ImportBusy when the other did not finish within IMPORT_LOCK_TIMEOUT seconds.
    """
    from flask import current_app
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    connection = db.session.connection()
    if base_id is None or connection.dialect.name != "postgresql":
        return False
    key = {"space": IMPORT_LOCK_SPACE, "base": int(base_id)}
    if db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:space, :base)"), key):
        return False
    seconds = int(current_app.config.get("IMPORT_LOCK_TIMEOUT", 120))
    try:
        with db.session.begin_nested():  # a timeout rolls back only this savepoint
            db.session.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{seconds * 1000}"})
            db.session.execute(text("SELECT pg_advisory_xact_lock(:space, :base)"), key)
            db.session.execute(text("SELECT set_config('lock_timeout', '0', true)"))
    except OperationalError:
        raise ImportBusy(seconds) from None
    return True


def created_and_updated(*kinds: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """`Importer.COUNTED` and `SUMMARY` of an import that creates and updates records of `kinds` (plural
    names, e.g. "mentors"; the plan holds `mentor_creates` and `mentor_updates`): the contract's line
    "imported: {rows} rows, {mentors_created} mentors created, {mentors_updated} updated, ..."."""
    counted = tuple(pair for kind in kinds for pair in ((f"{kind}_created", f"{kind[:-1]}_creates"),
                                                        (f"{kind}_updated", f"{kind[:-1]}_updates")))
    summary = "imported: {rows} rows, " + ", ".join(f"{{{kind}_created}} {kind} created, {{{kind}_updated}} updated"
                                                    for kind in kinds)
    return counted, summary


def merge_repeated(table: Table, row: Row, first: Row, merged: dict, columns, message) -> None:
    """A row naming again what an earlier row of the file named (the same person, the same student):
    each of `columns` must agree with what the earlier rows gave (`message`, with %(value)s, %(row)s
    and %(column)s, where it does not); a cell they left blank is filled in from this row."""
    for col in columns:
        new, old = row.values.get(col), merged.get(col)
        if new in (None, "") or col in row.broken:
            continue
        if old in (None, ""):
            merged[col] = new
        elif new != old:
            table.error(row, col, message, value=row.cells.get(col, ""), row=first.number,
                        column=table.column_label(col))


def _error_order(spec: Spec, table: Table):
    position = {table.column_label(c.key): i for i, c in enumerate(spec.columns)}
    return lambda e: (e.row or 0, position.get(e.column, len(position)))


# ---- bulk writes with their audit entries --------------------------------------------------

@dataclass
class Change:
    """An update of one existing row: {field: [old, new]}, and how the audit log labels it."""

    id: int
    changes: dict[str, list]
    label: str = ""
    base_id: int | None = None


def bulk_insert(model, rows: list[dict], key: tuple[str, ...] | None = None,
                label: Callable[[dict], str] = lambda r: "",
                base_id: Callable[[dict], int | None] = lambda r: r.get("base_id")) -> list[int]:
    """Insert `rows` (dicts of column values) with one executemany statement, audit each as a
    creation, and return the new ids in the order of `rows`.

    `key` names columns that tell the rows apart (a natural key, unique among `rows`): where the
    database cannot return the ids of a batch in order (SQLite), they are read back by key, so the
    insert stays one batched statement (without a key, SQLite would insert row by row).
    """
    if not rows:
        return []
    table = model.__table__
    now = utcnow()
    for row in rows:
        if "created_at" in table.c:
            row.setdefault("created_at", now)
        if "updated_at" in table.c:
            row.setdefault("updated_at", now)
    if key:
        # One batched write (PostgreSQL: COPY; SQLite: the driver's executemany loop), then the new
        # rows' ids by their key, found above the highest id there was: three statements in all.
        before = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        _insert_many(table, rows)
        key_columns = [table.c[k] for k in key]
        by_key = {tuple(r[1:]): r[0] for r in db.session.execute(
            select(table.c.id, *key_columns).where(table.c.id > before))}
        ids = [by_key[tuple(row[k] for k in key)] for row in rows]
    else:
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        ids = list(db.session.execute(statement, rows).scalars())
    dated = [c.key for c in table.c if c.key not in SKIP_FIELDS and c.key != "id" and _is_date(c)]
    plain_keys = [c.key for c in table.c if c.key not in SKIP_FIELDS and c.key != "id" and c.key not in dated]
    # The flush hook's snapshot, {column: [None, value]}, serialised here as json.dumps writes it:
    # one template per table, each value encoded by json's own C encoder (a fifth of the write).
    template = "{" + ", ".join(f"{_json_string(k)}: [null, %s]".replace("%", "%%").replace("%%s", "%s")
                               for k in ("id", *plain_keys, *dated)) + "}"
    for start in range(0, len(rows), AUDIT_CHUNK):  # a chunk of audit entries at a time in memory
        entries = []
        for new_id, row in zip(ids[start:start + AUDIT_CHUNK], rows[start:start + AUDIT_CHUNK]):
            values = [_json_value(new_id)]
            for k in plain_keys:
                values.append(_json_value(row.get(k)))
            for k in dated:
                value = row.get(k)
                values.append("null" if value is None else f'"{value.isoformat()}"')
            entries.append({"action": "create", "record_id": new_id, "label": label(row), "base_id": base_id(row),
                            "changes": JSONText(template % tuple(values))})
        record_bulk(db.session, table.name, entries)
    return ids


_json_string = json.encoder.encode_basestring_ascii  # what json.dumps does with a str (ensure_ascii)


def _json_value(value) -> str:
    """`json.dumps(value)`, quicker for the text, None and whole numbers that make up a row."""
    kind = value.__class__
    if kind is str:
        return _json_string(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value)


def _insert_many(table, rows: list[dict]) -> None:
    """INSERT many rows in one batch (PostgreSQL: COPY; SQLite: the driver's executemany)."""
    insert_rows(db.session.connection(), table, rows)


def _is_date(column) -> bool:
    try:
        return issubclass(column.type.python_type, dt.date)  # datetime is a date too
    except NotImplementedError:
        return False


def bulk_update(model, changes: list[Change]) -> None:
    """Update existing rows by id, one executemany statement per set of changed columns; audit each."""
    if not changes:
        return
    table = model.__table__
    now = utcnow()
    groups: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        groups.setdefault(tuple(sorted(change.changes)), []).append(change)
    for keys, group in groups.items():
        values = {key: bindparam(f"new_{key}") for key in keys}
        if "updated_at" in table.c:
            values["updated_at"] = bindparam("new_updated_at")
        if "row_version" in table.c:  # an import is a change like any other: forms opened before it are stale
            values["row_version"] = table.c.row_version + 1
        statement = table.update().where(table.c.id == bindparam("old_id")).values(values)
        db.session.execute(statement, [
            {"old_id": c.id, "new_updated_at": now, **{f"new_{k}": c.changes[k][1] for k in keys}} for c in group])
    record_bulk(db.session, table.name, [
        {"action": "update", "record_id": c.id, "label": c.label, "base_id": c.base_id,
         "changes": {k: [plain(old), plain(new)] for k, (old, new) in c.changes.items()}} for c in changes])


def diff(existing: dict, incoming: dict, keys: Iterable[str]) -> dict[str, list]:
    """{key: [old, new]} for the keys whose incoming value differs from the existing one."""
    return {k: [existing[k], incoming[k]] for k in keys if k in incoming and existing[k] != incoming[k]}


__all__ = ["Column", "Spec", "Importer", "Table", "Row", "RowError", "ImportResult", "FileProblem", "Change",
           "ImportBusy", "WAITED", "lock_base_for_import",
           "run_import", "read_table", "bulk_insert", "bulk_update", "diff", "not_before", "plain", "quote"]
