"""Small helpers every area's forms share."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice

from registry.errors import DomainError


def apply_domain_error(form, exc: DomainError) -> None:
    """Show a service's error beside the field it names, or at the top of the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    message = exc.localized()
    if field is not None:
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)


def form_data(form) -> dict:
    """The submitted values by field name, without the CSRF token and the button."""
    return {name: f.data for name, f in form._fields.items() if name not in ("csrf_token", "submit")}


def save_form(form, action, *, done, message):
    """The one way a view saves a form: validate, run the service, commit once, flash, redirect.

    `action()` calls the service and returns its result; `done` is the URL to go to next, or a
    function of that result. Returns the redirect, or None when the form was not sent or not valid
    or the service refused it — then nothing was written and the errors stand beside their fields.
    """
    if not form.validate_on_submit():
        return None
    from flask import flash, redirect

    from registry.extensions import db

    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        apply_domain_error(form, exc)
        return None
    flash(message, "success")
    return redirect(done(result) if callable(done) else done)


def strip(value):
    """Filter: trim ASCII and full-width spaces at both ends."""
    return value.strip().strip("\u3000").strip() if isinstance(value, str) else value


def choices(mapping) -> list[SelectChoice]:
    """Select options from {value: label}."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def not_blank(form, field):
    if isinstance(field.data, str) and not field.data.strip():
        raise ValidationError(_l("This field is required."))


# WTForms' own Chinese catalogue misses a few messages (a multiple choice that is not offered, date
# ranges) and words two others loosely. These take precedence; every other message comes from it.
WTFORMS_MESSAGES = {
    "'%(value)s' is not a valid choice for this field.": _l("'%(value)s' is not a valid choice for this field."),
    "'%(value)s' are not valid choices for this field.": _l("'%(value)s' are not valid choices for this field."),
    "Date must be at least %(min)s.": _l("Date must be at least %(min)s."),
    "Date must be at most %(max)s.": _l("Date must be at most %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Date must be between %(min)s and %(max)s."),
    "This field cannot be edited.": _l("This field cannot be edited."),
    "This field is disabled and cannot have a value.": _l("This field is disabled and cannot have a value."),
    "Not a valid week value.": _l("Not a valid week value."),
    "Number must be at least %(min)s.": _l("Number must be at least %(min)s."),
    "Number must be at most %(max)s.": _l("Number must be at most %(max)s."),
}


class _Translations:
    def gettext(self, string):
        if string in WTFORMS_MESSAGES:
            return str(WTFORMS_MESSAGES[string])
        return wtforms_translations.gettext(string)

    def ngettext(self, singular, plural, n):
        key = singular if n == 1 else plural
        if key in WTFORMS_MESSAGES:
            return str(WTFORMS_MESSAGES[key])
        return wtforms_translations.ngettext(singular, plural, n)


TRANSLATIONS = _Translations()


class RegistryForm(FlaskForm):
    """FlaskForm (CSRF included) whose built-in validation messages are all translated. Use it as
    the base of every form."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS
