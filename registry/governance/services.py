"""Governance records: the cooperation agreement, training plan, exchange arrangement, working
group (and its members) and regulations. Plain functions; each checks its values and raises a
DomainError naming the field. Deleting a record deletes its evidence files too."""
from __future__ import annotations

from sqlalchemy import select

from registry.errors import DomainError, _l
from registry.records import services as records
from registry import values as v
from registry.extensions import db
from registry.mentors.queries import mentor_of_base
from registry.governance.models import (GROUP_ROLES, MEMBER_SIDES, REGULATION_AREAS, CooperationAgreement,
                                        ExchangeArrangement, Regulation, TrainingPlan, WorkingGroup,
                                        WorkingGroupMember)

L = {
    "title": _l("Title"), "document_no": _l("Document number"), "parties": _l("Parties"),
    "signed_on": _l("Signed on"), "valid_until": _l("Valid until"), "notes": _l("Notes"),
    "version": _l("Version"), "adopted_on": _l("Adopted on"), "authors": _l("Written by"),
    "established_on": _l("Established on"), "description": _l("Description"), "name": _l("Name"),
    "remit": _l("Remit"), "side": _l("Side"), "organisation": _l("Organisation"), "position": _l("Post"),
    "group_role": _l("Role in the group"), "mentor_id": _l("Roster mentor"), "from_on": _l("Member from"),
    "until_on": _l("Member until"), "area": _l("Area"), "issued_on": _l("Issued on"), "summary": _l("Summary"),
}


# ---- cooperation agreement ---------------------------------------------------------------

def _agreement_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "title": v.text(data, "title", L["title"], 200, required=True),
        "document_no": v.text(data, "document_no", L["document_no"], 100),
        "parties": v.text(data, "parties", L["parties"], 4000, required=True),
        "signed_on": v.date(data, "signed_on", L["signed_on"]),
        "valid_until": v.date(data, "valid_until", L["valid_until"], required=False),
        "notes": v.text(data, "notes", L["notes"], 4000),
    }


_agreements = records.Kind(CooperationAgreement, _agreement_values, span=("signed_on", "valid_until"),
                           record_type="cooperation_agreement")
create_agreement, update_agreement, delete_agreement = (
    _agreements.create, _agreements.update, _agreements.delete)


# ---- training plan -----------------------------------------------------------------------

def _plan_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "title": v.text(data, "title", L["title"], 200, required=True),
        "version": v.text(data, "version", L["version"], 40, required=True),
        "adopted_on": v.date(data, "adopted_on", L["adopted_on"]),
        "authors": v.text(data, "authors", L["authors"], 4000),
        "notes": v.text(data, "notes", L["notes"], 4000),
    }


_plans = records.Kind(TrainingPlan, _plan_values, record_type="training_plan", unique=(
    "version", _l("Version %(version)s of the training plan is already recorded.")))
create_plan, update_plan, delete_plan = _plans.create, _plans.update, _plans.delete


# ---- two-way exchange arrangement --------------------------------------------------------

def _arrangement_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "title": v.text(data, "title", L["title"], 200, required=True),
        "established_on": v.date(data, "established_on", L["established_on"]),
        "valid_until": v.date(data, "valid_until", L["valid_until"], required=False),
        "description": v.text(data, "description", L["description"], 4000),
    }


_arrangements = records.Kind(ExchangeArrangement, _arrangement_values, span=("established_on", "valid_until"),
                             record_type="exchange_arrangement")
create_arrangement, update_arrangement, delete_arrangement = (
    _arrangements.create, _arrangements.update, _arrangements.delete)


# ---- working group -----------------------------------------------------------------------

def _group_values(base_id: int, data: dict, obj=None) -> dict:
    other = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.base_id == base_id))
    if other is not None and (obj is None or other != obj.id):
        raise DomainError(_l("This base already has a working group; change it, or add members to it."),
                          field="name")
    return {"name": v.text(data, "name", L["name"], 200, required=True),
            "established_on": v.date(data, "established_on", L["established_on"]),
            "remit": v.text(data, "remit", L["remit"], 4000)}


_groups = records.Kind(WorkingGroup, _group_values, record_type="working_group")
create_group, update_group, delete_group = _groups.create, _groups.update, _groups.delete


def _member_values(group: WorkingGroup, data: dict, member=None) -> dict:
    mentor = mentor_of_base(data, "mentor_id", group.base_id)
    if mentor is not None:
        values = {"mentor_id": mentor.id, "name": mentor.name, "organisation": mentor.organisation,
                  "side": mentor.side}
    else:
        values = {"mentor_id": None, "name": v.text(data, "name", L["name"], 100, required=True),
                  "organisation": v.text(data, "organisation", L["organisation"], 200, required=True),
                  "side": v.choice(data, "side", L["side"], MEMBER_SIDES)}
    values.update(position=v.text(data, "position", L["position"], 100),
                  group_role=v.choice(data, "group_role", L["group_role"], GROUP_ROLES),
                  from_on=v.date(data, "from_on", L["from_on"]),
                  until_on=v.date(data, "until_on", L["until_on"], required=False))
    v.end_not_before_start(values["from_on"], values["until_on"], "until_on")
    for other in group.members:
        if other is member:
            continue
        overlaps = (other.until_on is None or other.until_on >= values["from_on"]) and (
            values["until_on"] is None or other.from_on <= values["until_on"])
        if overlaps and other.name == values["name"] and other.organisation == values["organisation"]:
            raise DomainError(_l("%(name)s is already a member of this group over these dates."), field="from_on",
                              name=values["name"])
    return values


_group_members = records.Kind(WorkingGroupMember, _member_values, owner="group")
add_group_member, update_group_member, remove_group_member = (_group_members.create, _group_members.update,
                                                             _group_members.delete)


# ---- regulations -------------------------------------------------------------------------

def _regulation_values(base_id: int, data: dict, obj=None) -> dict:
    return {
        "area": v.choice(data, "area", L["area"], REGULATION_AREAS),
        "title": v.text(data, "title", L["title"], 200, required=True),
        "document_no": v.text(data, "document_no", L["document_no"], 100),
        "issued_on": v.date(data, "issued_on", L["issued_on"]),
        "valid_until": v.date(data, "valid_until", L["valid_until"], required=False),
        "summary": v.text(data, "summary", L["summary"], 4000),
    }


_regulations = records.Kind(Regulation, _regulation_values, span=("issued_on", "valid_until"),
                            record_type="regulation")
create_regulation, update_regulation, delete_regulation = (
    _regulations.create, _regulations.update, _regulations.delete)


# ---- checks without writing (spreadsheet previews) ---------------------------------------

check_agreement, check_plan = _agreements.check, _plans.check
check_arrangement, check_regulation = _arrangements.check, _regulations.check
