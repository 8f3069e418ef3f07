"""What the application form shows, gathered from the registry as plain JSON (`collect`), and the
form a base's reader gets: the frozen one of its latest submission, else today's (`form_of`).

Every figure comes from the areas' own queries (the mentor table is `ratio_as_of`, the ratio
report's source), so the form never disagrees with the registry's pages on the same day.
A fixed number of queries whatever the number of mentors and records.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from registry.application.models import ApplicationPlan, FrozenForm, IndicatorScore, ReviewIndicator
from registry.checks.lifecycle import today as registry_today
from registry.checks.models import ApplicationRound, Review, RoundReviewer, Submission
from registry.checks.queries import INDICATORS
from registry.evidence.attachables import ATTACHABLE
from registry.evidence.models import Attachment
from registry.exchanges.models import Exchange
from registry.extensions import db
from registry.governance import models as g
from registry.governance.queries import regulation_areas_many, working_groups_many
from registry.mentors.models import Student
from registry.mentors.queries import postgraduates_trained, ratio_as_of, roster_statement
from registry.orgs.models import Base, KeyField
from registry.teaching import models as t
from registry.teaching.queries import team_sides_on

FORM_VERSION = 1
TITLE = "工业和信息化部校企协同育人示范基地建设申请书"


def plan_of(base_id: int) -> ApplicationPlan | None:
    return db.session.scalar(select(ApplicationPlan).where(ApplicationPlan.base_id == base_id))


def _d(value) -> str:
    return value.isoformat() if value else ""


def _cooperation_years(since: dt.date, on: dt.date) -> int:
    return max(0, relativedelta(on, since).years) if since <= on else 0


def _mentors(base: Base, on: dt.date) -> list[dict]:
    return [{"name": m.name, "side": m.side, "organisation": m.organisation, "title": m.title or "",
             "degree": m.degree or "", "expertise": m.expertise or ""}
            for m in db.session.scalars(roster_statement(base.id, on, state="active"))]


def _exchanges(base_id: int, on: dt.date) -> dict:
    rows = list(db.session.scalars(select(Exchange).where(Exchange.base_id == base_id, Exchange.starts_on <= on)
                                   .order_by(Exchange.starts_on, Exchange.id)))
    counts: dict = defaultdict(int)
    for e in rows:
        counts[(e.starts_on.year, e.direction, e.kind)] += e.participants or 1
    return {"by_year": [{"year": y, "direction": d, "kind": k, "people": n}
                        for (y, d, k), n in sorted(counts.items())],
            "list": [{"person": e.person_name, "organisation": e.person_organisation, "title": e.person_title or "",
                      "kind": e.kind, "direction": e.direction, "host": e.host_organisation,
                      "from": _d(e.starts_on), "until": _d(e.ends_on), "participants": e.participants or 1,
                      "projects": e.projects_joined or ""} for e in rows]}


def _teaching(base_id: int, on: dt.date) -> dict:
    def rows(model, *where, order):
        return list(db.session.scalars(select(model).where(model.base_id == base_id, *where).order_by(*order)))

    courses = rows(t.IndustryCourse, t.IndustryCourse.first_year <= on.year,
                   order=(t.IndustryCourse.first_year, t.IndustryCourse.id))
    cases = rows(t.TeachingCase, t.TeachingCase.year <= on.year, order=(t.TeachingCase.year, t.TeachingCase.id))
    books = rows(t.Textbook, t.Textbook.year <= on.year, order=(t.Textbook.year, t.Textbook.id))
    teams = rows(t.TeachingTeam, t.TeachingTeam.established_on <= on,
                 order=(t.TeachingTeam.established_on, t.TeachingTeam.id))
    labs = rows(t.JointLab, t.JointLab.established_on <= on, order=(t.JointLab.established_on, t.JointLab.id))
    projects = rows(t.MajorProject, t.MajorProject.starts_on <= on,
                    order=(t.MajorProject.starts_on, t.MajorProject.id))
    transfers = rows(t.ResultTransfer, t.ResultTransfer.transferred_on <= on,
                     order=(t.ResultTransfer.transferred_on, t.ResultTransfer.id))
    sides = t_team_sides([x.id for x in teams], on)
    return {
        "courses": [{"code": c.code, "title": c.title, "teachers": c.lead_teachers, "hours": c.hours,
                     "credits": str(c.credits), "level": c.level, "first_year": c.first_year} for c in courses],
        "cases": [{"title": c.title, "authors": c.authors or "", "source": c.source or "", "year": c.year}
                  for c in cases],
        "textbooks": [{"title": b.title, "authors": b.authors, "publisher": b.publisher, "year": b.year,
                       "isbn": b.isbn} for b in books],
        "teams": [{"name": x.name, "established_on": _d(x.established_on),
                   "university": sides.get(x.id, {}).get("university", 0),
                   "enterprise": sides.get(x.id, {}).get("enterprise", 0)} for x in teams],
        "labs": [{"name": x.name, "kind": x.kind, "established_on": _d(x.established_on),
                  "partners": x.partners or ""} for x in labs],
        "projects": [{"name": p.name, "category": p.category, "project_no": p.project_no or "",
                      "lead": p.lead_organisation or "", "from": _d(p.starts_on), "until": _d(p.ends_on)}
                     for p in projects],
        "transfers": [{"title": r.title, "kind": r.kind, "recipient": r.recipient, "on": _d(r.transferred_on),
                       "value": str(r.contract_value) if r.contract_value is not None else ""} for r in transfers],
    }


def t_team_sides(team_ids, on):
    return team_sides_on(team_ids, on) if team_ids else {}


def _governance(base_id: int, on: dt.date) -> dict:
    def rows(model, date_col):
        return list(db.session.scalars(select(model).where(model.base_id == base_id, date_col <= on)
                                       .order_by(date_col, model.id)))

    group = working_groups_many([base_id], on)[base_id]
    members = []
    if group is not None:
        members = [{"name": m.name, "side": m.side, "organisation": m.organisation, "position": m.position or "",
                    "role": m.group_role}
                   for m in db.session.scalars(select(g.WorkingGroupMember)
                                               .where(g.WorkingGroupMember.group_id == group.id,
                                                      g.WorkingGroupMember.from_on <= on)
                                               .order_by(g.WorkingGroupMember.id))
                   if m.until_on is None or m.until_on >= on]
    areas = regulation_areas_many([base_id], on)[base_id]
    return {
        "agreements": [{"title": a.title, "document_no": a.document_no or "", "signed_on": _d(a.signed_on),
                        "valid_until": _d(a.valid_until)} for a in rows(g.CooperationAgreement,
                                                                         g.CooperationAgreement.signed_on)],
        "training_plans": [{"title": p.title, "version": p.version, "adopted_on": _d(p.adopted_on)}
                           for p in rows(g.TrainingPlan, g.TrainingPlan.adopted_on)],
        "arrangements": [{"title": a.title, "established_on": _d(a.established_on)}
                         for a in rows(g.ExchangeArrangement, g.ExchangeArrangement.established_on)],
        "working_group": None if group is None else {"name": group.name, "established_on": _d(group.established_on),
                                                     "members": members},
        "regulations": [{"area": r.area, "title": r.title, "document_no": r.document_no or "",
                         "issued_on": _d(r.issued_on)} for r in rows(g.Regulation, g.Regulation.issued_on)],
        "areas_covered": sorted(areas),
    }


def _students(base_id: int, on: dt.date) -> dict:
    rows = db.session.execute(select(Student.level, Student.graduated_on, Student.employment)
                              .where(Student.base_id == base_id, Student.enrolment_year <= on.year)).all()
    levels = Counter(r.level for r in rows)
    graduated = [r for r in rows if r.graduated_on is not None and r.graduated_on <= on]
    employment = Counter(r.employment for r in graduated if r.employment)
    return {"by_level": dict(levels), "graduated": len(graduated), "employment": dict(employment)}


def evidence_of(base_id: int) -> list[dict]:
    """Every evidence file of the base, by section (the record's kind) and record, in one query
    plus one per kind of record that has files (a handful)."""
    files = list(db.session.scalars(select(Attachment).where(Attachment.base_id == base_id)
                                    .order_by(Attachment.record_type, Attachment.record_id, Attachment.id)))
    labels: dict = {}
    by_type: dict = defaultdict(set)
    for f in files:
        by_type[f.record_type].add(f.record_id)
    for record_type, ids in by_type.items():
        kind = ATTACHABLE.get(record_type)
        if kind is None:
            continue
        for obj in db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))):
            labels[(record_type, obj.id)] = _record_label(obj)
    out = []
    for f in files:
        kind = ATTACHABLE.get(f.record_type)
        out.append({"id": f.id, "section": f.record_type,
                    "section_label": _zh(kind.label) if kind else f.record_type,
                    "record": labels.get((f.record_type, f.record_id), f"#{f.record_id}"),
                    "name": f.download_name, "size": f.size, "sha256": f.sha256,
                    "description": f.description or ""})
    return out


def _record_label(obj) -> str:
    for attr in ("title", "name", "person_name"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    mentor = getattr(obj, "mentor", None)
    if mentor is not None and getattr(mentor, "name", None):
        return mentor.name
    return obj.audit_label() if hasattr(obj, "audit_label") else f"#{obj.id}"


def _zh(label) -> str:
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        return str(label)


def collect(base: Base, on: dt.date, plan: ApplicationPlan | None = None) -> dict:
    """The whole form's content for `base` as of `on`, as JSON-able data."""
    plan = plan if plan is not None else plan_of(base.id)
    ratio = ratio_as_of(on, [base.id])[0]
    field = db.session.scalar(select(KeyField).where(KeyField.code == base.field))
    return {
        "version": FORM_VERSION,
        "title": TITLE,
        "as_of": on.isoformat(),
        "base": {"code": base.code, "name": base.name, "field": base.field,
                 "field_name": field.name_zh if field else base.field,
                 "university": base.university.name, "university_kind": base.university.kind,
                 "enterprises": [{"name": e.name, "scale": e.scale or "", "rd_focus": e.rd_focus or "",
                                  "practice_conditions": e.practice_conditions or ""} for e in base.enterprises],
                 "cooperation_since": base.cooperation_since.isoformat(),
                 "cooperation_years": _cooperation_years(base.cooperation_since, on),
                 "excellent_engineer_programme": bool(base.excellent_engineer_programme),
                 "description": base.description or ""},
        "postgraduates_trained": postgraduates_trained([base.id], on)[base.id],
        "ratio": {"enterprise": ratio.enterprise, "university": ratio.university, "total": ratio.total,
                  "share": ratio.share_display, "meets": ratio.meets_requirement},
        "mentors": _mentors(base, on),
        "exchanges": _exchanges(base.id, on),
        "teaching": _teaching(base.id, on),
        "governance": _governance(base.id, on),
        "students": _students(base.id, on),
        "plan": plan.as_json() if plan is not None else None,
        "evidence": evidence_of(base.id),
    }


def frozen_form_of(submission_id: int) -> FrozenForm | None:
    return db.session.scalar(select(FrozenForm).where(FrozenForm.submission_id == submission_id))


def latest_frozen(base_id: int) -> FrozenForm | None:
    return db.session.scalar(select(FrozenForm).join(Submission, Submission.id == FrozenForm.submission_id)
                             .where(FrozenForm.base_id == base_id)
                             .order_by(Submission.submitted_on.desc(), Submission.id.desc()).limit(1))


def form_of(base: Base, today: dt.date | None = None) -> tuple[dict, bool]:
    """(form data, frozen?): the frozen form of the base's latest submission, else today's state."""
    frozen = latest_frozen(base.id)
    if frozen is not None:
        return frozen.data, True

    return collect(base, today or registry_today()), False


def indicator_labels() -> dict[str, str]:
    """The plan's indicators with their Chinese names, in the evaluation's order."""
    return {key: _zh(ind.label) for key, ind in INDICATORS.items()}


def indicator_labels_here() -> dict[str, object]:
    """The plan's indicators with their names in the interface's language (for pages)."""
    return {key: ind.label for key, ind in INDICATORS.items()}


# ---- the reviewers' file ---------------------------------------------------------------------------

def indicators_of(round_id: int) -> list:
    return list(db.session.scalars(select(ReviewIndicator).where(ReviewIndicator.round_id == round_id)
                                   .order_by(ReviewIndicator.position, ReviewIndicator.id)))


def round_results(round_id: int) -> list[dict]:
    """Each submission of the round with every reviewer's total, the mean, the spread between the
    experts (highest − lowest) and the mean per indicator; ranked by mean (ties share a rank,
    unreviewed last). A fixed number of queries."""
    subs = db.session.execute(select(Submission.id, Base.code, Base.name, Base.status)
                              .join(Base, Base.id == Submission.base_id)
                              .where(Submission.round_id == round_id).order_by(Base.code)).all()
    ids = [s.id for s in subs]
    totals: dict = defaultdict(list)
    review_of: dict = {}
    if ids:
        for rid, sub_id, score in db.session.execute(select(Review.id, Review.submission_id, Review.score)
                                                     .where(Review.submission_id.in_(ids))):
            totals[sub_id].append(score)
            review_of[rid] = sub_id
    per_ind: dict = defaultdict(list)
    if review_of:
        for rid, ind_id, score in db.session.execute(select(IndicatorScore.review_id, IndicatorScore.indicator_id,
                                                            IndicatorScore.score)
                                                     .where(IndicatorScore.review_id.in_(list(review_of)))):
            per_ind[(review_of[rid], ind_id)].append(score)
    indicators = indicators_of(round_id)
    rows = []
    for s in subs:
        scores = sorted(totals.get(s.id, []))
        mean = round(sum(scores) / len(scores), 2) if scores else None
        rows.append({"submission_id": s.id, "code": s.code, "name": s.name, "status": s.status,
                     "scores": scores, "reviews": len(scores), "mean": mean,
                     "spread": (scores[-1] - scores[0]) if scores else None,
                     "indicators": {i.id: (round(sum(v) / len(v), 2) if (v := per_ind.get((s.id, i.id))) else None)
                                    for i in indicators}})
    rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), r["code"]))
    rank, previous = 0, object()
    for i, row in enumerate(rows, start=1):
        if row["mean"] is None:
            row["rank"] = None
            continue
        if row["mean"] != previous:
            rank, previous = i, row["mean"]
        row["rank"] = rank
    return rows


def reviewer_home(user) -> dict:
    """A reviewer's rounds, the submissions waiting for their review, and those done. Four queries."""
    rounds = list(db.session.scalars(select(ApplicationRound)
                                     .join(RoundReviewer, RoundReviewer.round_id == ApplicationRound.id)
                                     .where(RoundReviewer.user_id == user.id)
                                     .order_by(ApplicationRound.year.desc())))
    subs = db.session.execute(select(Submission, Base).join(Base, Base.id == Submission.base_id)
                              .where(Submission.round_id.in_([r.id for r in rounds]))
                              .order_by(Submission.round_id, Base.code)).all() if rounds else []
    done = {sid: score for sid, score in db.session.execute(
        select(Review.submission_id, Review.score).where(Review.reviewer_id == user.id,
                                                         Review.submission_id.in_([s.id for s, _b in subs])))} \
        if subs else {}
    waiting = [(s, b) for s, b in subs if s.id not in done and b.status in ("submitted", "under_review")]
    finished = [(s, b, done[s.id]) for s, b in subs if s.id in done]
    return {"rounds": rounds, "waiting": waiting, "done": finished}
