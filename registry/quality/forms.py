from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from registry.errors import _l
from registry.forms_support import RegistryForm, choices, strip
from registry.quality.models import EXPERT_PURPOSES, QUALITY_KINDS
from registry.quality.services import LABELS


class QualityRecordForm(RegistryForm):
    kind = SelectField(LABELS["kind"], choices=choices(QUALITY_KINDS), validators=[InputRequired()])
    held_on = DateField(LABELS["held_on"], validators=[InputRequired()])
    ends_on = DateField(LABELS["ends_on"], validators=[Optional()], description=_l("Empty for a one-day event."))
    experts = TextAreaField(LABELS["experts"], filters=[strip], validators=[Length(max=4000)],
                            description=_l("One name per line, with title and organisation."))
    assessor = StringField(LABELS["assessor"], filters=[strip], validators=[Length(max=200)],
                           description=_l("For a third-party assessment: the organisation that made it."))
    findings = TextAreaField(LABELS["findings"], filters=[strip], validators=[DataRequired(), Length(max=20000)])
    recommendations = TextAreaField(LABELS["recommendations"], filters=[strip], validators=[Length(max=20000)])
    submit = SubmitField(_l("Save"))


class AffiliationForm(RegistryForm):
    university_id = SelectField(_l("University"), coerce=int, default=0, validators=[Optional()])
    enterprise_id = SelectField(_l("Enterprise"), coerce=int, default=0, validators=[Optional()])
    submit = SubmitField(_l("Declare"))


class ExpertForm(RegistryForm):
    user_id = SelectField(_l("Reviewer"), coerce=int, validators=[InputRequired()])
    purpose = SelectField(_l("Purpose"), choices=choices(EXPERT_PURPOSES), validators=[InputRequired()])
    submit = SubmitField(_l("Assign"))
