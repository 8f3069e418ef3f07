"""Messages that are rendered late, in whatever locale is active when they are shown.

A rule's message is a msgid plus parameters; some parameters are themselves translatable (the
names of missing records). `Msg` and `Joined` render them all in one locale, so the same result
gives `message_zh` and `message_en` and the page's own language.
"""
from __future__ import annotations

from flask_babel import force_locale, get_locale, get_translations
from markupsafe import escape

from registry.errors import EN, ZH


def _msgid(message) -> str:
    args = getattr(message, "_args", None)
    return args[0] if args else str(message)


def _is_zh() -> bool:
    locale = get_locale()
    return locale is not None and str(locale).startswith("zh")


def render(value, translations, zh: bool):
    """`value` as text with one catalogue: messages, lazy strings and lists inside it too. Rendering
    a whole check this way looks the catalogue up once, not once per message."""
    if isinstance(value, (Msg, Joined)):
        return value.render(translations, zh)
    if getattr(value, "_args", None):  # a lazy_gettext string
        return translations.ugettext(value._args[0])
    if isinstance(value, (int, float)):
        return value
    return str(value)


class Msg:
    """A translatable message with %(name)s parameters; str() renders it in the current locale."""

    def __init__(self, message, **params):
        self.message = message
        self.params = params

    def render(self, translations, zh: bool) -> str:
        text = translations.ugettext(_msgid(self.message))
        if not self.params:
            return text
        return text % {k: render(v, translations, zh) for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.render(get_translations(), _is_zh())

    def __html__(self) -> str:  # Jinja: autoescape the rendered text
        return str(escape(str(self)))

    def in_locale(self, locale: str) -> str:
        with force_locale(locale):
            return str(self)

    @property
    def zh(self) -> str:
        return self.in_locale(ZH)

    @property
    def en(self) -> str:
        return self.in_locale(EN)


class Joined:
    """Items joined with the list separator of the current locale (、 in Chinese, ", " in English)."""

    def __init__(self, items, separator: str | None = None):
        self.items = list(items)
        self.separator = separator

    def render(self, translations, zh: bool) -> str:
        sep = self.separator if self.separator is not None else ("、" if zh else ", ")
        return sep.join(str(render(i, translations, zh)) for i in self.items)

    def __str__(self) -> str:
        return self.render(get_translations(), _is_zh())


