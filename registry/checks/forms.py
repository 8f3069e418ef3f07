from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from registry.checks.models import GRADES
from registry.errors import _l
from registry.forms_support import RegistryForm, not_blank, strip


def _required_text(label, max_length: int) -> TextAreaField:
    """A text area that must say something (not only spaces), up to `max_length` characters."""
    return TextAreaField(label, filters=[strip], validators=[InputRequired(), not_blank, Length(max=max_length)])


class RoundForm(RegistryForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    name = StringField(_l("Name"), filters=[strip], validators=[Optional(), Length(max=200)])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    quota_ministry = IntegerField(_l("Quota of a ministry-affiliated university"), default=3,
                                  validators=[InputRequired(), NumberRange(min=0, max=50)])
    quota_co_built = IntegerField(_l("Quota of a co-built university"), default=2,
                                  validators=[InputRequired(), NumberRange(min=0, max=50)])
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))


class AssignReviewerForm(RegistryForm):
    user_id = SelectField(_l("Reviewer"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Assign"))


class SubmitBaseForm(RegistryForm):
    base_id = SelectField(_l("Base"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Submit into this round"))


class ReviewForm(RegistryForm):
    score = IntegerField(_l("Score (0–100)"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    opinion = _required_text(_l("Opinion"), 10000)
    submit = SubmitField(_l("Record the review"))


class TransitionForm(RegistryForm):
    to_status = SelectField(_l("Next state"), validators=[InputRequired()])
    effective_on = DateField(_l("Takes effect on"), validators=[InputRequired()])
    reason = _required_text(_l("Reason"), 4000)
    evidence = StringField(_l("Evidence (document number or reference)"), filters=[strip],
                           validators=[Length(max=500)])
    deadline = DateField(_l("Rectification deadline"), validators=[Optional()])
    grade = SelectField(_l("Grade (the evaluation)"), validators=[Optional()],
                        choices=[("", "—")] + [(k, v) for k, v in GRADES.items()])
    support_conditions = TextAreaField(_l("Support granted: training conditions"), filters=[strip],
                                       validators=[Length(max=4000)])
    support_enrolment = TextAreaField(_l("Support granted: enrolment plan"), filters=[strip],
                                      validators=[Length(max=4000)])
    support_other = TextAreaField(_l("Support granted: other"), filters=[strip], validators=[Length(max=4000)])
    submit = SubmitField(_l("Record the step"))

    def expert_lines(self) -> list[dict]:
        return [{"name": getattr(self, f"expert{i}_name").data, "score": getattr(self, f"expert{i}_score").data,
                 "opinion": getattr(self, f"expert{i}_opinion").data} for i in range(1, EXPERT_LINES + 1)]


EXPERT_LINES = 5
for _i in range(1, EXPERT_LINES + 1):
    setattr(TransitionForm, f"expert{_i}_name", StringField(_l("Expert %(n)s: name", n=_i), filters=[strip],
                                                            validators=[Length(max=120)]))
    setattr(TransitionForm, f"expert{_i}_score", IntegerField(_l("Expert %(n)s: score (0–100)", n=_i),
                                                              validators=[Optional(), NumberRange(min=0, max=100)]))
    setattr(TransitionForm, f"expert{_i}_opinion", TextAreaField(_l("Expert %(n)s: opinion", n=_i), filters=[strip],
                                                                 validators=[Length(max=10000)]))


class SummaryReportForm(RegistryForm):
    reported_on = DateField(_l("Date of the report"), validators=[InputRequired()])
    overview = _required_text(_l("Overview of the cycle"), 20000)
    submit = SubmitField(_l("Save the summary report"))


class ObjectionForm(RegistryForm):
    raised_by = StringField(_l("Raised by"), filters=[strip], validators=[InputRequired(), not_blank, Length(max=200)])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    content = _required_text(_l("Content"), 10000)
    submit = SubmitField(_l("Record the objection"))


class ResolveObjectionForm(RegistryForm):
    resolved_on = DateField(_l("Resolved on"), validators=[InputRequired()])
    resolution = _required_text(_l("Resolution"), 10000)
    submit = SubmitField(_l("Record the resolution"))


class AnnualReportForm(RegistryForm):
    year = SelectField(_l("Construction year"), coerce=int, validators=[InputRequired()])
    plan = TextAreaField(_l("Annual plan"), filters=[strip], validators=[Length(max=20000)])
    summary = TextAreaField(_l("Annual summary"), filters=[strip], validators=[Length(max=20000)])
    submit = SubmitField(_l("Save the annual plan and summary"))


class TargetsForm(RegistryForm):
    """The CSRF token of the targets grid; its cells (t-<indicator>-<year>) are read by the view."""

    submit = SubmitField(_l("Save the targets"))
