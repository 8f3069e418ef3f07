from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from registry.errors import _l
from registry.exchanges.models import DIRECTIONS, EXCHANGE_KINDS
from registry.exchanges.services import LABELS
from registry.forms_support import RegistryForm, choices, strip


class ExchangeForm(RegistryForm):
    kind = SelectField(LABELS["kind"], choices=choices(EXCHANGE_KINDS), validators=[InputRequired()])
    direction = SelectField(LABELS["direction"], choices=choices(DIRECTIONS), validators=[InputRequired()])
    mentor_id = SelectField(_l("Roster mentor (optional)"), coerce=int, default=0, validators=[Optional()],
                            description=_l("When the person is a mentor of the roster, choose them: name and "
                                           "organisation then come from the roster."))
    person_name = StringField(LABELS["person_name"], filters=[strip], validators=[Length(max=100)])
    person_organisation = StringField(LABELS["person_organisation"], filters=[strip], validators=[Length(max=200)])
    person_title = StringField(LABELS["person_title"], filters=[strip], validators=[Length(max=100)])
    host_organisation = StringField(LABELS["host_organisation"], filters=[strip],
                                    validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(LABELS["starts_on"], validators=[InputRequired()])
    ends_on = DateField(LABELS["ends_on"], validators=[Optional()],
                        description=_l("Empty while it goes on."))
    participants = IntegerField(LABELS["participants"], default=1, validators=[Optional(), NumberRange(1, 10000)])
    purpose = TextAreaField(LABELS["purpose"], filters=[strip], validators=[Length(max=4000)])
    projects_joined = TextAreaField(LABELS["projects_joined"], filters=[strip], validators=[Length(max=4000)])
    outcomes = TextAreaField(LABELS["outcomes"], filters=[strip], validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))
