"""The role model and every permission predicate, in one place.

Two layers, both server side:
- each endpoint declares the roles that may reach it (`@allow(...)`); one `before_request` gate
  enforces that for every request, and the access-matrix test proves every endpoint declares it;
- object scope (which base, which university, which mentor record) is decided by the `can_*`
  predicates below, which views call right after loading the object.
"""
from __future__ import annotations


from flask import g

ADMIN = "admin"
REVIEWER = "reviewer"
UNIVERSITY_COORDINATOR = "university_coordinator"
BASE_COORDINATOR = "base_coordinator"
MENTOR = "mentor"
ROLES = (ADMIN, REVIEWER, UNIVERSITY_COORDINATOR, BASE_COORDINATOR, MENTOR)
PUBLIC = "public"  # pseudo-role: anonymous visitors too

STAFF = (ADMIN, REVIEWER, UNIVERSITY_COORDINATOR, BASE_COORDINATOR)  # see base rosters
EDITORS = (ADMIN, UNIVERSITY_COORDINATOR, BASE_COORDINATOR)  # may change rosters in scope
ALL = ROLES


def allow(*roles: str):
    """Declare which roles may reach a view. Undeclared views are refused by the gate."""
    unknown = set(roles) - set(ROLES) - {PUBLIC}
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view):
        view.allowed_roles = frozenset(roles)
        return view

    return decorate


def allowed_roles(view) -> frozenset[str] | None:
    return getattr(view, "allowed_roles", None)


def actor():
    """The user acting in this request: the logged-in user, or the API token's owner."""
    return g.get("actor")


# ---- object predicates -------------------------------------------------------------------

def _role(user) -> str | None:
    return getattr(user, "role", None) if user is not None else None


def can_manage_system(user) -> bool:
    return _role(user) == ADMIN


def can_view_university(user, university) -> bool:
    role = _role(user)
    if role in (ADMIN, REVIEWER):
        return True
    if role == UNIVERSITY_COORDINATOR:
        return user.university_id == university.id
    return False


def can_edit_university(user, university) -> bool:
    role = _role(user)
    return role == ADMIN or (role == UNIVERSITY_COORDINATOR and user.university_id == university.id)


def can_create_university(user) -> bool:
    return _role(user) == ADMIN


def can_edit_enterprise(user, enterprise=None) -> bool:
    """Create enterprises (no `enterprise`), or change one. An enterprise's scale, R&D focus and practice
    conditions decide rule R8 for every base it partners, so a university coordinator may change only
    an enterprise that partners no base of another university."""
    role = _role(user)
    if role == ADMIN:
        return True
    if role != UNIVERSITY_COORDINATOR:
        return False
    if enterprise is None:
        return True
    from registry.orgs.queries import enterprises_of_other_universities

    return not enterprises_of_other_universities(user.university_id, [enterprise.id])


def can_view_base(user, base) -> bool:
    role = _role(user)
    if role in (ADMIN, REVIEWER):
        return True
    if role == UNIVERSITY_COORDINATOR:
        return user.university_id == base.university_id
    if role == BASE_COORDINATOR:
        return base.id in user.base_ids
    if role == MENTOR:
        return base.id in user.mentor_base_ids
    return False


def can_edit_base(user, base) -> bool:
    """Change the base's own record and its rosters."""
    role = _role(user)
    if role == ADMIN:
        return True
    if role == UNIVERSITY_COORDINATOR:
        return user.university_id == base.university_id
    if role == BASE_COORDINATOR:
        return base.id in user.base_ids
    return False


def can_create_base(user, university=None) -> bool:
    role = _role(user)
    if role == ADMIN:
        return True
    return role == UNIVERSITY_COORDINATOR and (university is None or user.university_id == university.id)


def can_edit_roster(user, base) -> bool:
    return can_edit_base(user, base)


def can_see_contact_details(user, base) -> bool:
    """Unmasked mobile numbers: only those who keep the roster."""
    return can_edit_roster(user, base)


def can_view_audit(user) -> bool:
    return _role(user) == ADMIN


def visible_base_filter(user, base_model):
    """A SQL condition selecting the bases `user` may see; None means all."""
    from sqlalchemy import false

    role = _role(user)
    if role in (ADMIN, REVIEWER):
        return None
    if role == UNIVERSITY_COORDINATOR:
        return base_model.university_id == user.university_id
    if role == BASE_COORDINATOR:
        ids = user.base_ids
        return base_model.id.in_(ids) if ids else false()
    if role == MENTOR:
        ids = user.mentor_base_ids
        return base_model.id.in_(ids) if ids else false()
    return false()


# ---- mentors area: a mentor's own record -------------------------------------------------

