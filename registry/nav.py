"""The navigation bar: each area adds its entries with the roles that see them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from registry.authz import ADMIN, BASE_COORDINATOR, MENTOR, REVIEWER, UNIVERSITY_COORDINATOR, can_open, has_declared_role
from registry.errors import _l


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: object
    roles: frozenset


NAV: dict[str, NavItem] = {}

ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    REVIEWER: _l("Reviewer"),
    UNIVERSITY_COORDINATOR: _l("University coordinator"),
    BASE_COORDINATOR: _l("Base coordinator"),
    MENTOR: _l("Mentor"),
}


def register_nav(order: int, endpoint: str, label, roles) -> None:
    NAV[endpoint] = NavItem(order, endpoint, label, frozenset(roles))


def nav_items(user):
    """The entries `user` sees: those whose roles include theirs and whose page lets them in."""
    items = sorted((i for i in NAV.values() if user is not None and has_declared_role(user, i.roles)
                    and can_open(user, i.endpoint)), key=lambda i: i.order)
    return [{"endpoint": i.endpoint, "url": url_for(i.endpoint), "label": i.label} for i in items]


def role_label(role: str):
    return ROLE_LABELS.get(role, role)
