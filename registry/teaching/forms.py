from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.errors import _l
from registry.forms_support import RegistryForm, choices, roster_person_fields, strip, text_field
from registry.teaching.models import (COURSE_LEVELS, LAB_KINDS, PARTICIPANT_KINDS, PROJECT_CATEGORIES, SIDES,
                                      TRANSFER_KINDS)
from registry.teaching.services import L

YEARS = NumberRange(1950, 2100)


def _text(key, max_len, required=False, area=False):
    return text_field(L[key], max_len, required, area)


def _link(key):
    return SelectField(L[key], coerce=int, default=0, validators=[Optional()])


class CourseForm(RegistryForm):
    code = _text("code", 40, required=True)
    title = _text("title", 200, required=True)
    lead_teachers = StringField(L["lead_teachers"], filters=[strip], validators=[DataRequired(), Length(max=500)],
                                description=_l("Enterprise teachers who lead the course, separated by 、"))
    hours = IntegerField(L["hours"], validators=[InputRequired(), NumberRange(1, 2000)])
    credits = DecimalField(L["credits"], places=1, validators=[InputRequired(), NumberRange(0, 100)])
    terms_offered = StringField(L["terms_offered"], filters=[strip], validators=[Length(max=200)],
                                description=_l("e.g. 2023 autumn, 2024 spring"))
    level = SelectField(L["level"], choices=choices(COURSE_LEVELS), validators=[InputRequired()])
    first_year = IntegerField(L["first_year"], validators=[InputRequired(), YEARS])
    description = _text("description", 4000, area=True)
    submit = SubmitField(_l("Save"))


class CaseForm(RegistryForm):
    title = _text("title", 200, required=True)
    authors = _text("authors", 500)
    source = _text("source", 200)
    course_id = _link("course_id")
    year = IntegerField(L["year"], validators=[InputRequired(), YEARS])
    description = _text("description", 4000, area=True)
    submit = SubmitField(_l("Save"))


class TextbookForm(RegistryForm):
    title = _text("title", 200, required=True)
    authors = _text("authors", 500, required=True)
    publisher = _text("publisher", 200, required=True)
    year = IntegerField(_l("Year of publication"), validators=[InputRequired(), YEARS])
    isbn = StringField(L["isbn"], filters=[strip], validators=[DataRequired(), Length(max=40)],
                       description=_l("ISBN-10 or ISBN-13; hyphens allowed"))
    course_id = _link("course_id")
    submit = SubmitField(_l("Save"))


class TeamForm(RegistryForm):
    name = _text("name", 200, required=True)
    established_on = DateField(L["established_on"], validators=[InputRequired()])
    description = _text("description", 4000, area=True)
    submit = SubmitField(_l("Save"))


class TeamMemberForm(RegistryForm):
    mentor_id, name, side, organisation = roster_person_fields(L, SIDES)
    is_leader = BooleanField(L["is_leader"])
    from_on = DateField(L["from_on"], validators=[InputRequired()])
    until_on = DateField(L["until_on"], validators=[Optional()], description=_l("Empty while still a member."))
    submit = SubmitField(_l("Save"))


class LabForm(RegistryForm):
    kind = SelectField(L["kind"], choices=choices(LAB_KINDS), validators=[InputRequired()])
    name = _text("name", 200, required=True)
    established_on = DateField(L["established_on"], validators=[InputRequired()])
    partners = _text("partners", 4000, area=True)
    focus = _text("focus", 4000, area=True)
    submit = SubmitField(_l("Save"))


class ProjectForm(RegistryForm):
    name = _text("name", 200, required=True)
    category = SelectField(L["category"], choices=choices(PROJECT_CATEGORIES), validators=[InputRequired()])
    project_no = _text("project_no", 100)
    lead_organisation = _text("lead_organisation", 200)
    starts_on = DateField(L["starts_on"], validators=[InputRequired()])
    ends_on = DateField(L["ends_on"], validators=[Optional()])
    description = _text("description", 4000, area=True)
    submit = SubmitField(_l("Save"))


class ParticipantForm(RegistryForm):
    kind = SelectField(L["kind"], choices=choices(PARTICIPANT_KINDS), validators=[InputRequired()])
    mentor_id = SelectField(_l("Roster mentor (for a mentor)"), coerce=int, default=0, validators=[Optional()])
    student_id = SelectField(_l("Roster student (for a student)"), coerce=int, default=0, validators=[Optional()],
                             description=_l("Choose from the rosters, or type the person below."))
    name = _text("name", 100)
    student_no = _text("student_no", 64)
    role = _text("role", 200)
    submit = SubmitField(_l("Save"))


class ResultForm(RegistryForm):
    title = _text("title", 200, required=True)
    kind = SelectField(L["kind"], choices=choices(TRANSFER_KINDS), validators=[InputRequired()])
    recipient = _text("recipient", 200, required=True)
    transferred_on = DateField(L["transferred_on"], validators=[InputRequired()])
    contract_value = DecimalField(L["contract_value"], places=2, validators=[Optional(), NumberRange(0, 10 ** 10)])
    project_id = _link("project_id")
    description = _text("description", 4000, area=True)
    submit = SubmitField(_l("Save"))
