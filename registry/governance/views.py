"""Governance pages: agreements, training plans, exchange arrangements, the working group and its
members, regulations; and the base-page panel that says which of them are missing."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, request, url_for

from registry import authz
from registry.errors import _l
from registry.records.pages import (Column, Filter, MemberKind, RecordKind, add_routes, attribute_cell,
                                    register_kind)
from registry.mentors.queries import mentor_choices
from registry.governance import forms, queries, services
from registry.governance.models import (GROUP_ROLES, MEMBER_SIDES, REGULATION_AREAS, CooperationAgreement,
                                        ExchangeArrangement, Regulation, TrainingPlan, WorkingGroup,
                                        WorkingGroupMember)
from registry.governance.services import L
from registry.orgs.panels import register_panel

bp = Blueprint("governance", __name__)


def C(key, name=None):
    name = name or key
    return Column(L[key], attribute_cell(name))


def _in_force_cell(o, e):
    return o.id in e.get("in_force", set())


def _in_force_ids(model):
    def extra(base, items, args):
        today = dt.date.today()
        if model is TrainingPlan:
            current = queries.platform_status_many([base.id], today)[base.id].training_plan
            return {"in_force": {current.id} if current else set()}
        return {"in_force": {o.id for o in items
                             if getattr(o, {CooperationAgreement: "signed_on", ExchangeArrangement: "established_on",
                                            Regulation: "issued_on"}[model]) <= today
                             and (o.valid_until is None or o.valid_until >= today)}}
    return extra


IN_FORCE = Column(_l("In force today"), _in_force_cell, "in-force")

AGREEMENT = RecordKind(
    key="cooperation_agreement", area="governance", slug="governance/agreements", model=CooperationAgreement,
    label=_l("Cooperation agreement"), plural=_l("Cooperation agreements"), form=forms.AgreementForm,
    create=services.create_agreement, update=services.update_agreement, delete=services.delete_agreement,
    columns=[C("title"), C("document_no"), C("signed_on"), C("valid_until"), IN_FORCE],
    details=[C("title"), C("document_no"), C("parties"), C("signed_on"), C("valid_until"), C("notes")],
    order_by=(CooperationAgreement.signed_on.desc(),), list_extra=_in_force_ids(CooperationAgreement),
    title=lambda o: o.title, sheet="cooperation_agreements",
)

PLAN = RecordKind(
    key="training_plan", area="governance", slug="governance/training-plans", model=TrainingPlan,
    label=_l("Training plan"), plural=_l("Training plans"), form=forms.PlanForm,
    create=services.create_plan, update=services.update_plan, delete=services.delete_plan,
    columns=[C("title"), C("version"), C("adopted_on"), IN_FORCE],
    details=[C("title"), C("version"), C("adopted_on"), C("authors"), C("notes")],
    order_by=(TrainingPlan.adopted_on.desc(),), list_extra=_in_force_ids(TrainingPlan),
    title=lambda o: f"{o.title} {o.version}", sheet="training_plans",
)

ARRANGEMENT = RecordKind(
    key="exchange_arrangement", area="governance", slug="governance/arrangements", model=ExchangeArrangement,
    label=_l("Two-way exchange arrangement"), plural=_l("Two-way exchange arrangements"),
    form=forms.ArrangementForm,
    create=services.create_arrangement, update=services.update_arrangement, delete=services.delete_arrangement,
    columns=[C("title"), C("established_on"), C("valid_until"), IN_FORCE],
    details=[C("title"), C("established_on"), C("valid_until"), C("description")],
    order_by=(ExchangeArrangement.established_on.desc(),), list_extra=_in_force_ids(ExchangeArrangement),
    title=lambda o: o.title, sheet="exchange_arrangements",
)


def _member_active(m, e):
    today = dt.date.today()
    return m.from_on <= today and (m.until_on is None or m.until_on >= today)


def _mentors(form, base):
    form.mentor_id.choices = mentor_choices(base.id)


GROUP = RecordKind(
    key="working_group", area="governance", slug="governance/working-group", model=WorkingGroup,
    label=_l("Working group"), plural=_l("Working group"), form=forms.GroupForm,
    create=services.create_group, update=services.update_group, delete=services.delete_group,
    columns=[C("name"), C("established_on")],
    details=[C("name"), C("established_on"), C("remit")],
    order_by=(WorkingGroup.id,), detail_extra=lambda o: {"members": list(o.members)}, title=lambda o: o.name,
    sheet="working_group_members",
    members=MemberKind(
        model=WorkingGroupMember, parent_attr="group", label=_l("Members"), form=forms.GroupMemberForm,
        create=services.add_group_member, update=services.update_group_member, delete=services.remove_group_member,
        columns=[Column(L["name"], lambda m, e: m.name), Column(L["side"], lambda m, e: MEMBER_SIDES[m.side]),
                 Column(L["organisation"], lambda m, e: m.organisation),
                 Column(L["position"], lambda m, e: m.position),
                 Column(L["group_role"], lambda m, e: GROUP_ROLES[m.group_role]),
                 Column(L["from_on"], lambda m, e: m.from_on), Column(L["until_on"], lambda m, e: m.until_on),
                 Column(_l("Active today"), _member_active)],
        prepare_form=_mentors),
)


def _regulation_area_default(form, base):
    if request.method == "GET" and request.args.get("area") in REGULATION_AREAS and not form.area.data:
        form.area.data = request.args["area"]


REGULATION = RecordKind(
    key="regulation", area="governance", slug="governance/regulations", model=Regulation,
    label=_l("Regulation"), plural=_l("Regulations"), form=forms.RegulationForm,
    create=services.create_regulation, update=services.update_regulation, delete=services.delete_regulation,
    columns=[C("title"), Column(L["area"], lambda o, e: REGULATION_AREAS[o.area], "area"), C("document_no"),
             C("issued_on"), C("valid_until"), IN_FORCE],
    details=[C("title"), Column(L["area"], lambda o, e: REGULATION_AREAS[o.area]), C("document_no"),
             C("issued_on"), C("valid_until"), C("summary")],
    order_by=(Regulation.area, Regulation.issued_on.desc()),
    filters=(Filter("area", L["area"], REGULATION_AREAS, Regulation.area),),
    prepare_form=_regulation_area_default, list_extra=_in_force_ids(Regulation), title=lambda o: o.title,
    sheet="regulations",
)

KINDS = (AGREEMENT, PLAN, ARRANGEMENT, GROUP, REGULATION)
for _kind in KINDS:
    add_routes(bp, _kind)


def _panel(base, user, as_of):
    """Each governance item: the record in force on `as_of`, or a link to the form that adds it."""
    status = queries.platform_status_many([base.id], as_of)[base.id]
    group = queries.working_groups_many([base.id], as_of)[base.id]
    areas = queries.regulation_areas_many([base.id], as_of)[base.id]
    can_edit = authz.can_edit_base(user, base)

    def item(key, label, kind, record):
        return {"key": key, "label": label, "record": record,
                "record_url": kind.url("detail", base, record) if record is not None else None,
                "list_url": kind.url("list", base),
                "new_url": kind.url("new", base) if can_edit and record is None else None}

    items = [item("agreement", _l("Cooperation agreement"), AGREEMENT, status.agreement),
             item("training_plan", _l("Training plan"), PLAN, status.training_plan),
             item("exchange_arrangement", _l("Two-way exchange arrangement"), ARRANGEMENT,
                  status.exchange_arrangement),
             item("working_group", _l("Working group"), GROUP, group)]
    regulations = [{"key": area, "label": label, "present": area in areas,
                    "new_url": url_for(REGULATION.endpoint("new"), code=base.code, area=area)
                    if can_edit and area not in areas else None}
                   for area, label in REGULATION_AREAS.items()]
    missing = [i["label"] for i in items if i["record"] is None] + [r["label"] for r in regulations
                                                                    if not r["present"]]
    return {"items": items, "regulations": regulations, "missing": missing,
            "regulations_url": REGULATION.url("list", base), "title_of": lambda k, r: KIND_OF[k].title(r)}


KIND_OF = {"agreement": AGREEMENT, "training_plan": PLAN, "exchange_arrangement": ARRANGEMENT,
           "working_group": GROUP}


def register() -> None:
    """This area's record kinds and base-page panel (called from the area's setup())."""
    register_panel("governance", 30, "governance/_panel.html", _panel)
    for kind in KINDS:
        register_kind(kind)
