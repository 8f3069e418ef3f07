from __future__ import annotations

from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from registry.application.models import CONTACTS, NARRATIVE, OPINIONS
from registry.errors import _l
from registry.forms_support import RegistryForm, strip


class ApplicationPlanForm(RegistryForm):
    """The application's narrative parts; the targets grid (t-<indicator>-<year>) is read by the view."""

    goals = TextAreaField(NARRATIVE["goals"], filters=[strip], validators=[Length(max=20000)])
    content = TextAreaField(NARRATIVE["content"], filters=[strip], validators=[Length(max=20000)])
    safeguards = TextAreaField(NARRATIVE["safeguards"], filters=[strip], validators=[Length(max=20000)])
    funding = TextAreaField(NARRATIVE["funding"], filters=[strip], validators=[Length(max=20000)])
    contact_name = StringField(CONTACTS["contact_name"], filters=[strip], validators=[Length(max=100)])
    contact_phone = StringField(CONTACTS["contact_phone"], filters=[strip], validators=[Length(max=40)])
    contact_email = StringField(CONTACTS["contact_email"], filters=[strip], validators=[Length(max=254)])
    university_opinion = TextAreaField(OPINIONS["university_opinion"], filters=[strip],
                                       validators=[Length(max=10000)])
    enterprise_opinion = TextAreaField(OPINIONS["enterprise_opinion"], filters=[strip],
                                       validators=[Length(max=10000)])
    submit = SubmitField(_l("Save the application"))

    NAMES = (*NARRATIVE, *CONTACTS, *OPINIONS)


class ScoreForm(RegistryForm):
    """The opinion (and CSRF token) of a review; the indicator scores (s-<id>) are read by the view."""

    opinion = TextAreaField(_l("Opinion"), filters=[strip], validators=[Length(max=10000)])
    submit = SubmitField(_l("Record the review"))


class IndicatorsForm(RegistryForm):
    indicators = TextAreaField(_l("Review indicators, one per line: name and weight"), filters=[strip],
                               validators=[Length(max=10000)])
    submit = SubmitField(_l("Save"))
