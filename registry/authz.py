"""The role model and every permission predicate, in one place.

Two layers, both server side:
- each endpoint declares the roles that may reach it (`@allow(...)`); one `before_request` gate
  enforces that for every request, and the access-matrix test proves every endpoint declares it;
- object scope (which base, which university, which mentor record) is decided by the `can_*`
  predicates below, which views call right after loading the object.
"""
from __future__ import annotations


from flask import g
from sqlalchemy import false, select

from registry.hooks import Hook

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

# Facts about the data a few predicates need, answered by the areas that own the tables: their
# setup() fills these (orgs: enterprises; mentors: appointments), so this module imports no area.
enterprises_of_other_universities = Hook(
    "authz.enterprises_of_other_universities",
    "(university_id, enterprise ids) -> the ids among them that partner a base of another university")
serves_visible_base = Hook(
    "authz.serves_visible_base", "Whether the mentor holds (or held) an appointment at a base `user` may see.")
serves_only_bases_in_scope = Hook(
    "authz.serves_only_bases_in_scope",
    "Whether every base the mentor serves (or served) is one `user` keeps, and there is one.")


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


def has_declared_role(user, roles) -> bool:
    """Whether `user` holds one of `roles` (what an endpoint declared with `@allow`); the gate's test."""
    if PUBLIC in roles:
        return True
    return _role(user) in roles


def can_open(user, endpoint: str) -> bool:
    """Whether the gate lets `user` reach `endpoint` (its declared roles). Pages show a link or button
    only when this holds, and, where the route also checks an object, the object's `can_*` predicate."""
    from flask import current_app

    view = current_app.view_functions.get(endpoint)
    roles = allowed_roles(view) if view is not None else None
    return roles is not None and has_declared_role(user, roles)


# ---- object predicates -------------------------------------------------------------------

def _role(user) -> str | None:
    return getattr(user, "role", None) if user is not None else None


def can_manage_system(user) -> bool:
    return _role(user) == ADMIN


def university_scope(user) -> int | None:
    """The one university a university coordinator acts for; None for every other role (they are
    limited by other predicates, or not at all)."""
    return user.university_id if _role(user) == UNIVERSITY_COORDINATOR else None


def _scope_by_role(user, conditions: dict):
    """The SQL condition of what `user` may see: None (all) for the administrator and reviewers,
    the role's own from `conditions` (role -> a function making it), else nothing."""
    role = _role(user)
    if role in (ADMIN, REVIEWER):
        return None
    make = conditions.get(role)
    return make() if make is not None else false()


def _among(column, ids):
    return column.in_(ids) if ids else false()


def visible_university_filter(user, university_model):
    """A SQL condition selecting the universities `user` may see; None means all."""
    return _scope_by_role(user, {UNIVERSITY_COORDINATOR: lambda: university_model.id == user.university_id})


def can_view_rosters(user) -> bool:
    """Staff read rosters and their names, exports and evaluations of the bases they see; a mentor
    account sees only its own record."""
    return _role(user) in STAFF


def limits_enterprise_edits(user) -> bool:
    """Whether `user` may change only the enterprises that partner no other university's base (see
    `can_edit_enterprise`); list pages use it to ask for those enterprises in bulk."""
    return _role(user) == UNIVERSITY_COORDINATOR


def manages_mentors_by_scope(user) -> bool:
    """Coordinators manage the people of the bases they keep (see `can_manage_mentor`)."""
    return _role(user) in (UNIVERSITY_COORDINATOR, BASE_COORDINATOR)


# ---- accounts: the scope each role needs --------------------------------------------------

ROLE_SCOPES = {BASE_COORDINATOR: "bases", UNIVERSITY_COORDINATOR: "university", MENTOR: "mentor"}


def scope_of(role: str) -> str | None:
    """Which scope an account of `role` names: "bases", "university", "mentor", or None (no scope)."""
    return ROLE_SCOPES.get(role)


def is_own_mentor_record(user, mentor) -> bool:
    """Whether `mentor` is the record of the mentor account `user`."""
    return _role(user) == MENTOR and user.mentor_id == mentor.id


def _sees_university(user, university_id) -> bool:
    """Admins and reviewers see every university and its bases, a university coordinator their own."""
    role = _role(user)
    return role in (ADMIN, REVIEWER) or (role == UNIVERSITY_COORDINATOR and user.university_id == university_id)


def can_view_university(user, university) -> bool:
    return _sees_university(user, university.id)


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
    return not enterprises_of_other_universities(user.university_id, [enterprise.id])


def can_view_base(user, base) -> bool:
    role = _role(user)
    if role in (ADMIN, REVIEWER, UNIVERSITY_COORDINATOR):
        return _sees_university(user, base.university_id)
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
    return _scope_by_role(user, {UNIVERSITY_COORDINATOR: lambda: base_model.university_id == user.university_id,
                                 BASE_COORDINATOR: lambda: _among(base_model.id, user.base_ids),
                                 MENTOR: lambda: _among(base_model.id, user.mentor_base_ids)})


# ---- mentors area: a mentor's own record -------------------------------------------------

def can_view_mentor(user, mentor) -> bool:
    """A mentor account sees only its own record; staff see mentors of the bases they see."""
    role = _role(user)
    if role == MENTOR:
        return user.mentor_id == mentor.id
    if role in (ADMIN, REVIEWER):
        return True
    if role in (UNIVERSITY_COORDINATOR, BASE_COORDINATOR):
        return serves_visible_base(user, mentor)
    return False


