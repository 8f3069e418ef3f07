"""Hooks: a step a lower area needs and only a higher area can take, filled at set-up.

Imports run one way, from the higher areas down (README, "Code map"). Where a lower area must
call into a higher one — the life cycle (checks) hands a recognised base's frozen plan to the
application area; a permission (authz) asks the mentors area whom a mentor serves — the lower
area declares the step as a `Hook` and calls it, and the higher area's `setup()` fills it when
`create_app` runs. Filling again with the same function changes nothing.
"""
from __future__ import annotations

from typing import Callable


class Hook:
    def __init__(self, name: str, doc: str = ""):
        self.name = name
        self.__doc__ = doc
        self.function: Callable | None = None

    def fill(self, function: Callable) -> None:
        self.function = function

    def __call__(self, *args, **kwargs):
        if self.function is None:
            raise RuntimeError(f"the hook {self.name} is empty: create_app() fills it from the areas' setup()")
        return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        target = f"{self.function.__module__}.{self.function.__qualname__}" if self.function else "empty"
        return f"<Hook {self.name}: {target}>"
