"""The facts the rules read, loaded in bulk: for a set of bases on one day, each source (the
ratio, postgraduates, governance records, the application round and quota) is queried once for
all of them, through the other areas' `queries.py` (one source of truth for every count).

Rules R6 and R7 read the application context: see rules.py for how a round is chosen.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from registry.checks.models import ApplicationRound, Submission
from registry.extensions import db
from registry.governance.queries import platform_status_many, regulation_areas_many
from registry.mentors.queries import postgraduates_trained, ratio_as_of
from registry.models_common import ids_in
from registry.orgs.models import Base
from registry.orgs.queries import with_parties


class Facts:
    """Everything the rules read for a set of bases on one day, each source loaded once for all."""

    def __init__(self, bases: list[Base], as_of: dt.date, round=None):
        self.bases = {b.id: b for b in bases}
        self.as_of = as_of
        self.round = round
        self._cache: dict[str, dict] = {}

    @property
    def ids(self) -> list[int]:
        return list(self.bases)

    def _load(self, key: str, loader):
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    def ratio(self, base_id):
        return self._load("ratio", lambda: {r.base_id: r for r in ratio_as_of(self.as_of, self.ids)})[base_id]

    def postgraduates(self, base_id) -> int:
        return self._load("postgraduates", lambda: postgraduates_trained(self.ids, self.as_of)).get(base_id, 0)

    def platform(self, base_id):
        return self._load("platform", lambda: platform_status_many(self.ids, self.as_of))[base_id]

    def regulation_areas(self, base_id) -> set:
        return self._load("regulations", lambda: regulation_areas_many(self.ids, self.as_of)).get(base_id, set())

    def application(self, base_id):
        return self._load("application",
                          lambda: application_contexts(list(self.bases.values()), self.as_of, self.round))[base_id]


def load_bases(base_ids) -> list[Base]:
    """The bases with what the rules read of them (university, enterprises), in two queries."""
    stmt = select(Base).options(*with_parties()).order_by(Base.code)
    if base_ids is not None:
        stmt = stmt.where(ids_in(Base.id, base_ids))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class ApplicationContext:
    """The round a base is judged in, its submission (None: a submission on the check's day)
    and the university's use of the quota: `used` submissions before this one, `place` its rank."""

    round: ApplicationRound | None
    submission: Submission | None
    used: int
    place: int


def open_rounds(as_of: dt.date) -> list[ApplicationRound]:
    """Rounds accepting submissions on `as_of`, the latest year first."""
    return list(db.session.scalars(select(ApplicationRound)
                                   .where(ApplicationRound.opens_on <= as_of, ApplicationRound.deadline >= as_of)
                                   .order_by(ApplicationRound.year.desc())))


def application_contexts(bases: list[Base], as_of: dt.date, round: ApplicationRound | None = None
                         ) -> dict[int, ApplicationContext]:
    """For each base, the context of R6/R7 (see rules.py). At most three queries."""
    ids = [b.id for b in bases]
    if not ids:
        return {}
    chosen: dict[int, tuple[ApplicationRound | None, Submission | None]] = {}
    if round is not None:
        subs = db.session.scalars(select(Submission).options(defer(Submission.snapshot))
                                  .where(Submission.round_id == round.id, ids_in(Submission.base_id, ids)))
        own = {s.base_id: s for s in subs}
        for b in bases:
            chosen[b.id] = (round, own.get(b.id))
    else:
        latest: dict[int, Submission] = {}
        rows = db.session.scalars(select(Submission).options(selectinload(Submission.round), defer(Submission.snapshot))
                                  .where(ids_in(Submission.base_id, ids), Submission.submitted_on <= as_of)
                                  .order_by(Submission.submitted_on, Submission.id))
        for s in rows:
            latest[s.base_id] = s
        current = None
        if len(latest) < len(ids):
            found = open_rounds(as_of)
            current = found[0] if found else None
        for b in bases:
            s = latest.get(b.id)
            chosen[b.id] = (s.round, s) if s is not None else (current, None)
    round_ids = {r.id for r, _s in chosen.values() if r is not None}
    arrivals: dict[tuple[int, int], list[int]] = {}
    if round_ids:
        for round_id, university_id, sub_id in db.session.execute(
                select(Submission.round_id, Submission.university_id, Submission.id)
                .where(Submission.round_id.in_(round_ids)).order_by(Submission.id)):
            arrivals.setdefault((round_id, university_id), []).append(sub_id)
    result = {}
    for b in bases:
        r, s = chosen[b.id]
        if r is None:
            result[b.id] = ApplicationContext(None, None, 0, 0)
            continue
        arrived = arrivals.get((r.id, b.university_id), [])
        if s is not None:
            before = sum(1 for i in arrived if i < s.id)
            result[b.id] = ApplicationContext(r, s, before, before + 1)
        else:
            result[b.id] = ApplicationContext(r, None, len(arrived), len(arrived) + 1)
    return result