def can_manage_mentor(user, mentor) -> bool:
    """Change everything about a person (name, side, organisation, staff number) and see their contact details
    outside a base: the administrator, and coordinators who keep EVERY base the person serves. Attaching a
    person to one's own base must not hand over a person another base relies on."""
    role = _role(user)
    if role == ADMIN:
        return True
    if role in (UNIVERSITY_COORDINATOR, BASE_COORDINATOR):
        return serves_only_bases_in_scope(user, mentor)
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


def sees_assigned_rounds_only(user) -> bool:
    """Reviewers see (and review in) only the rounds they are assigned to: callers pass those
    rounds' ids to the round and submission predicates."""
    return _role(user) == REVIEWER


def can_view_round(user, application_round, reviewer_round_ids=None) -> bool:
    if _role(user) == REVIEWER:
        return reviewer_round_ids is not None and application_round.id in reviewer_round_ids
    return _role(user) in (ADMIN, UNIVERSITY_COORDINATOR)


def can_be_assigned_to_review(user) -> bool:
    """Only an active reviewer account is assigned to a round."""
    return user is not None and _role(user) == REVIEWER and bool(user.active)


def assignable_reviewer_filter(user_model):
    """A SQL condition selecting the accounts `can_be_assigned_to_review` accepts."""
    return (user_model.role == REVIEWER) & user_model.active.is_(True)


def can_submit_bases(user) -> bool:
    """Whether `user` submits bases into rounds at all (see `can_submit_base` for one base)."""
    return _role(user) in (ADMIN, UNIVERSITY_COORDINATOR)


def can_read_all_reviews(user) -> bool:
    """Reviewers judge independently: each sees their own review; the administrator sees all."""
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


def can_view_evaluation(user, base) -> bool:
    """A base's life cycle and evaluation pages: staff who see the base."""
    return can_view_rosters(user) and can_view_base(user, base)


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


def can_change_email_of(user, account) -> bool:
    """Set an account's e-mail address: its owner, or an administrator."""
    return user is not None and (user.id == account.id or _role(user) == ADMIN)


def can_manage_key_fields(user) -> bool:
    """Add and rename key fields (the managed list): the administrator (None: a command-line run)."""
    return user is None or _role(user) == ADMIN


def notified_as(user) -> tuple[str | None, int | None]:
    """For notifications: (the part the account plays, the record it stands for) — ("university",
    its university), ("mentor", its mentor record), ("bases", None) for a base coordinator, else
    (None, None). Who hears of what follows from this, so it lives with the other role rules."""
    role = _role(user)
    if role == UNIVERSITY_COORDINATOR and getattr(user, "university_id", None) is not None:
        return "university", user.university_id
    if role == MENTOR and getattr(user, "mentor_id", None) is not None:
        return "mentor", user.mentor_id
    if role == BASE_COORDINATOR:
        return "bases", None
    return None, None


# ---- quality assurance (registry/quality) -------------------------------------------------

def can_record_quality(user, base, kind: str) -> bool:
    """Record a quality event: the ministry's own visits by administrators, a base's self-assessments
    and third-party assessments by whoever may edit the base."""
    from_ministry = kind in ("site_visit", "supervision_visit")
    return _role(user) == ADMIN if from_ministry else can_edit_base(user, base)


def can_declare_affiliations(user, reviewer) -> bool:
    """A reviewer declares their own affiliations; an administrator may declare them for any reviewer."""
    if reviewer is None or getattr(reviewer, "role", None) != REVIEWER:
        return False
    return _role(user) == ADMIN or (_role(user) == REVIEWER and user.id == reviewer.id)


def can_assign_experts(user) -> bool:
    return _role(user) == ADMIN


# ---- where each role lands ------------------------------------------------------------------

def landing_of(user) -> str:
    """Where `user`'s work is, for `/` and after login: "mentor" (their own record), "base" (the one
    base a coordinator keeps, when exactly one), "reviews" (what waits for a reviewer), "dashboard"
    (the ministry), or "bases" (the list)."""
    role = _role(user)
    if role == MENTOR and getattr(user, "mentor_id", None):
        return "mentor"
    if role == REVIEWER:
        return "reviews"
    if role == ADMIN:
        return "dashboard"
    if role in (BASE_COORDINATOR, UNIVERSITY_COORDINATOR):
        return "base"
    return "bases"


def visible_mentor_filter(user, mentor_model, appointment_model, base_model):
    """A SQL condition selecting the mentors `user` may find (search): everyone for the ministry and
    reviewers, the people of the bases a coordinator sees, a mentor's own record; None means all."""
    role = _role(user)
    if role in (ADMIN, REVIEWER):
        return None
    if role == MENTOR:
        return mentor_model.id == user.mentor_id if user.mentor_id else false()
    if role in (UNIVERSITY_COORDINATOR, BASE_COORDINATOR):
        scope = visible_base_filter(user, base_model)
        served = (select(appointment_model.mentor_id).join(base_model, base_model.id == appointment_model.base_id)
                  .where(scope))
        return mentor_model.id.in_(served)
    return false()


def can_search_organisations(user) -> bool:
    """Universities and enterprises appear in search for staff (the lists they can open)."""
    return _role(user) in STAFF
