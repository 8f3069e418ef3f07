from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from registry.errors import _l
from registry.forms_support import RegistryForm, choices, not_blank, options, strip
from registry.orgs.models import FIELDS, SECTORS, UNIVERSITY_KINDS


class UniversityForm(RegistryForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(UNIVERSITY_KINDS), validators=[InputRequired()])
    province = StringField(_l("Province"), filters=[strip], validators=[Length(max=50)])
    submit = SubmitField(_l("Save"))


class EnterpriseForm(RegistryForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=200)])
    sector = SelectField(_l("Sector"), choices=options([("", "—")]) + choices(SECTORS), validators=[Optional()])
    scale = StringField(_l("Scale"), filters=[strip], validators=[Length(max=200)])
    rd_focus = TextAreaField(_l("R&D focus"), filters=[strip], validators=[Length(max=4000)])
    practice_conditions = TextAreaField(_l("Practice conditions offered (projects, courses, sites, labs, living support)"),
                                        filters=[strip], validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))


class BaseForm(RegistryForm):
    code = StringField(_l("Code"), filters=[strip], validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use only letters, digits and '-'."))])
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=200)])
    field = SelectField(_l("Key field"), choices=[], validators=[InputRequired()])  # the managed list: __init__
    university_id = SelectField(_l("University"), coerce=int, validators=[InputRequired()])
    enterprise_ids = SelectMultipleField(_l("Partner enterprises"), coerce=int, validators=[DataRequired()])
    cooperation_since = DateField(_l("Cooperation since"), validators=[InputRequired()])
    max_students_per_mentor = IntegerField(_l("Maximum students per mentor"), default=5,
                                           validators=[InputRequired(), NumberRange(min=1, max=100)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Length(max=4000)])
    excellent_engineer_programme = BooleanField(_l("Took part in the Excellent Engineer programme"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = choices(FIELDS)


class KeyFieldForm(RegistryForm):
    """A new key field: its code (kept by bases) and its names."""

    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=32)],
                       description=_l("Lower-case letters, digits and '_', e.g. aviation"))
    name_zh = StringField(_l("Chinese name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=100)])
    name_en = StringField(_l("English name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=200)])
    submit = SubmitField(_l("Add key field"))


class KeyFieldRenameForm(RegistryForm):
    name_zh = StringField(_l("Chinese name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=100)])
    name_en = StringField(_l("English name"), filters=[strip], validators=[DataRequired(), not_blank, Length(max=200)])
    submit = SubmitField(_l("Rename"))
