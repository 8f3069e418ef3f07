"""Governance records: the cooperation agreement, training plan, exchange arrangement, working
group (and its members) and regulations. Each kind declares its fields once (`records.Kind`);
its services check every value and report each broken rule beside its field, all at once.
Deleting a record deletes its evidence files too."""
from __future__ import annotations

from sqlalchemy import select

from registry.errors import DomainError, _l
from registry.extensions import db
from registry.records import services as records
from registry.values import Choice, Date, Text
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


# ---- cooperation agreement, training plan, exchange arrangement --------------------------

agreements = records.Kind(CooperationAgreement, L, (
    Text("title", 200, required=True), Text("document_no", 100), Text("parties", 4000, required=True),
    Date("signed_on"), Date("valid_until", required=False), Text("notes", 4000),
), span=("signed_on", "valid_until"), record_type="cooperation_agreement")
create_agreement, update_agreement, delete_agreement = (
    agreements.create, agreements.update, agreements.delete)

plans = records.Kind(TrainingPlan, L, (
    Text("title", 200, required=True), Text("version", 40, required=True), Date("adopted_on"),
    Text("authors", 4000), Text("notes", 4000),
), record_type="training_plan", unique=("version", _l("Version %(version)s of the training plan is already recorded.")))
create_plan, update_plan, delete_plan = plans.create, plans.update, plans.delete

arrangements = records.Kind(ExchangeArrangement, L, (
    Text("title", 200, required=True), Date("established_on"), Date("valid_until", required=False),
    Text("description", 4000),
), span=("established_on", "valid_until"), record_type="exchange_arrangement")
create_arrangement, update_arrangement, delete_arrangement = (
    arrangements.create, arrangements.update, arrangements.delete)


# ---- working group and its members -------------------------------------------------------

def _one_group_per_base(check, base_id: int, data: dict, values: dict, obj) -> None:
    other = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.base_id == base_id))
    if other is not None and (obj is None or other != obj.id):
        check.add(DomainError(_l("This base already has a working group; change it, or add members to it."),
                              field="name"))


groups = records.Kind(WorkingGroup, L, (Text("name", 200, required=True), Date("established_on"), Text("remit", 4000)),
                      rule=_one_group_per_base, record_type="working_group")
create_group, update_group, delete_group = groups.create, groups.update, groups.delete


def _no_overlapping_member(check, group: WorkingGroup, data: dict, values: dict, member) -> None:
    if not check.ok:
        return
    for other in group.members:
        if other is member:
            continue
        overlaps = (other.until_on is None or other.until_on >= values["from_on"]) and (
            values["until_on"] is None or other.from_on <= values["until_on"])
        if overlaps and other.name == values["name"] and other.organisation == values["organisation"]:
            check.add(DomainError(_l("%(name)s is already a member of this group over these dates."),
                                  field="from_on", name=values["name"]))
            return


group_members = records.Kind(WorkingGroupMember, L, (
    Text("position", 100), Choice("group_role", GROUP_ROLES), Date("from_on"), Date("until_on", required=False),
), person=MEMBER_SIDES, span=("from_on", "until_on"), rule=_no_overlapping_member, owner="group")
add_group_member, update_group_member, remove_group_member = (group_members.create, group_members.update,
                                                             group_members.delete)


# ---- regulations -------------------------------------------------------------------------

regulations = records.Kind(Regulation, L, (
    Choice("area", REGULATION_AREAS), Text("title", 200, required=True), Text("document_no", 100),
    Date("issued_on"), Date("valid_until", required=False), Text("summary", 4000),
), span=("issued_on", "valid_until"), record_type="regulation")
create_regulation, update_regulation, delete_regulation = (
    regulations.create, regulations.update, regulations.delete)