def _serves_visible_base(user, mentor) -> bool:
    """Whether the mentor holds (or held) an appointment at a base `user` may see."""
    from sqlalchemy import func, select

    from registry.extensions import db
    from registry.mentors.models import Appointment
    from registry.orgs.models import Base

    stmt = (select(func.count()).select_from(Appointment).join(Base, Base.id == Appointment.base_id)
            .where(Appointment.mentor_id == mentor.id))
    scope = visible_base_filter(user, Base)
    if scope is not None:
        stmt = stmt.where(scope)
    return bool(db.session.scalar(stmt))


def can_view_mentor(user, mentor) -> bool:
    """A mentor account sees only its own record; staff see mentors of the bases they see."""
    role = _role(user)
    if role == MENTOR:
        return user.mentor_id == mentor.id
    if role in (ADMIN, REVIEWER):
        return True
    if role in (UNIVERSITY_COORDINATOR, BASE_COORDINATOR):
        return _serves_visible_base(user, mentor)
    return False


def _serves_only_bases_in_scope(user, mentor) -> bool:
    """Whether every base the mentor serves (or served) is one `user` keeps, and there is one."""
    from sqlalchemy import func, not_, select

    from registry.extensions import db
    from registry.mentors.models import Appointment
    from registry.orgs.models import Base

    scope = visible_base_filter(user, Base)
    inside, outside = db.session.execute(
        select(func.count().filter(scope), func.count().filter(not_(scope)))
        .select_from(Appointment).join(Base, Base.id == Appointment.base_id)
        .where(Appointment.mentor_id == mentor.id)).one()
    return inside > 0 and outside == 0


def can_manage_mentor(user, mentor) -> bool:
    """Change everything about a person (name, side, organisation, staff number) and see their contact details
    outside a base: the administrator, and coordinators who keep EVERY base the person serves. Attaching a
    person to one's own base must not hand over a person another base relies on."""
    role = _role(user)
    if role == ADMIN:
        return True
    if role in (UNIVERSITY_COORDINATOR, BASE_COORDINATOR):
        return _serves_only_bases_in_scope(user, mentor)
    return False


def can_edit_profile_of(user, mentor) -> bool:
    """The profile fields (title, degree, expertise, contact, biography): the mentor themself, or whoever
    manages the person."""
    if _role(user) == MENTOR:
        return user.mentor_id == mentor.id
    return can_manage_mentor(user, mentor)


# ---- checks area: rounds, submissions, reviews, life cycle, plans (appended by checks) ----------

def can_manage_rounds(user) -> bool:
    """Open and edit application rounds, assign reviewers: the administrator."""
    return _role(user) == ADMIN


def can_submit_base(user, base) -> bool:
    """Submit a base into a round: the administrator, or the coordinator of the base's university."""
    role = _role(user)
    return role == ADMIN or (role == UNIVERSITY_COORDINATOR and user.university_id == base.university_id)


def can_view_submission(user, submission, reviewer_round_ids=None) -> bool:
    """The administrator; reviewers assigned to its round; the university's coordinator; the base's coordinator."""
    role = _role(user)
    if role == ADMIN:
        return True
    if role == REVIEWER:
        return reviewer_round_ids is not None and submission.round_id in reviewer_round_ids
    if role == UNIVERSITY_COORDINATOR:
        return user.university_id == submission.university_id
    if role == BASE_COORDINATOR:
        return submission.base_id in user.base_ids
    return False


def can_review_submission(user, submission, reviewer_round_ids=None) -> bool:
    """Record an opinion and a score: a reviewer assigned to the submission's round."""
    return (_role(user) == REVIEWER and reviewer_round_ids is not None
            and submission.round_id in reviewer_round_ids)


def can_decide_lifecycle(user) -> bool:
    """Move a base through its life (review, notice, recognition, evaluation): the administrator."""
    return _role(user) == ADMIN


def can_edit_plan(user, base) -> bool:
    """Construction-plan targets, annual plans and summaries: whoever keeps the base's records."""
    return can_edit_base(user, base)


def can_view_dashboard(user) -> bool:
    """Every base's state, ratio and failing rules: the administrator, and reviewers read-only."""
    return _role(user) in (ADMIN, REVIEWER)


def can_view_appointment(user, appointment) -> bool:
    """An appointment (and its letters): a mentor account sees only its own; others as they see the base."""
    if _role(user) == MENTOR:
        return user.mentor_id == appointment.mentor_id
    return can_view_base(user, appointment.base)


def can_read_notification(user, notification) -> bool:
    """A notification is its recipient's alone."""
    return user is not None and notification is not None and notification.user_id == user.id
