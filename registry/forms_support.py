"""Small helpers every area's forms share."""
from __future__ import annotations

import datetime as dt
import decimal
from contextlib import contextmanager

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from wtforms import (DateField, DateTimeField, FileField, HiddenField, IntegerField, MultipleFileField, SelectField,
                     StringField, TextAreaField, ValidationError)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from registry.db_state import INTEGRITY_ERRORS
from registry.errors import DomainError, errors_of, msgid_of
from registry.extensions import db
from registry.limits import DATE_OUT_OF_RANGE, FIRST_DATE, INT_MAX, INT_MIN, LAST_DATE, date_in_range, int_in_range


def apply_domain_error(form, exc: DomainError, *, only_clean_fields: bool = False) -> None:
    """Show a service's error (every one, when it carries several) beside the field it names, or at
    the top of the form. With `only_clean_fields`, a field that already shows an error keeps just
    that one (the service's view of a value the form refused adds nothing).

    A form may name the fields a service calls otherwise (`field_aliases`, e.g. the service's
    "mentor" is the form's staff-number box) and the cells of a grid its page draws beside the
    fields (`cells`: cell name → label); a cell's errors go to `cell_errors`, shown in the cell and in
    the summary."""
    aliases = getattr(form, "field_aliases", None) or {}
    cells = getattr(form, "cells", None) or {}
    for error in errors_of(exc):
        name = aliases.get(error.field, error.field)
        field = form._fields.get(name) if name else None
        message = error.localized()
        if field is None and name in cells:
            shown = form.cell_errors.setdefault(name, [])
            if message not in shown:
                shown.append(message)
        elif field is not None:
            if only_clean_fields and field.errors:
                continue
            if message not in field.errors:
                field.errors = list(field.errors) + [message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


def _has_file_field(form) -> bool:
    return any(isinstance(f, (FileField, MultipleFileField)) for f in form)


def check_with_service(form, action, check=None) -> None:
    """The form refused some fields: run the service anyway, on what was sent, and write nothing,
    so the rules it checks (dates in order, e-mail, phone, uniqueness…) are reported in the same
    response as the form's own errors. Every error at once, not one per submit.

    `check`, when given, runs instead of `action`: the service's check-only entry point, which
    touches nothing outside the database (a stored file could not be taken back by the rollback).
    A form with files needs one: without it the trial is skipped. Skipped too when the request
    itself is not trusted (CSRF)."""
    if form.errors.get("csrf_token") or "csrf_token" in form.errors:
        return
    if check is not None:
        action = check
    elif _has_file_field(form):
        return
    trial = db.session.begin_nested()  # only the trial's own writes are undone
    try:
        action()
    except DomainError as exc:
        if exc.status == 400:
            apply_domain_error(form, exc, only_clean_fields=True)
    except Exception:  # noqa: BLE001 - values the form refused may break the service in other ways
        pass
    finally:
        if trial.is_active:
            trial.rollback()


NOT_DATA = ("csrf_token", "submit", "row_version")


def form_data(form) -> dict:
    """The submitted values by field name, without the CSRF token, the row version and the button."""
    return {name: f.data for name, f in form._fields.items() if name not in NOT_DATA}


# ---- no lost updates ---------------------------------------------------------------------------

def _submitted_version(form) -> int | None:
    """The version the form was opened at, or None when the request carried none (a script)."""
    field = form._fields.get("row_version")
    raw = field.raw_data[0] if field is not None and field.raw_data else None
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # tampered with: treated as stale, never as "no check"


def display(value) -> str:
    """How a value reads on a page: dates ISO, empty as a dash, enums through their labels."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    text = str(value)
    if "\n" in text:  # keep the writer's lines; each line is escaped by Markup.join
        return Markup("<br>").join(text.splitlines())
    return text


def _shown(field, value) -> str:
    """A field's value as the user reads it: the label of a chosen option, dates ISO, "—" for empty."""
    if isinstance(value, (list, tuple, set)):
        return "、".join(_shown(field, v) for v in value) or "—"
    choices = getattr(field, "choices", None) or ()
    for option in choices.items() if isinstance(choices, dict) else choices:
        if isinstance(option, SelectChoice):
            key, label = option.value, option.label
        elif isinstance(option, (tuple, list)):
            key, label = option[0], option[1]
        else:
            key, label = option, option
        if str(key) == str(value) and value not in (None, ""):
            return str(label)
    return str(display(value))


def _same(a, b) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    return str(a) == str(b)


def stale_changes(form, obj) -> list[tuple[str, str, str]]:
    """(label, theirs, yours) for every field where what is saved now differs from what was sent."""
    changes = []
    for name, field in form._fields.items():
        if name in NOT_DATA or field.render_kw and field.render_kw.get("disabled"):
            continue
        collection = name[:-4] + "s" if name.endswith("_ids") else None  # enterprise_ids ↔ base.enterprises
        if not hasattr(obj, name) and collection and hasattr(obj, collection):
            theirs = sorted(str(o.id) for o in getattr(obj, collection))
            yours = sorted(str(v) for v in field.data or ())
            if theirs != yours:
                changes.append((str(field.label.text), _shown(field, theirs), _shown(field, yours)))
            continue
        if not hasattr(obj, name):
            continue
        theirs = getattr(obj, name)
        if not isinstance(theirs, (str, int, float, bool, dt.date, decimal.Decimal, type(None))):
            continue  # a relationship: shown through its own *_id field, if the form has one
        if not _same(theirs, field.data):
            changes.append((str(field.label.text), _shown(field, theirs), _shown(field, field.data)))
    return changes


def refuse_stale(form, obj) -> bool:
    """True (and an error at the top of the form) when `obj` changed since the form was opened.

    Nothing is written. The form keeps what the user typed and now carries the current version, so
    sending it again, after reading what changed, deliberately replaces the other person's change.
    """
    version = _submitted_version(form)
    current = getattr(obj, "row_version", None)
    if version is None or current is None or version == current:
        return False
    form.row_version.data = current
    form.row_version.raw_data = [str(current)]
    changes = stale_changes(form, obj)
    lines = "; ".join(f"{label}: {theirs} → {yours}" for label, theirs, yours in changes)
    if lines:
        form.form_errors.append(_("Someone else saved this record after you opened it; nothing was saved. "
                                  "Changed since (field: theirs → yours): %(changes)s. Send the form again "
                                  "to replace their values with yours.", changes=lines))
    else:
        form.form_errors.append(_("Someone else saved this record after you opened it; nothing was saved. "
                                  "Their change does not touch the fields of this form: send it again to save."))
    return True


def stale_write(form) -> None:
    """The row changed between loading it and writing it (a concurrent save won the race)."""
    form.form_errors.append(_("Someone else saved this record at the same moment; nothing was saved. "
                              "Reload the page to see their change."))


# ---- the one commit path -------------------------------------------------------------------
# Views never call db.session.commit() themselves: they write inside `writing(...)`, save a form
# with `save_form`, or delete with `delete_then`. All three commit once, roll back on any error, and
# turn a refused rule, a stale row version or a unique-key race into a message in the user's language.

class Write:
    """What `writing` yields: `ok` once committed; `error` the refusal when it was not."""

    def __init__(self):
        self.ok = False
        self.error: Exception | None = None
        self.result = None
        self.cancelled = False

    def cancel(self) -> None:
        """Write nothing after all: the block ends with a rollback, and `ok` stays False."""
        self.cancelled = True


def error_message(exc) -> str:
    """A write's refusal as the user reads it (their language)."""
    if isinstance(exc, DomainError):
        return exc.localized()

    if isinstance(exc, StaleDataError):
        return _("Someone else changed this record at the same moment; nothing was saved. "
                 "Reload the page and try again.")
    return _("Another change to the same records was saved at the same moment; nothing was saved. "
             "Reload the page and try again.")


def show_error(form, exc) -> None:
    """A refusal beside its field on `form` (or at the top of it)."""
    if isinstance(exc, DomainError):
        apply_domain_error(form, exc)
    else:

        if isinstance(exc, StaleDataError):
            stale_write(form)
        else:
            form.form_errors.append(error_message(exc))


def flash_error(exc) -> None:
    """A refusal as a message on the next page."""
    flash(error_message(exc), "danger")


def or_403(show):
    """`on_error` that answers a refusal of permission with 403, as the gate does, and hands any other
    refusal to `show` (e.g. `flash_error`)."""
    def handle(exc) -> None:
        if getattr(exc, "status", None) == 403:
            abort(403)
        show(exc)
    return handle


def refuse_403(exc) -> None:
    """`on_error` for a write whose every refused rule means the user may not do it: 403."""
    if isinstance(exc, DomainError):
        abort(403)
    flash_error(exc)


def keep_error(exc) -> None:
    """Only record the refusal in `Write.error`: the view shows it its own way."""


@contextmanager
def writing(form=None, *, on_error=None):
    """The one way a view writes: run the services inside the block; commit when it ends.

    A broken rule (DomainError), a stale row version or a unique-key race rolls everything back and
    is shown beside the form's fields (`form`), or handed to `on_error(exc)` (`flash_error`,
    `or_403(...)`, `keep_error`, or the view's own), or, with neither, left to the app's error
    pages. Any other error rolls back and propagates. Check `Write.ok` after the block.
    """
    write = Write()
    try:
        yield write
        if write.cancelled:
            db.session.rollback()
            return
        db.session.commit()
    except (DomainError, StaleDataError, *INTEGRITY_ERRORS) as exc:
        db.session.rollback()
        write.error = exc
        if form is not None:
            show_error(form, exc)
        elif on_error is not None:
            on_error(exc)
        else:
            raise
    except BaseException:
        db.session.rollback()
        raise
    else:
        write.ok = True


def submit_form(form, action, *, trial: bool = False, forbidden_is_403: bool = False, check=None) -> Write:
    """Validate a sent form and run `action()` (the service) inside `writing(form)`: committed once,
    or nothing written. Every error at once: when the form refuses some fields the service still
    runs on what was sent, as a trial (`check_with_service`), so its rules stand beside the form's
    own errors. A form opened on a record refuses to save over a newer version of it.

    With `trial`, nothing is written even when all is well (`Write.cancelled`, no `error`): a step
    checked before a confirmation page. With `forbidden_is_403`, a refusal of permission answers 403
    instead of standing on the form. `check` is what the trial runs instead of `action` (see
    `check_with_service`; a form with files needs it).

    Returns the `Write` (`ok`, `result`: what `action` returned); for a view that does more than
    flash and redirect once saved (see `save_form`)."""
    write = Write()
    if not form.validate_on_submit():
        if form.is_submitted():
            check_with_service(form, action, check)
        return write
    edited = getattr(form, "edited", None)
    if edited is not None and refuse_stale(form, edited):
        return write
    def show(exc):
        if forbidden_is_403 and getattr(exc, "status", None) == 403:
            abort(403)
        show_error(form, exc)

    with writing(on_error=show) as write:
        write.result = action()
        if trial:
            write.cancel()
    return write


def save_form(form, action, *, done, message, forbidden_is_403: bool = False):
    """The one way a view saves a form: validate, run the service, commit once, flash, redirect.

    `action()` calls the service and returns its result; `done` is the URL to go to next and
    `message` what to say, each or both a function of that result (a message may come with its
    category: `(text, "info")`). Returns the redirect, or None when the form was not sent or not
    valid or the service refused it — then nothing was written and every error stands beside its
    field (`submit_form`).
    """
    write = submit_form(form, action, forbidden_is_403=forbidden_is_403)
    if not write.ok:
        return None
    said = message(write.result) if callable(message) else message
    text, category = said if isinstance(said, tuple) else (said, "success")
    flash(text, category)
    return redirect(done(write.result) if callable(done) else done)


def form_page(form, action, *, done, message, template: str, **context):
    """A form's own page: saved as `save_form` saves it (flash, then redirect to `done`), or else
    `template` shown with the form (every error beside its field) and `context`."""
    return save_form(form, action, done=done, message=message) or render_template(template, form=form, **context)


def delete_then(action, *, done, message, code: int = 302, on_error=None):
    """The one way a view deletes (or removes): run the service, commit, say `message`, go to `done`.
    A refusal is flashed instead (or handed to `on_error`) and nothing is deleted."""
    with writing(on_error=on_error or flash_error) as write:
        action()
    if write.ok:
        flash(message, "success")
    return redirect(done, code)


def strip(value):
    """Filter: trim ASCII and full-width spaces at both ends."""
    return value.strip().strip("\u3000").strip() if isinstance(value, str) else value


def choices(mapping) -> list[SelectChoice]:
    """Select options from {value: label}."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def text_field(label, max_len: int, required: bool = False, area: bool = False, **kw):
    """A trimmed text field (a text area with `area`) of at most `max_len` characters."""

    field = TextAreaField if area else StringField
    validators = [DataRequired()] if required else []
    return field(label, filters=[strip], validators=validators + [Length(max=max_len)], **kw)


def date_field(label, required: bool = True, **kw):

    return DateField(label, validators=[InputRequired() if required else Optional()], **kw)


def roster_mentor_field():
    """A member who is on the base's roster, chosen instead of typing the person (choices: `mentors.queries.mentor_choices`)."""

    return SelectField(_l("Roster mentor (optional)"), coerce=int, default=0, validators=[Optional()],
                       description=_l("Choose a roster mentor, or type the person below."))


def roster_person_fields(labels: dict, sides: dict) -> tuple:
    """A member's person (team, working group): `mentor_id, name, side, organisation = …`, a roster
    mentor or the person typed in, as `registry.records.services.roster_person` checks them."""
    return (roster_mentor_field(), text_field(labels["name"], 100),
            SelectField(labels["side"], choices=choices(sides), validators=[InputRequired()]),
            text_field(labels["organisation"], 200))


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
    the base of every form.

    A form opened on a record (`Form(obj=record)`) carries the record's `row_version` in a hidden
    field and remembers the record as `edited`; `save_form` refuses it when the record changed
    since (no lost updates)."""

    row_version = HiddenField()
    field_aliases: dict = {}  # a service's field name -> this form's field showing its errors

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.edited = obj if getattr(obj, "row_version", None) is not None else None
        # A grid drawn beside the fields (targets per year, scores per indicator): cell name -> label,
        # and the errors of its cells (see apply_domain_error).
        self.cells: dict = {}
        self.cell_errors: dict[str, list] = {}
        for field in self:
            if isinstance(field, DateField):
                # Browsers show <input type=date> in the locale's format (2024/9/1, 09/01/2024): a
                # text field shows and takes YYYY-MM-DD in both languages.
                field.render_kw = {"type": "text", "inputmode": "numeric", "pattern": r"\d{4}-\d{2}-\d{2}",
                                   "placeholder": "YYYY-MM-DD", "autocomplete": "off", **(field.render_kw or {})}

    def validate(self, extra_validators=None):
        """WTForms' validation, then the bounds of every value (registry.limits): a date in
        1900–2100, a whole number within an INTEGER column."""

        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, (DateField, DateTimeField)) and not date_in_range(field.data):
                message = _(msgid_of(DATE_OUT_OF_RANGE)) % {"first": FIRST_DATE.isoformat(),
                                                            "last": LAST_DATE.isoformat()}
            elif isinstance(field, IntegerField) and isinstance(field.data, int) and not int_in_range(field.data):
                message = _("Whole numbers here must lie between %(min)s and %(max)s.") % {"min": INT_MIN,
                                                                                      "max": INT_MAX}
            else:
                continue
            field.errors = list(field.errors) + [message]
            ok = False
        return ok

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS
