"""Two-way exchange pages: the per-base list (filters by year, direction, kind; counts per year
per direction), the record with its evidence, and the base-page panel."""
from __future__ import annotations

from flask import Blueprint, url_for
from sqlalchemy.orm import selectinload

from registry import authz
from registry.errors import _l
from registry.records.pages import Column, Filter, RecordKind, add_routes, attribute_columns, register_kind
from registry.mentors.queries import mentor_choices
from registry.exchanges import queries, services
from registry.exchanges.forms import ExchangeForm
from registry.exchanges.models import DIRECTIONS, EXCHANGE_KINDS, Exchange
from registry.exchanges.services import LABELS
from registry.orgs.panels import register_panel

bp = Blueprint("exchanges", __name__)


def _prepare(form, base):
    form.mentor_id.choices = mentor_choices(base.id)


def _list_extra(base, items, args):
    return {"counts": queries.counts_by_year(base.id, year=args.get("year"), direction=args.get("direction"),
                                             kind=args.get("kind")),
            "cells": [(k, d) for k in EXCHANGE_KINDS for d in DIRECTIONS],
            "kinds": EXCHANGE_KINDS, "directions": DIRECTIONS}


def _person(obj, extra=None):
    return f"{obj.person_name}（{obj.person_organisation}）"


COLUMNS = [
    Column(LABELS["person_name"], _person, "person"),
    Column(LABELS["kind"], lambda o, e: EXCHANGE_KINDS[o.kind], "kind"),
    Column(LABELS["direction"], lambda o, e: DIRECTIONS[o.direction], "direction"),
    *attribute_columns(LABELS, "host_organisation", "starts_on", "ends_on"),
    Column(_l("Roster mentor"), lambda o, e: o.mentor.name if o.mentor else None),
]
DETAILS = COLUMNS[:3] + attribute_columns(LABELS, "person_title", "host_organisation", "starts_on", "ends_on",
                                          "participants", "purpose", "projects_joined", "outcomes") + [COLUMNS[-1]]

EXCHANGE = RecordKind(
    key="exchange", area="exchanges", slug="exchanges", model=Exchange,
    label=_l("Exchange"), plural=_l("Two-way exchange"), form=ExchangeForm,
    create=services.create_exchange, update=services.update_exchange, delete=services.delete_exchange,
    columns=COLUMNS, details=DETAILS,
    order_by=(Exchange.starts_on.desc(), Exchange.id.desc()), options=(selectinload(Exchange.mentor),),
    year=queries.start_year(),
    filters=(Filter("direction", LABELS["direction"], DIRECTIONS, Exchange.direction),
             Filter("kind", LABELS["kind"], EXCHANGE_KINDS, Exchange.kind)),
    prepare_form=_prepare, list_extra=_list_extra, list_template="exchanges/list.html", sheet="exchanges",
    title=lambda o: f"{o.person_name} → {o.host_organisation}",
)
add_routes(bp, EXCHANGE)


def recent_years(base, as_of, span: int = 4) -> list[int]:
    """The years a base-page panel shows: the last `span` years up to `as_of`, not before cooperation."""
    first = max(base.cooperation_since.year, as_of.year - span + 1)
    return list(range(first, as_of.year + 1))


def _panel(base, user, as_of):
    years = recent_years(base, as_of)  # none when the day is before the cooperation began
    counts = queries.yearly_counts([base.id], years[0], years[-1]) if years else {}
    rows = [{"label": label, "key": ind, "counts": [counts[(base.id, ind, y)] for y in years]}
            for ind, label in queries.INDICATOR_LABELS.items()]
    return {"years": years, "rows": rows, "list_url": url_for("exchanges.exchange_list", code=base.code),
            "new_url": url_for("exchanges.exchange_new", code=base.code) if authz.can_edit_base(user, base) else None}


def register() -> None:
    """This area's record kind and base-page panel (called from the area's setup())."""
    register_panel("exchanges", 40, "exchanges/_panel.html", _panel)
    register_kind(EXCHANGE)
