"""Teaching and innovation lists and the yearly counts the evaluation reads."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, extract, func, literal, or_, select, union_all

from registry.errors import _l
from registry.extensions import db
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

# indicator -> (model, the SQL expression of the year a record counts in)
YEAR_OF = {
    "industry_courses": (IndustryCourse, IndustryCourse.first_year),
    "teaching_cases": (TeachingCase, TeachingCase.year),
    "textbooks": (Textbook, Textbook.year),
    "joint_labs": (JointLab, extract("year", JointLab.established_on)),
    "major_projects": (MajorProject, extract("year", MajorProject.starts_on)),
    "results_transferred": (ResultTransfer, extract("year", ResultTransfer.transferred_on)),
}


def yearly_counts(base_ids, first_year: int, last_year: int) -> dict[tuple[int, str, int], int]:
    """{(base_id, indicator, year): count} for every base in `base_ids`, every indicator of
    `INDICATORS` and every year from `first_year` to `last_year` inclusive (zeros included).

    Which year a record counts in (each counts once, in one year) — except teaching teams:
    - industry_courses: `first_year`, the year the course was first offered;
    - teaching_cases: `year`, the year the case was completed;
    - textbooks: `year`, the year of publication;
    - joint_labs: the year of `established_on` (labs and innovation centres together);
    - major_projects: the year of `starts_on`;
    - results_transferred: the year of `transferred_on`;
    - teaching_teams: a STANDING count, not new teams: the teams that are university–enterprise
      teams on 31 December of the year (at least one member of each side active that day, and the
      team established by then). A team of 2022 that stays joint counts in 2022, 2023 and 2024.

    Two queries in all, whatever the number of bases.
    """
    ids = list(base_ids)
    years = range(first_year, last_year + 1)
    counts = {(b, ind, y): 0 for b in ids for ind in INDICATORS for y in years}
    if not ids or first_year > last_year:
        return counts
    parts = []
    for indicator, (model, year) in YEAR_OF.items():
        parts.append(select(model.base_id.label("base_id"), literal(indicator).label("indicator"),
                            year.label("year"), func.count().label("n"))
                     .where(model.base_id.in_(ids), year >= first_year, year <= last_year)
                     .group_by(model.base_id, year))
    for base_id, indicator, year, n in db.session.execute(union_all(*parts)):
        counts[(base_id, indicator, int(year))] += n
    for (base_id, year), n in _joint_teams_at_year_end(ids, first_year, last_year).items():
        counts[(base_id, "teaching_teams", year)] = n
    return counts


def _joint_teams_at_year_end(base_ids, first_year, last_year) -> dict[tuple[int, int], int]:
    """{(base_id, year): teams that are university–enterprise teams on 31 December}. One query."""
    first_day, last_day = dt.date(first_year, 12, 31), dt.date(last_year, 12, 31)
    rows = db.session.execute(
        select(TeachingTeam.base_id, TeachingTeam.id, TeachingTeam.established_on, TeachingTeamMember.side,
               TeachingTeamMember.from_on, TeachingTeamMember.until_on)
        .join(TeachingTeamMember, TeachingTeamMember.team_id == TeachingTeam.id)
        .where(TeachingTeam.base_id.in_(base_ids), TeachingTeam.established_on <= last_day,
               TeachingTeamMember.from_on <= last_day,
               or_(TeachingTeamMember.until_on.is_(None), TeachingTeamMember.until_on >= first_day)))
    sides: dict[tuple[int, int, int], set] = {}
    for base_id, team_id, established, side, start, until in rows:
        for year in range(first_year, last_year + 1):
            day = dt.date(year, 12, 31)
            if established <= day and start <= day and (until is None or until >= day):
                sides.setdefault((base_id, team_id, year), set()).add(side)
    result: dict[tuple[int, int], int] = {}
    for (base_id, _team, year), present in sides.items():
        if present >= {"university", "enterprise"}:
            result[(base_id, year)] = result.get((base_id, year), 0) + 1
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
