"""Accounts and API tokens."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry import authz
from registry.auth.models import ApiToken, User, hash_token
from registry.authz import ROLES, scope_of
from registry.errors import Checks, DomainError, NotFound, _l
from registry.extensions import db
from registry.mentors.queries import find_mentor
from registry.models_common import utcnow
from registry.orgs.models import Base, University
from registry.orgs.services import find_base, find_university

MIN_PASSWORD = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9._@-]+$")


def _hash(password: str) -> str:
    from flask import current_app

    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"
    return generate_password_hash(password, method=method)


def _dummy_hash() -> str:
    """A hash to check against when the user does not exist: the same work, so no user enumeration."""
    from flask import current_app

    cache = current_app.extensions.setdefault("registry_dummy_hash", {})
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in cache:
        cache[method] = generate_password_hash("not-a-real-password", method=method)
    return cache[method]


MAX_PASSWORD = 256


def _check_password(password: str, field: str = "password") -> str:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(_l("The password must have at least %(n)s characters."), field=field, n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise DomainError(_l("The password may have at most %(n)s characters."), field=field, n=MAX_PASSWORD)
    return password


def _check_scope(role: str, bases, university, mentor) -> None:
    """Each role's scope, and nothing else: a base coordinator names bases, a university coordinator
    a university, a mentor account one mentor record; other roles take none."""
    if role not in ROLES:
        raise DomainError(_l("Unknown role: %(role)s"), field="role", role=role)
    needs = scope_of(role)
    if needs == "bases" and not bases:
        raise DomainError(_l("A base coordinator needs at least one base."), field="base_ids")
    if needs == "university" and university is None:
        raise DomainError(_l("A university coordinator needs a university."), field="university_id")
    if needs == "mentor" and mentor is None:
        raise DomainError(_l("A mentor account needs a mentor record."), field="mentor")
    if bases and needs != "bases":
        raise DomainError(_l("Only base coordinators are scoped to bases."), field="base_ids")
    if university is not None and needs != "university":
        raise DomainError(_l("Only university coordinators are scoped to a university."), field="university_id")
    if mentor is not None and needs != "mentor":
        raise DomainError(_l("Only mentor accounts are linked to a mentor record."), field="mentor")


def _display_name(value: str, username: str) -> str:
    value = (value or "").strip()
    if len(value) > 120:
        raise DomainError(_l("The display name may have at most %(n)s characters."), field="display_name", n=120)
    return value or username


EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")


def clean_email(value) -> str | None:
    """An e-mail address as given (trimmed), None when blank; refused when it is not an address."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise DomainError(_l("%(email)s is not an e-mail address."), field="email", email=value)
    return value


def set_email(user: User, email, *, actor) -> User:
    """A user changes their own address (or an administrator anyone's); blank removes it."""
    if not authz.can_change_email_of(actor, user):
        raise DomainError(_l("You may not change this account's e-mail address."), field="email")
    user.email = clean_email(email)
    db.session.flush()
    return user


def _new_username(username) -> str:
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise DomainError(_l("A username of 1 to 64 characters is required."), field="username")
    if not USERNAME_RE.match(username):
        raise DomainError(_l("A username may use letters, digits and . _ - @ only."), field="username")
    if db.session.scalar(select(func.count()).select_from(User).where(func.lower(User.username) == username.lower())):
        raise DomainError(_l("The username %(username)s is taken."), field="username", username=username)
    return username


def create_user(username: str, role: str, password: str, *, display_name: str = "",
                bases=(), university=None, mentor=None, email=None, actor) -> User:
    check = Checks()  # every broken field of the new account at once
    username = check(_new_username, username)
    check(_check_scope, role, bases, university, mentor)
    check(_check_password, password)
    name = check(_display_name, display_name, username or "")
    email = check(clean_email, email)
    check.done()
    user = User(
        username=username,
        display_name=name,
        password_hash=_hash(password),
        role=role,
        university_id=university.id if university is not None else None,
        mentor_id=mentor.id if mentor is not None else None,
        email=email,
    )
    user.bases = list(bases)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, actor: User, display_name: str, role: str, bases=(), university=None,
                mentor=None) -> User:
    """Change an account's name, role and scope. Nobody changes their own role (no lock-out)."""
    check = Checks()
    if actor is not None and user.id == actor.id and role != user.role:
        check.add(DomainError(_l("You cannot change your own role."), field="role"))
    else:
        check(_check_scope, role, bases, university, mentor)
    name = check(_display_name, display_name, user.username)
    check.done()
    user.display_name = name
    user.role = role
    user.university_id = university.id if university is not None else None
    user.mentor_id = mentor.id if mentor is not None else None
    user.bases = list(bases)
    db.session.flush()
    return user


