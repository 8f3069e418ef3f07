"""The base page is a hub: each area adds a panel (a template and the context it needs).

Areas call `register_panel` when their views module is imported; the base page renders the
panels in order. This keeps each area's figures in its own package and templates folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Panel:
    order: int
    template: str  # e.g. "mentors/_base_panel.html"
    context: Callable  # (base, user, as_of: date) -> dict


PANELS: dict[str, Panel] = {}


def register_panel(name: str, order: int, template: str, context: Callable) -> None:
    PANELS[name] = Panel(order, template, context)


def panels_for(base, user, as_of):
    return [(p.template, p.context(base, user, as_of)) for p in sorted(PANELS.values(), key=lambda p: p.order)]


# The summary band at the top of the base page: each area adds the figures it answers for
# (the mentors area the enterprise share, the checks area the verdict and the life cycle).
SUMMARIES: dict[str, Callable] = {}


def register_summary(name: str, context: Callable) -> None:
    SUMMARIES[name] = context


def summary_for(base, user, as_of) -> dict:
    return {name: context(base, user, as_of) for name, context in SUMMARIES.items()}
