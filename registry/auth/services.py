"""Accounts and API tokens."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.auth.models import ApiToken, User, hash_token
from registry.authz import BASE_COORDINATOR, MENTOR, ROLES, UNIVERSITY_COORDINATOR
from registry.errors import DomainError, NotFound, _l
from registry.extensions import db
from registry.models_common import utcnow

MIN_PASSWORD = 8
# A fixed hash to compare against when the user does not exist: same work, no user enumeration.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def create_user(username: str, role: str, password: str, *, display_name: str = "",
                bases=(), university=None, mentor=None) -> User:
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise DomainError(_l("A username of 1 to 64 characters is required."), field="username")
    if role not in ROLES:
        raise DomainError(_l("Unknown role: %(role)s"), field="role", role=role)
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(_l("The password must have at least %(n)s characters."), field="password", n=MIN_PASSWORD)
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise DomainError(_l("The username %(username)s is taken."), field="username", username=username)
    if role == BASE_COORDINATOR and not bases:
        raise DomainError(_l("A base coordinator needs at least one base."), field="bases")
    if role == UNIVERSITY_COORDINATOR and university is None:
        raise DomainError(_l("A university coordinator needs a university."), field="university")
    if role == MENTOR and mentor is None:
        raise DomainError(_l("A mentor account needs a mentor record."), field="mentor")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
        university_id=university.id if university is not None and role == UNIVERSITY_COORDINATOR else None,
        mentor_id=mentor.id if mentor is not None and role == MENTOR else None,
    )
    if role == BASE_COORDINATOR:
        user.bases = list(bases)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.active or not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def change_password(user: User, old: str, new: str) -> None:
    if not check_password_hash(user.password_hash, old or ""):
        raise DomainError(_l("The current password is wrong."), field="old_password")
    if len(new or "") < MIN_PASSWORD:
        raise DomainError(_l("The password must have at least %(n)s characters."), field="new_password", n=MIN_PASSWORD)
    user.password_hash = generate_password_hash(new, method="scrypt")
    db.session.flush()


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Return the token row and the clear token, which is shown once and never stored."""
    name = (name or "").strip()
    if len(name) > 80:
        raise DomainError(_l("The token name may have at most 80 characters."), field="name")
    clear = "rgt_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(clear), prefix=clear[:10])
    db.session.add(token)
    db.session.flush()
    return token, clear


def revoke_token(user: User, token_id: int) -> ApiToken:
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
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_l("No user named %(username)s."), username=username)
    return user
