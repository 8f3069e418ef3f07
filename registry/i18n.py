"""Translations for templates, looked up once per request instead of once per string.

Flask-Babel finds the catalogue on every call (about 35 µs: it rebuilds the locale's name to key
its cache); a table of 200 rows calls it hundreds of times. The catalogue is kept on `g` with the
locale object it belongs to, so `force_locale` (e-mails in the reader's language) still switches it.
"""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import get_locale, get_translations


def translations():
    if not has_request_context():
        return get_translations()
    locale = get_locale()
    kept = g.get("_registry_translations")
    if kept is None or kept[0] is not locale:
        kept = (locale, get_translations())
        g._registry_translations = kept
    return kept[1]


def init_app(app) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
