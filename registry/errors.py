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


def msgid_of(message) -> str:
    """The untranslated msgid of a lazy string (or the text itself)."""
    return getattr(message, "_args", [str(message)])[0]


def render(locale: str, message, params: dict) -> str:
    """`message` in `locale`; outside an application context (plain unit use), the English msgid."""
    try:
        return in_locale(locale, message, **params)
    except RuntimeError:
        text = msgid_of(message)
        return text % params if params else text


class Bilingual:
    """A message with %(name)s parameters that can be shown in Chinese, English, or the request's
    language. Errors of every area (domain rules, field rules, spreadsheet cells) share it."""

    message: object
    params: dict

    @property
    def zh(self) -> str:
        return render(ZH, self.message, self.params)

    @property
    def en(self) -> str:
        return render(EN, self.message, self.params)

    def localized(self) -> str:
        text = gettext(msgid_of(self.message))
        return text % self.params if self.params else text


class BilingualValueError(Bilingual, ValueError):
    """A value that breaks a field or cell rule."""

    def __init__(self, message, **params):
        self.message = message
        self.params = params
        text = msgid_of(message)
        super().__init__(text % params if params else text)


class DomainError(Bilingual, Exception):
    """A rule was broken. Services raise it; views and commands show it in both languages.

    `message` is an untranslated msgid (wrap the literal in lazy_gettext / _l so it is extracted);
    `params` fill its %(name)s placeholders; `field` names the form field it belongs to, if any.
    """

    status = 400

    def __init__(self, message, field: str | None = None, **params):
        super().__init__(msgid_of(message))
        self.message = message
        self.params = params
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


_l = lazy_gettext
