"""Every page works with no internet: assets come from the app, and the CSP forbids inline script."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.conftest import act_as

MAIN_PAGES = ["/auth/login", "/bases", "/bases/{code}", "/bases/{code}/edit", "/bases/new", "/universities",
              "/universities/new", "/enterprises", "/enterprises/new", "/auth/account", "/auth/tokens",
              "/auth/users", "/auth/users/new", "/audit/", "/nowhere-404"]


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.style_attrs, self.handlers = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts.append(attrs)
        if "style" in attrs:
            self.style_attrs.append(tag)
        self.handlers += [f"{tag}[{name}]" for name in attrs if name.startswith("on")]


def _pages(client, world):
    act_as(client, world.admin)
    for path in MAIN_PAGES:
        response = client.get(path.format(code=world.base.code))
        yield path, response


def test_assets_are_served_by_the_app_and_none_is_off_site(client, world):
    seen = set()
    for path, response in _pages(client, world):
        # Every page is there (the deliberate 404 page too, which must also load only local assets).
        assert response.status_code == (404 if path == "/nowhere-404" else 200), path
        parser = Assets()
        parser.feed(response.get_data(as_text=True))
        assert parser.urls, path
        for url in parser.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{path} loads {url} from elsewhere"
            seen.add(url)
    for url in sorted(seen):
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.data, url
    # Bootstrap comes from the installed Bootstrap-Flask package, not from a CDN or the repository.
    assert any(u.startswith("/bootstrap/static/") and u.endswith(".css") for u in seen)
    assert any(u.startswith("/bootstrap/static/") and u.endswith(".js") for u in seen)


def test_no_page_has_inline_script_or_style(client, world):
    for path, response in _pages(client, world):
        parser = Assets()
        parser.feed(response.get_data(as_text=True))
        assert parser.inline_scripts == [], path
        assert parser.style_attrs == [], path
        assert parser.handlers == [], path
        assert not re.search(r"<style[\s>]", response.get_data(as_text=True)), path


@pytest.mark.parametrize("path", ["/auth/login", "/bases", "/api/v1/bases", "/nowhere", "/static/app.css"])
def test_every_answer_carries_a_csp_that_forbids_inline_script(client, world, path):
    act_as(client, world.coord)
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "http:" not in csp and "https:" not in csp and "*" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
