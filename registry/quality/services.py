"""Quality records, reviewers' affiliations and expert assignments, as plain functions: they decide,
change, flush (the audit hook writes the log) and raise DomainError; they never commit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from registry import authz, values as v
from registry.errors import Checks, DomainError, Forbidden, _l
from registry.records import services as records
from registry.extensions import db
from registry.orgs.models import Enterprise, University
from registry.quality.models import (EXPERT_PURPOSES, QUALITY_KINDS, ExpertAssignment, QualityRecord,
                                     ReviewerAffiliation)
from registry.quality.queries import Conflict, conflicts

LABELS = {
    "kind": _l("Kind"), "held_on": _l("Date"), "ends_on": _l("Last day"), "experts": _l("Experts"),
    "assessor": _l("Assessed by"), "findings": _l("Findings"), "recommendations": _l("Recommendations"),
}


# ---- quality records ------------------------------------------------------------------------

def _may_record(actor, base, kind: str) -> None:
    if not authz.can_record_quality(actor, base, kind):
        raise Forbidden(_l("Only an administrator records the ministry's site visits and supervision visits."),
                        field="kind")


def _values(data: dict) -> dict:
    """A quality record's values; every broken one at once."""
    check = Checks()
    out = {
        "kind": check(v.choice, data, "kind", LABELS["kind"], QUALITY_KINDS),
        "held_on": check(v.date, data, "held_on", LABELS["held_on"]),
        "ends_on": check(v.date, data, "ends_on", LABELS["ends_on"], required=False),
        "experts": check(v.text, data, "experts", LABELS["experts"], 4000),
        "assessor": check(v.text, data, "assessor", LABELS["assessor"], 200),
        "findings": check(v.text, data, "findings", LABELS["findings"], 20000, required=True),
        "recommendations": check(v.text, data, "recommendations", LABELS["recommendations"], 20000),
    }
    if out["held_on"] is not None:
        check(v.end_not_before_start, out["held_on"], out["ends_on"], "ends_on")
    if out["kind"] in ("site_visit", "supervision_visit") and not out["experts"] and not any(
            e.field == "experts" for e in check.errors):
        check.add(DomainError(_l("Name the experts of the visit."), field="experts"))
    if out["kind"] == "third_party_assessment" and not out["assessor"] and not any(
            e.field == "assessor" for e in check.errors):
        check.add(DomainError(_l("Name the third party that made the assessment."), field="assessor"))
    check.done()
    return out


def create_record(base, data: dict, *, actor) -> QualityRecord:
    values = _values(data)
    _may_record(actor, base, values["kind"])
    return records.create(QualityRecord(base_id=base.id, **values), actor=actor)


def update_record(record: QualityRecord, data: dict, *, actor) -> QualityRecord:
    values = _values(data)
    _may_record(actor, record.base, record.kind)
    _may_record(actor, record.base, values["kind"])
    return records.update(record, values, actor=actor)


def delete_record(record: QualityRecord, *, actor) -> None:
    _may_record(actor, record.base, record.kind)
    records.delete("quality_record", record, actor=actor)


# ---- reviewers' affiliations ---------------------------------------------------------------

def declare_affiliation(reviewer, *, actor, university_id=None, enterprise_id=None) -> ReviewerAffiliation:
    """The reviewer belongs to this university or enterprise (exactly one of the two)."""
    if not authz.can_declare_affiliations(actor, reviewer):
        raise Forbidden(_l("Reviewers declare their own affiliations; an administrator may do it for them."))
    university_id = int(university_id) if university_id else None
    enterprise_id = int(enterprise_id) if enterprise_id else None
    if (university_id is None) == (enterprise_id is None):
        raise DomainError(_l("Choose one university or one enterprise."), field="university_id")
    if university_id is not None:
        org = db.session.get(University, university_id)
        column, field = ReviewerAffiliation.university_id, "university_id"
    else:
        org = db.session.get(Enterprise, enterprise_id)
        column, field = ReviewerAffiliation.enterprise_id, "enterprise_id"
    if org is None:
        raise DomainError(_l("Unknown organisation."), field=field)
    if db.session.scalar(select(ReviewerAffiliation.id).where(ReviewerAffiliation.user_id == reviewer.id,
                                                              column == org.id)) is not None:
        raise DomainError(_l("%(org)s is already declared."), field=field, org=org.name)
    link = ReviewerAffiliation(user_id=reviewer.id, university_id=university_id, enterprise_id=enterprise_id)
    db.session.add(link)
    db.session.flush()
    return link


def withdraw_affiliation(link: ReviewerAffiliation, *, actor) -> None:
    if not authz.can_declare_affiliations(actor, link.user):
        raise Forbidden(_l("Reviewers declare their own affiliations; an administrator may do it for them."))
    db.session.delete(link)
    db.session.flush()


# ---- experts assigned to a base ----------------------------------------------------------

def conflict_message(user, base, found: list[Conflict]) -> DomainError:
    """The refusal, naming the affiliation: 'X declared an affiliation with Y, the base's university'."""
    first = found[0]
    message = (_l("%(user)s may not review %(base)s: they declared an affiliation with %(org)s, the base's "
                  "university. A reviewer never reviews a base of their own university or enterprise.")
               if first.side == "university" else
               _l("%(user)s may not review %(base)s: they declared an affiliation with %(org)s, a partner "
                  "enterprise of the base. A reviewer never reviews a base of their own university or enterprise."))
    return DomainError(message, field="user_id", user=user.display_name or user.username, base=base.code,
                       org=first.organisation)


def ensure_no_conflict(user, bases) -> None:
    """Refuse (naming the affiliation) when `user` declared the university or an enterprise of any base."""
    bases = list(bases)
    found = conflicts([user.id], [b.id for b in bases])
    for base in sorted(bases, key=lambda b: b.code):
        if (user.id, base.id) in found:
            raise conflict_message(user, base, found[(user.id, base.id)])


def assign_expert(base, user, *, actor, purpose: str, on: dt.date | None = None) -> ExpertAssignment:
    if not authz.can_assign_experts(actor):
        raise Forbidden(_l("Only an administrator assigns experts."))
    if not authz.can_be_assigned_to_review(user):
        raise DomainError(_l("Only an active reviewer account can be assigned."), field="user_id")
    check = Checks()
    purpose = check(v.choice, {"purpose": purpose}, "purpose", _l("Purpose"), EXPERT_PURPOSES)
    check(ensure_no_conflict, user, [base])
    check.done()
    if db.session.scalar(select(ExpertAssignment.id).where(
            ExpertAssignment.base_id == base.id, ExpertAssignment.user_id == user.id,
            ExpertAssignment.purpose == purpose)) is not None:
        raise DomainError(_l("%(user)s is already assigned to this base for %(purpose)s."), field="user_id",
                          user=user.display_name or user.username, purpose=EXPERT_PURPOSES[purpose])
    link = ExpertAssignment(base_id=base.id, user_id=user.id, purpose=purpose, assigned_on=on or dt.date.today())
    db.session.add(link)
    db.session.flush()
    return link


def unassign_expert(link: ExpertAssignment, *, actor) -> None:
    if not authz.can_assign_experts(actor):
        raise Forbidden(_l("Only an administrator assigns experts."))
    db.session.delete(link)
    db.session.flush()
