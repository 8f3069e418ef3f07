"""The kinds of spreadsheet the web import takes, so other areas can plug theirs in.

    from registry.imports.kinds import ImportKind, register_import

    register_import(ImportKind("secondments", spec=SECONDMENTS, factory=SecondmentImporter,
                               title=_l("Import secondments"),
                               done=_l("Imported %(rows)s rows: %(created)s created, %(updated)s updated.")))

Each kind gets the upload page `/bases/CODE/import/<name>`, its preview and confirm, and the Excel
template `/import/templates/<name>.xlsx` built from its spec; `factory(base, actor=user)` makes the
`Importer`; `done` is the success message, filled with the importer's counts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from registry.imports.engine import Importer, Spec


@dataclass(frozen=True)
class ImportKind:
    name: str  # the URL segment: letters, digits, '-'
    spec: Spec
    factory: Callable[..., Importer]  # (base, *, actor) -> Importer
    title: Any  # lazy msgid: the upload page's title and the link's text
    done: Any  # lazy msgid with %(count)s placeholders named like the importer's counts
    count_labels: dict = field(default_factory=dict)  # count key -> lazy label, for the preview
    sheet_title: str = ""  # the template's first sheet (default: the spec's name)
    note: str = ""  # the template's first row (how to fill it in)
    order: int = 100  # position among the import links


KINDS: dict[str, ImportKind] = {}


def register_import(kind: ImportKind) -> ImportKind:
    KINDS[kind.name] = kind
    return kind


def kinds() -> list[ImportKind]:
    return sorted(KINDS.values(), key=lambda k: (k.order, k.name))
