"""Read a page's form as a browser would send it."""
from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[list[tuple[str, str]]] = []
        self.fields: list[tuple[str, str]] = []
        self._select = None
        self._select_value = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = True
            self.fields = []
            self.forms.append(self.fields)
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ("y" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
            self._multiple = "multiple" in a
            self._first = None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            if self._select_value is None and not self._multiple and self._first is not None:
                self.fields.append((self._select, self._first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, containing: str = "row_version") -> dict:
    """{name: value or [values]} of the first form with a field `containing`, as a browser sends it."""
    parser = _FormParser()
    parser.feed(html)
    fields = next((f for f in parser.forms if any(name == containing for name, _v in f)), None)
    assert fields is not None, f"no form with a field {containing!r} on the page"
    out: dict = {}
    for name, value in fields:
        if name in out:
            out[name] = (out[name] if isinstance(out[name], list) else [out[name]]) + [value]
        else:
            out[name] = value
    return out
