from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from registry.errors import _l
from registry.forms_support import RegistryForm, options, strip

LANGUAGE_LABELS = {"zh_Hans_CN": "中文", "en": "English"}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NotificationSettingsForm(RegistryForm):
    """The account page's notification choices; the kinds offered are filled by the view (the role's)."""

    email = StringField(_l("E-mail address"), filters=[strip], validators=[Length(max=254)],
                        description=_l("Notifications are e-mailed here; leave it empty for the app only."))
    locale = SelectField(_l("Language of e-mails"), validators=[Optional()])
    email_enabled = BooleanField(_l("Send me notifications by e-mail"))
    email_kinds = CheckboxesField(_l("Kinds I receive by e-mail"), validators=[Optional()])
    submit = SubmitField(_l("Save notification settings"))


def settings_form(user, setting, kinds, formdata=None):
    """The form for this user, filled from their choices unless data was posted."""
    from flask import current_app

    form = NotificationSettingsForm(formdata=formdata) if formdata is not None else NotificationSettingsForm(
        data={"email": user.email or "", "locale": user.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
              "email_enabled": bool(setting.email_enabled),
              "email_kinds": [k.name for k in kinds if k.name not in (setting.email_kinds_off or [])]})
    form.locale.choices = options((code, LANGUAGE_LABELS.get(code, code)) for code in current_app.config["LANGUAGES"])
    form.email_kinds.choices = options((k.name, k.label) for k in kinds)
    return form
