"""The record types evidence files may hang on, each with its model and its page.

Filled by the areas' set-up (registry/<area>/__init__.py), never by importing a module: the
record framework registers every record kind it serves, the mentors' appointments and the
checks' summary reports register themselves. Keyed by the type's name, so registering twice
changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Attachable:
    """A record type evidence may hang on: its model and where its page is."""

    key: str
    model: type
    label: Any
    url: Callable  # (obj, base) -> the record's page


ATTACHABLE: dict[str, Attachable] = {}


def register_attachable(key: str, model, label, url: Callable) -> None:
    ATTACHABLE[key] = Attachable(key, model, label, url)
