"""Teaching and innovation lists and the yearly counts the evaluation reads."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, extract, func, literal, or_, select, union_all

from registry.errors import _l
from registry.extensions import db
from registry.periods import counting_frame, per_calendar_year
from registry.teaching.models import (IndustryCourse, JointLab, MajorProject, ResultTransfer, TeachingCase,
                                      TeachingTeam, TeachingTeamMember, Textbook)

INDICATORS = ("industry_courses", "teaching_cases", "textbooks", "teaching_teams", "joint_labs", "major_projects",
              "results_transferred")
INDICATOR_LABELS = {
    "industry_courses": _l("Industry courses"),
    "teaching_cases": _l("Teaching cases"),
    "textbooks": _l("Textbooks"),
    "teaching_teams": _l("University–enterprise teaching teams (at year end)"),
    "joint_labs": _l("Joint labs and innovation centres"),
    "major_projects": _l("Major projects"),
    "results_transferred": _l("Results transferred"),
}

# indicator -> (model, the SQL expression of its calendar year), for the lists' year filters
YEAR_OF = {
    "industry_courses": (IndustryCourse, IndustryCourse.first_year),
    "teaching_cases": (TeachingCase, TeachingCase.year),
    "textbooks": (Textbook, Textbook.year),
    "joint_labs": (JointLab, extract("year", JointLab.established_on)),
    "major_projects": (MajorProject, extract("year", MajorProject.starts_on)),
    "results_transferred": (ResultTransfer, extract("year", ResultTransfer.transferred_on)),
}

# indicator -> (model, the column that places a record in a period, and whether it is a bare year)
COUNTED_BY = {
    "industry_courses": (IndustryCourse, IndustryCourse.first_year, True),
    "teaching_cases": (TeachingCase, TeachingCase.year, True),
    "textbooks": (Textbook, Textbook.year, True),
    "joint_labs": (JointLab, JointLab.established_on, False),
    "major_projects": (MajorProject, MajorProject.starts_on, False),
    "results_transferred": (ResultTransfer, ResultTransfer.transferred_on, False),
}


def period_counts(periods) -> dict[tuple[int, str, object], int]:
    """{(base_id, indicator, key): count} for every period `(base_id, key, first, last)` (see
    `registry.periods`) and every indicator of `INDICATORS`, zeros included.

    Which period a record counts in (each counts once, in one period) — except teaching teams:
    - industry_courses: `first_year`, the year the course was first offered;
    - teaching_cases: `year`, the year the case was completed;
    - textbooks: `year`, the year of publication;
      (a bare year counts in the period holding 1 July of it: `registry.periods.years_counted_in`)
    - joint_labs: `established_on` (labs and innovation centres together);
    - major_projects: `starts_on`;
    - results_transferred: `transferred_on`;
    - teaching_teams: a STANDING count, not new teams: the teams that are university–enterprise
      teams on the period's last day (at least one member of each side active that day, and the
      team established by then). A team of 2022 that stays joint counts in 2022, 2023 and 2024.

    Two queries in all, whatever the number of bases and periods.
    """
    periods, counts, keys, p = counting_frame(periods, INDICATORS)
    if p is None:
        return counts
    parts = []
    for indicator, (model, column, bare_year) in COUNTED_BY.items():
        inside = (and_(column >= p.c.lo, column <= p.c.hi) if bare_year
                  else and_(column >= p.c.first, column <= p.c.last))
        parts.append(select(p.c.base_id.label("base_id"), p.c.k.label("k"), literal(indicator).label("indicator"),
                            func.count().label("n"))
                     .join(model, and_(model.base_id == p.c.base_id, inside))
                     .group_by(p.c.base_id, p.c.k))
    for base_id, k, indicator, n in db.session.execute(union_all(*parts)):
        counts[(base_id, indicator, keys[(base_id, k)])] += n
    for (base_id, key), n in _joint_teams_at_period_end(periods).items():
        counts[(base_id, "teaching_teams", key)] = n
    return counts


yearly_counts = per_calendar_year(period_counts)


def _joint_teams_at_period_end(periods) -> dict[tuple[int, object], int]:
    """{(base_id, key): teams that are university–enterprise teams on the period's last day}. One query."""
    ends: dict[int, list] = {}
    for base_id, key, _first, last in periods:
        ends.setdefault(base_id, []).append((key, last))
    first_day = min(last for _b, _k, _f, last in periods)
    last_day = max(last for _b, _k, _f, last in periods)
    rows = db.session.execute(
        select(TeachingTeam.base_id, TeachingTeam.id, TeachingTeam.established_on, TeachingTeamMember.side,
               TeachingTeamMember.from_on, TeachingTeamMember.until_on)
        .join(TeachingTeamMember, TeachingTeamMember.team_id == TeachingTeam.id)
        .where(TeachingTeam.base_id.in_(list(ends)), TeachingTeam.established_on <= last_day,
               TeachingTeamMember.from_on <= last_day,
               or_(TeachingTeamMember.until_on.is_(None), TeachingTeamMember.until_on >= first_day)))
    sides: dict[tuple[int, int, object], set] = {}
    for base_id, team_id, established, side, start, until in rows:
        for key, day in ends[base_id]:
            if established <= day and start <= day and (until is None or until >= day):
                sides.setdefault((base_id, team_id, key), set()).add(side)
    result: dict[tuple[int, object], int] = {}
    for (base_id, _team, key), present in sides.items():
        if present >= {"university", "enterprise"}:
            result[(base_id, key)] = result.get((base_id, key), 0) + 1
    return result


def member_active_on(as_of: dt.date):
    """SQL condition: a team member is active on `as_of` (from ≤ day ≤ until, or no until)."""
    return and_(TeachingTeamMember.from_on <= as_of,
                or_(TeachingTeamMember.until_on.is_(None), TeachingTeamMember.until_on >= as_of))


def team_sides_on(team_ids, as_of: dt.date) -> dict[int, dict[str, int]]:
    """{team_id: {"university": n, "enterprise": n}}: active members per side on `as_of`. One query."""
    ids = list(team_ids)
    result = {i: {"university": 0, "enterprise": 0} for i in ids}
    if not ids:
        return result
    rows = db.session.execute(
        select(TeachingTeamMember.team_id, TeachingTeamMember.side, func.count())
        .where(TeachingTeamMember.team_id.in_(ids), member_active_on(as_of))
        .group_by(TeachingTeamMember.team_id, TeachingTeamMember.side))
    for team_id, side, n in rows:
        result[team_id][side] = n
    return result


def is_joint(sides: dict[str, int]) -> bool:
    """A university–enterprise team: at least one active member of each side."""
    return sides.get("university", 0) > 0 and sides.get("enterprise", 0) > 0
