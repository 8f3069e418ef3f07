from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from registry.errors import _l


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Length(max=80)])
    submit = SubmitField(_l("Create token"))


class PasswordForm(FlaskForm):
    old_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=256)])
    confirm = PasswordField(_l("Repeat new password"), validators=[EqualTo("new_password")])
    submit = SubmitField(_l("Change password"))


class EmptyForm(FlaskForm):
    """A form with only its CSRF token: for POST buttons (revoke, delete, confirm)."""

    submit = SubmitField(_l("Confirm"))
