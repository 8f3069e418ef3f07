from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from registry.errors import _l
from registry.forms_support import RegistryForm, choices, date_field, roster_person_fields, text_field
from registry.governance.models import GROUP_ROLES, MEMBER_SIDES, REGULATION_AREAS
from registry.governance.services import L


def _text(key, max_len, required=False, area=False, **kw):
    return text_field(L[key], max_len, required, area, **kw)


def _date(key, required=True, **kw):
    return date_field(L[key], required, **kw)


class AgreementForm(RegistryForm):
    title = _text("title", 200, required=True)
    document_no = _text("document_no", 100)
    parties = _text("parties", 4000, required=True, area=True, description=_l("One signing party per line."))
    signed_on = _date("signed_on")
    valid_until = _date("valid_until", required=False, description=_l("The last day of its term; empty if open-ended."))
    notes = _text("notes", 4000, area=True)
    submit = SubmitField(_l("Save"))


class PlanForm(RegistryForm):
    title = _text("title", 200, required=True)
    version = _text("version", 40, required=True)
    adopted_on = _date("adopted_on", description=_l("A later version supersedes this one from its own date."))
    authors = _text("authors", 4000, area=True, description=_l("Who wrote it, from the university and the enterprises."))
    notes = _text("notes", 4000, area=True)
    submit = SubmitField(_l("Save"))


class ArrangementForm(RegistryForm):
    title = _text("title", 200, required=True)
    established_on = _date("established_on")
    valid_until = _date("valid_until", required=False)
    description = _text("description", 4000, area=True)
    submit = SubmitField(_l("Save"))


class GroupForm(RegistryForm):
    name = _text("name", 200, required=True)
    established_on = _date("established_on")
    remit = _text("remit", 4000, area=True)
    submit = SubmitField(_l("Save"))


class GroupMemberForm(RegistryForm):
    mentor_id, name, side, organisation = roster_person_fields(L, MEMBER_SIDES)
    position = _text("position", 100)
    group_role = SelectField(L["group_role"], choices=choices(GROUP_ROLES), default="member",
                             validators=[InputRequired()])
    from_on = _date("from_on")
    until_on = _date("until_on", required=False)
    submit = SubmitField(_l("Save"))


class RegulationForm(RegistryForm):
    area = SelectField(L["area"], choices=choices(REGULATION_AREAS), validators=[InputRequired()])
    title = _text("title", 200, required=True)
    document_no = _text("document_no", 100)
    issued_on = _date("issued_on")
    valid_until = _date("valid_until", required=False, description=_l("The last day in force; empty while in force."))
    summary = _text("summary", 4000, area=True)
    submit = SubmitField(_l("Save"))