def set_active(user: User, active: bool, *, actor: User) -> User:
    """Deactivate (the account can no longer log in and its API tokens stop working) or reactivate."""
    if actor is not None and user.id == actor.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    if user.active and not active:
        end_sessions(user, actor=actor)
    user.active = bool(active)
    db.session.flush()
    return user


def end_sessions(user: User, *, actor) -> None:
    """End every login session of the user, in every process: the sessions' generation no longer
    matches (checked when each request loads its user)."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


def reset_password(user: User, new: str, *, actor) -> None:
    """An administrator sets a new password (the user should change it after logging in); every
    session of the user ends."""
    user.password_hash = _hash(_check_password(new, "new_password"))
    end_sessions(user, actor=actor)


# ---- looking up the scope of an account --------------------------------------------------

def bases_by_codes(codes) -> list:
    rows = []
    for code in codes:
        base = find_base(code)
        if base is None:
            raise DomainError(_l("No base with code %(code)s."), field="base_ids", code=code)
        if base not in rows:
            rows.append(base)
    return rows


def bases_by_ids(ids) -> list:
    ids = list(dict.fromkeys(ids or []))
    rows = list(db.session.scalars(select(Base).where(Base.id.in_(ids)).order_by(Base.code))) if ids else []
    if len(rows) != len(ids):
        raise DomainError(_l("One of the chosen bases does not exist."), field="base_ids")
    return rows


def university_by_name(name: str):
    uni = find_university(name)
    if uni is None:
        raise DomainError(_l("No university named %(name)s."), field="university_id", name=name)
    return uni


def university_by_id(university_id):
    uni = db.session.get(University, university_id) if university_id else None
    if uni is None:
        raise DomainError(_l("No university with id %(id)s."), field="university_id", id=university_id)
    return uni


def mentor_by_key(key: str):
    """`ORGANISATION:STAFF_NO` (the command line's --mentor) to the mentor record."""
    organisation, sep, staff_no = (key or "").rpartition(":")
    organisation, staff_no = organisation.strip(), staff_no.strip()
    if not sep or not organisation or not staff_no:
        raise DomainError(_l("The mentor must be given as ORGANISATION:STAFF_NO."), field="mentor")
    mentor = find_mentor(organisation, staff_no)
    if mentor is None:
        raise DomainError(_l("No mentor with staff number %(staff_no)s at %(organisation)s."), field="mentor",
                          staff_no=staff_no, organisation=organisation)
    return mentor


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, or None. A deactivated account with the right password
    raises a DomainError saying so (only someone who knows the password learns it)."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        raise DomainError(_l("This account has been deactivated. Ask an administrator."), field="username")
    return user


def change_password(user: User, old: str, new: str, *, actor) -> None:
    """A user changes their own password (`actor` is the user themselves)."""
    check = Checks()
    if not check_password_hash(user.password_hash, old or ""):
        check.add(DomainError(_l("The current password is wrong."), field="old_password"))
    check(_check_password, new, "new_password")
    check.done()
    user.password_hash = _hash(new)
    end_sessions(user, actor=actor)  # the session that changed it logs in again (the view does)


MAX_TOKEN_DAYS = 10 * 366


def create_token(user: User, name: str = "", expires_on: dt.date | None = None, *, actor) -> tuple[ApiToken, str]:
    """Return the token row and the clear token, which is shown once and never stored.
    `expires_on`: the last day the token works (None: until revoked)."""
    check = Checks()
    name = (name or "").strip()
    if len(name) > 80:
        check.add(DomainError(_l("The token name may have at most 80 characters."), field="name"))
    if expires_on is not None:
        today = dt.date.today()
        if expires_on < today:
            check.add(DomainError(_l("The expiry date cannot be in the past."), field="expires_on"))
        elif (expires_on - today).days > MAX_TOKEN_DAYS:
            check.add(DomainError(_l("A token may last at most ten years."), field="expires_on"))
    check.done()
    if not user.active:
        raise DomainError(_l("The account %(username)s is deactivated."), username=user.username)
    clear = "rgt_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(clear), prefix=clear[:10],
                     expires_on=expires_on)
    db.session.add(token)
    db.session.flush()
    return token, clear


def revoke_token(user: User, token_id: int, *, actor) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:  # another's token looks the same as none
        raise NotFound(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
    return token


def tokens_of(user: User):
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise NotFound(_l("No user named %(username)s."), username=username)
    return user
