"""Forms of the mentors area. They parse and type-check; the services decide (their DomainErrors
are shown beside the field they name)."""
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from registry.errors import _l
from registry.forms_support import RegistryForm, choices, not_blank, options, strip
from registry.mentors.models import EMPLOYMENT_OUTCOMES, SIDES, STUDENT_LEVELS

DATE_HELP = _l("YYYY-MM-DD")


class _PersonFields(RegistryForm):
    name = StringField(_l("Full name"), filters=[strip], validators=[InputRequired(), not_blank, Length(max=100)])
    side = SelectField(_l("Mentor type"), choices=choices(SIDES), validators=[InputRequired()])
    organisation = StringField(_l("Organisation (employer)"), filters=[strip],
                               validators=[InputRequired(), not_blank, Length(max=200)])
    staff_no = StringField(_l("Staff number"), filters=[strip], validators=[InputRequired(), not_blank,
                                                                            Length(max=64)])


class ProfileForm(RegistryForm):
    """What a mentor may change about themself."""

    title = StringField(_l("Professional title"), filters=[strip], validators=[Length(max=100)],
                        description=_l("e.g. 教授, 研究员, 正高级工程师, 高级工程师"))
    degree = StringField(_l("Degree"), filters=[strip], validators=[Length(max=100)])
    expertise = StringField(_l("Expertise"), filters=[strip], validators=[Length(max=500)])
    email = StringField(_l("Email"), filters=[strip], validators=[Length(max=254)])
    phone = StringField(_l("Mobile"), filters=[strip], validators=[Length(max=30)],
                        description=_l("Mainland mobile number, 11 digits"))
    biography = TextAreaField(_l("Short biography"), filters=[strip], validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))


class MentorForm(_PersonFields, ProfileForm):
    """A coordinator's edit of a person: every field."""


class AddMentorForm(MentorForm):
    """A person and their appointment to this base. An existing person (same organisation and staff number)
    is attached; their profile is left unchanged."""

    starts_on = DateField(_l("Appointed from"), validators=[InputRequired()], description=DATE_HELP)
    ends_on = DateField(_l("Appointed until"), validators=[Optional()], description=_l("Empty: open-ended"))


class AppointmentForm(RegistryForm):
    starts_on = DateField(_l("Appointed from"), validators=[InputRequired()])
    ends_on = DateField(_l("Appointed until"), validators=[Optional()], description=_l("Empty: open-ended"))
    submit = SubmitField(_l("Save"))


class RenewForm(AppointmentForm):
    submit = SubmitField(_l("Renew"))


class EndForm(RegistryForm):
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), filters=[strip], validators=[InputRequired(), not_blank, Length(max=500)])
    submit = SubmitField(_l("End appointment"))


class SuspendForm(RegistryForm):
    starts_on = DateField(_l("Suspended from"), validators=[InputRequired()], description=DATE_HELP)
    ends_on = DateField(_l("Suspended through"), validators=[Optional()],
                        description=_l("The last day not counted; empty: until resumed"))
    reason = StringField(_l("Reason"), filters=[strip], validators=[Length(max=500)])
    submit = SubmitField(_l("Suspend"))


class ResumeForm(RegistryForm):
    on = DateField(_l("Counts again from"), validators=[InputRequired()], description=DATE_HELP)
    submit = SubmitField(_l("Resume"))


class StudentForm(RegistryForm):
    name = StringField(_l("Full name"), filters=[strip], validators=[InputRequired(), not_blank, Length(max=100)])
    student_no = StringField(_l("Student number"), filters=[strip],
                             validators=[InputRequired(), not_blank, Length(max=64)])
    level = SelectField(_l("Training level"), choices=choices(STUDENT_LEVELS), validators=[InputRequired()])
    enrolment_year = IntegerField(_l("Enrolment year"), validators=[InputRequired(), NumberRange(1950, 2100)])
    programme = StringField(_l("Programme"), filters=[strip], validators=[Length(max=200)])
    major_project = StringField(_l("National major project"), filters=[strip], validators=[Length(max=300)],
                                description=_l("The national major project or programme the student works in, "
                                               "if any"))
    graduated_on = DateField(_l("Graduation date"), validators=[Optional()])
    employment = SelectField(_l("Employment outcome"), choices=options([("", "—")]) + choices(EMPLOYMENT_OUTCOMES),
                             validators=[Optional()])
    employer = StringField(_l("Employer"), filters=[strip], validators=[Length(max=200)])
    submit = SubmitField(_l("Save"))


class AssignmentForm(RegistryForm):
    university_mentor_id = SelectField(_l("University mentor"), coerce=int, validators=[InputRequired()])
    enterprise_mentor_id = SelectField(_l("Enterprise mentor"), coerce=int, validators=[InputRequired()])
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("Until"), validators=[Optional()], description=_l("Empty: open-ended"))
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=500)])
    submit = SubmitField(_l("Assign"))


class EndAssignmentForm(RegistryForm):
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    submit = SubmitField(_l("End assignment"))
