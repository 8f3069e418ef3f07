"""Domain errors and the two-language rendering of messages (Chinese first, English second)."""
from __future__ import annotations

from flask_babel import force_locale, gettext, lazy_gettext

ZH = "zh_Hans_CN"
EN = "en"


def in_locale(locale: str, message, **params) -> str:
    """Render a (lazy) message id in one locale; params are %-style, never inside _()."""
    msgid = getattr(message, "_args", None)
    with force_locale(locale):
        if msgid:  # a LazyString built by lazy_gettext: re-translate in this locale
            text = gettext(msgid[0])
        else:
            text = gettext(str(message))
        return text % params if params else text


def bilingual(message, **params) -> tuple[str, str]:
    return in_locale(ZH, message, **params), in_locale(EN, message, **params)


class DomainError(Exception):
    """A rule was broken. Services raise it; views and commands show it in both languages.

    `message` is an untranslated msgid (wrap the literal in lazy_gettext / _l so it is extracted);
    `params` fill its %(name)s placeholders; `field` names the form field it belongs to, if any.
    """

    status = 400

    def __init__(self, message, field: str | None = None, **params):
        super().__init__(str(getattr(message, "_args", [message])[0]))
        self.message = message
        self.params = params
        self.field = field

    @property
    def zh(self) -> str:
        return in_locale(ZH, self.message, **self.params)

    @property
    def en(self) -> str:
        return in_locale(EN, self.message, **self.params)

    def localized(self) -> str:
        text = gettext(getattr(self.message, "_args", [str(self.message)])[0])
        return text % self.params if self.params else text


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


_l = lazy_gettext
