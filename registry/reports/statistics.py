"""Ministry-wide statistics per calendar year (the figures the ministry asks bases for), across every
base or the bases of one key field, one university kind or one application round.

The counts are the evaluation's: each area's `yearly_counts` (mentors, exchanges, teaching) over the
selected bases, summed; only the employment outcomes of graduates, which the evaluation does not
compare, are counted here. A fixed number of queries whatever the number of bases: one to select the
bases, the areas' own (five in all), one for employment outcomes.

How each figure counts (the areas' rules, see their `yearly_counts`):
- mentors (by side) as of 31 December, distinct people per base, then summed over bases (a person
  appointed at two bases counts at each, as every base reports them); the enterprise share is the
  sum of enterprise mentors over the sum of mentors, an exact fraction;
- students jointly trained: students with a dual-mentor assignment active on some day of the year;
- graduates by employment outcome: students whose graduation day falls in the year, by the outcome
  recorded (or "not recorded");
- exchanges in the year they started, by kind and direction; courses, cases, textbooks, labs, major
  projects and results transferred in the year they count in; teaching teams standing on 31 December.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import extract, func, select

from registry import cache
from registry.checks.models import ApplicationRound, Submission
from registry.errors import ZH, DomainError, _l, in_locale
from registry.exchanges import queries as exchange_queries
from registry.extensions import db
from registry.mentors import queries as mentor_queries
from registry.mentors.models import EMPLOYMENT_OUTCOMES, Student
from registry.models_common import ids_in
from registry.orgs.models import FIELDS, UNIVERSITY_KINDS, Base, University
from registry.safe_sheets import Sheet, xlsx_bytes
from registry.teaching import queries as teaching_queries

FIRST_YEAR = 2022  # the notice's year: statistics start there unless asked otherwise
MAX_YEARS = 30


@dataclass(frozen=True)
class Figure:
    key: str
    label: object
    group: str
    unit: str = "count"  # "count" or "percent"


GROUPS = {
    "mentors": _l("Mentors"),
    "students": _l("Students jointly trained and their employment"),
    "exchanges": _l("Two-way exchange"),
    "teaching": _l("Joint teaching and innovation"),
}

NOT_RECORDED = "not_recorded"
EMPLOYMENT = {**EMPLOYMENT_OUTCOMES, NOT_RECORDED: _l("Outcome not recorded")}

FIGURES: tuple[Figure, ...] = (
    Figure("mentors_total", _l("Mentors (31 December)"), "mentors"),
    Figure("enterprise_mentors", _l("Enterprise mentors"), "mentors"),
    Figure("university_mentors", _l("University mentors"), "mentors"),
    Figure("enterprise_share", _l("Enterprise share of mentors (%)"), "mentors", "percent"),
    Figure("students_jointly_trained", _l("Students jointly trained"), "students"),
    Figure("graduates", _l("Graduates"), "students"),
    *(Figure(f"employment_{k}", label, "students") for k, label in EMPLOYMENT.items()),
    Figure("secondments_to_enterprise", _l("Teachers seconded to the enterprise"), "exchanges"),
    Figure("secondments_to_university", _l("Engineers seconded to the university"), "exchanges"),
    Figure("visits_to_enterprise", _l("Teachers visiting the enterprise"), "exchanges"),
    Figure("visits_to_university", _l("Engineers visiting the university"), "exchanges"),
    Figure("study_tours", _l("Enterprise study tours"), "exchanges"),
    Figure("industry_courses", _l("Industry courses"), "teaching"),
    Figure("teaching_cases", _l("Teaching cases"), "teaching"),
    Figure("textbooks", _l("Textbooks"), "teaching"),
    Figure("teaching_teams", _l("Teaching teams (31 December)"), "teaching"),
    Figure("joint_labs", _l("Joint labs and innovation centres"), "teaching"),
    Figure("major_projects", _l("Major projects undertaken"), "teaching"),
    Figure("results_transferred", _l("Results transferred"), "teaching"),
)
FIGURE = {f.key: f for f in FIGURES}


@dataclass(frozen=True)
class Filters:
    field: str | None = None
    kind: str | None = None
    round_id: int | None = None

    def description(self, round_: ApplicationRound | None = None) -> list[tuple[object, str]]:
        out = []
        if self.field:
            out.append((_l("Key field"), str(FIELDS[self.field])))
        if self.kind:
            out.append((_l("University kind"), str(UNIVERSITY_KINDS[self.kind])))
        if self.round_id:
            out.append((_l("Application round"), str(round_.year) if round_ is not None else str(self.round_id)))
        return out


@dataclass
class Statistics:
    years: tuple[int, ...]
    filters: Filters
    base_count: int
    values: dict = field(default_factory=dict)  # (figure key, year) -> int | Fraction

    def value(self, key: str, year: int):
        return self.values.get((key, year), Fraction(0) if FIGURE[key].unit == "percent" else 0)

    def row(self, key: str) -> list:
        return [self.value(key, y) for y in self.years]

    def display(self, key: str, year: int) -> str:
        v = self.value(key, year)
        return f"{float(v) * 100:.1f}" if FIGURE[key].unit == "percent" else str(v)


def parse_filters(args) -> Filters:
    """Filters from a query string; unknown values are refused, not ignored (a figure must say what it is)."""
    f, kind, round_ = (args.get("field") or "").strip(), (args.get("kind") or "").strip(), args.get("round") or ""
    if f and f not in FIELDS:
        raise DomainError(_l("Unknown key field \"%(value)s\"."), field="field", value=f[:40])
    if kind and kind not in UNIVERSITY_KINDS:
        raise DomainError(_l("Unknown university kind \"%(value)s\"."), field="kind", value=kind[:40])
    round_id = None
    if round_:
        try:
            round_id = int(round_)
        except ValueError:
            raise DomainError(_l("Unknown application round \"%(value)s\"."), field="round",
                              value=str(round_)[:40]) from None
    return Filters(f or None, kind or None, round_id)


def parse_years(args, today: dt.date | None = None) -> tuple[int, int]:
    """?from=YYYY&until=YYYY: by default from 2022 (the notice) through this year."""
    today = today or dt.date.today()
    years = []
    for key, default in (("from", FIRST_YEAR), ("until", max(FIRST_YEAR, today.year))):
        value = (args.get(key) or "").strip()
        if not value:
            years.append(default)
            continue
        if not value.isdigit() or not 2000 <= int(value) <= 2100:
            raise DomainError(_l("\"%(value)s\" is not a year between 2000 and 2100."), field=key, value=value[:40])
        years.append(int(value))
    first, last = years
    if last < first:
        raise DomainError(_l("The last year %(last)s is before the first year %(first)s."), last=last, first=first)
    if last - first + 1 > MAX_YEARS:
        raise DomainError(_l("At most %(n)s years at once."), n=MAX_YEARS)
    return first, last


def base_ids(filters: Filters) -> list[int]:
    """The bases the statistics cover. One query."""
    stmt = select(Base.id).join(Base.university)
    if filters.field:
        stmt = stmt.where(Base.field == filters.field)
    if filters.kind:
        stmt = stmt.where(University.kind == filters.kind)
    if filters.round_id:
        stmt = stmt.where(Base.id.in_(select(Submission.base_id).where(Submission.round_id == filters.round_id)))
    return list(db.session.scalars(stmt))


def area_counts(ids: list[int], first: int, last: int) -> dict[tuple[int, str, int], int]:
    """The evaluation's counts per (base, indicator, year): every area's `yearly_counts`, unchanged."""
    counts: dict = {}
    for yearly_counts in (mentor_queries.yearly_counts, exchange_queries.yearly_counts,
                          teaching_queries.yearly_counts):
        counts.update(yearly_counts(ids, first, last))
    return counts


def employment_counts(ids: list[int], first: int, last: int) -> dict[tuple[str, int], int]:
    """{(outcome or "not_recorded", year): graduates} for students who graduated in the year. One query."""
    year = extract("year", Student.graduated_on)
    rows = db.session.execute(select(Student.employment, year, func.count())
                              .where(ids_in(Student.base_id, ids), Student.graduated_on.is_not(None),
                                     year >= first, year <= last)
                              .group_by(Student.employment, year))
    return {(outcome or NOT_RECORDED, int(y)): n for outcome, y, n in rows}


def statistics(filters: Filters, first: int, last: int) -> Statistics:
    """The figures of every year from `first` to `last`, over the bases `filters` select."""
    ids = base_ids(filters)
    years = tuple(range(first, last + 1))
    stats = Statistics(years, filters, len(ids))
    if not ids:
        return stats
    values = stats.values
    for (_base, indicator, year), n in area_counts(ids, first, last).items():
        if indicator in FIGURE:
            values[(indicator, year)] = values.get((indicator, year), 0) + n
    for (outcome, year), n in employment_counts(ids, first, last).items():
        values[(f"employment_{outcome}", year)] = n
        values[("graduates", year)] = values.get(("graduates", year), 0) + n
    for y in years:
        total, enterprise = values.get(("mentors_total", y), 0), values.get(("enterprise_mentors", y), 0)
        values[("university_mentors", y)] = total - enterprise
        values[("enterprise_share", y)] = Fraction(enterprise, total) if total else Fraction(0)
    return stats


def statistics_cached(filters: Filters, first: int, last: int) -> Statistics:
    """`statistics`, from the per-day figures cache (kept until the next write to the registry's data):
    the yearly counts scan every base's roster, exchanges and teaching records."""
    return cache.cached("statistics", lambda: statistics(filters, first, last), filters, first, last)


def round_of(filters: Filters) -> ApplicationRound | None:
    return db.session.get(ApplicationRound, filters.round_id) if filters.round_id else None


# ---- the spreadsheet ---------------------------------------------------------------------------

def xlsx(stats: Statistics) -> bytes:
    """Sheet 年度统计: one row per figure, one column per year (the share as a percentage); sheet 说明:
    what was selected and how the figures count."""
    zh = lambda message, **kw: in_locale(ZH, message, **kw)  # noqa: E731
    rows = []
    for f in FIGURES:
        values = stats.row(f.key)
        if f.unit == "percent":  # in percent, rounded for display (the exact fraction decides nothing here)
            values = [round(float(v) * 100, 2) for v in values]
        rows.append([zh(GROUPS[f.group]), zh(f.label), *values])
    sheet = Sheet("年度统计", ["类别", "指标", *[f"{y}年" for y in stats.years]], rows,
                  widths=(22, 30, *[10] * len(stats.years)))
    notes = [["统计范围", "全部示范基地" if not stats.filters.description() else "；".join(
        f"{zh(k)}：{v}" for k, v in stats.filters.description(round_of(stats.filters)))],
             ["基地数", stats.base_count],
             ["年份", f"{stats.years[0]}–{stats.years[-1]}"],
             ["导师", "每年12月31日在聘（未暂停）的导师，按基地计人数后加总；企业导师占比 = 企业导师合计 / 导师合计"],
             ["联合培养学生", "当年任一天有双导师指导关系的学生"],
             ["毕业生就业去向", "当年毕业的学生，按登记的就业去向"],
             ["双向交流", "按开始日期所在年份计，挂职、访学分方向统计，企业游学两方向合计"],
             ["课程、案例、教材、实验室、重大项目、成果转化", "按各自计入年份；教学团队为12月31日仍为校企联合的团队数"]]
    return xlsx_bytes([sheet, Sheet("说明", ["项目", "内容"], notes, widths=(24, 90))])
