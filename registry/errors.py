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


class DomainErrors(DomainError):
    """Several rules broken at once: every one is reported together, each beside its field, so a
    user fixes them in one round trip. Behaves as its first error wherever one error is expected."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.message, field=first.field, **first.params)
        self.errors = list(errors)


def errors_of(exc: DomainError) -> list[DomainError]:
    """The single errors an error stands for (itself, or every one a DomainErrors carries)."""
    return list(getattr(exc, "errors", None) or [exc])


class Checks:
    """Run several independent checks and report every broken rule together.

        check = Checks()
        name = check(_text, name, "name", required=True)   # None when broken
        start = check(_date, starts_on, "starts_on", ...)
        check.done()                                         # raises them all, if any

    Refusals that are not about the values (not allowed, not found) stop at once.
    """

    def __init__(self):
        self.errors: list[DomainError] = []

    def __call__(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            self.errors.extend(errors_of(exc))
            return None

    def add(self, exc: DomainError) -> None:
        self.errors.extend(errors_of(exc))

    @property
    def ok(self) -> bool:
        return not self.errors

    def failed(self, *fields: str) -> bool:
        """Whether a value of one of `fields` is broken: a rule reading it waits until it is sound."""
        return any(e.field in fields for e in self.errors)

    def done(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise DomainErrors(self.errors)
