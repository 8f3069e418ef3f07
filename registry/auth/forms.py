from wtforms import DateField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from registry.errors import _l
from registry.forms_support import RegistryForm, strip


class LoginForm(RegistryForm):
    username = StringField(_l("Username"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class TokenForm(RegistryForm):
    name = StringField(_l("Token name"), filters=[strip], validators=[Length(max=80)])
    expires_on = DateField(_l("Valid through (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Create token"))


class PasswordForm(RegistryForm):
    old_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=256)])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[EqualTo("new_password", message=_l("The two passwords differ."))])
    submit = SubmitField(_l("Change password"))


class EmptyForm(RegistryForm):
    """A form with only its CSRF token: for POST buttons (revoke, delete, confirm)."""

    submit = SubmitField(_l("Confirm"))


# ---- administrators manage accounts ------------------------------------------------------

class UserScopeForm(RegistryForm):
    """Name, role and the scope the role needs; choices are filled by the view."""

    field_aliases = {"mentor": "mentor_staff_no"}  # one message for the pair of mentor fields

    display_name = StringField(_l("Display name"), filters=[strip], validators=[Length(max=120)])
    role = SelectField(_l("Role"), validators=[InputRequired()])
    base_ids = SelectMultipleField(_l("Bases (base coordinators)"), coerce=int, validators=[Optional()])
    university_id = SelectField(_l("University (university coordinators)"), coerce=int, validators=[Optional()])
    mentor_organisation = StringField(_l("Mentor's organisation (mentor accounts)"), filters=[strip],
                                      validators=[Length(max=200)])
    mentor_staff_no = StringField(_l("Mentor's staff number (mentor accounts)"), filters=[strip],
                                  validators=[Length(max=64)])
    submit = SubmitField(_l("Save"))


class UserCreateForm(UserScopeForm):
    username = StringField(_l("Username"), filters=[strip], validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=256)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords differ."))])

    def __iter__(self):  # username and password first, then name, role and scope
        order = ["csrf_token", "username", "password", "confirm"]
        fields = {f.name: f for f in super().__iter__()}
        return iter([fields[n] for n in order if n in fields] + [f for n, f in fields.items() if n not in order])


class PasswordResetForm(RegistryForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=256)])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[EqualTo("new_password", message=_l("The two passwords differ."))])
    submit = SubmitField(_l("Set password"))
