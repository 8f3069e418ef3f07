"""Every page of the crawl (tests/auth/test_links.py's crawler, driven through the browser), as
every role: nothing scrolls sideways on a phone (390×844), and axe-core finds no serious or
critical accessibility violation (at desktop width, where the whole navigation shows).

axe-core comes from the npm package pinned in package-lock.json (`npm ci` in the test set-up,
scripts/_setup.py) and is injected only here, into a context that bypasses the page's
Content-Security-Policy for that one script; the application never serves it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from registry.config import PROJECT_ROOT
from registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.auth.test_links import crawl, pattern_of

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
  }));
}"""


def _axe_path() -> Path:
    if not AXE.exists():
        sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
        import _setup

        _setup.ensure_node_modules()
    return AXE


class _Response:
    def __init__(self, status: int, mimetype: str = "", location: str = "", html: str = ""):
        self.status_code, self.mimetype, self.headers, self._html = status, mimetype, {"Location": location}, html

    def get_data(self, as_text=False):
        return self._html


class BrowserClient:
    """The crawler's client, through a real browser: each HTML page is opened in the page, checked
    at phone width and with axe at desktop width; anything else (redirects, downloads, images) is
    fetched with the context's own request API, sharing its login."""

    def __init__(self, page, app, axe: bool = True):
        self.page = page
        self.app = app
        self.axe = axe
        self.checked: set = set()  # (endpoint, query keys): one page of a kind is opened in the browser
        self.too_wide: dict[str, int] = {}
        self.violations: dict[tuple, list[str]] = {}

    def get(self, url: str):
        answer = self.page.request.get(url, max_redirects=0)
        mimetype = answer.headers.get("content-type", "").split(";")[0].strip()
        if answer.status != 200 or mimetype != "text/html":
            return _Response(answer.status, mimetype, answer.headers.get("location", ""))
        # Pages of one kind (endpoint and query keys: /mentors/1 and /mentors/2) share their template:
        # the first is opened and checked in the browser, the others only crawled for their links.
        endpoint, _args, query_keys = pattern_of(self.app, url)
        if (endpoint, query_keys) in self.checked:
            return _Response(200, "text/html", html=answer.text())
        self.checked.add((endpoint, query_keys))
        self.page.set_viewport_size(PHONE)
        self.page.goto(url, wait_until="load")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.too_wide[url] = width
        if self.axe:
            self.page.set_viewport_size(DESKTOP)
            self.page.add_script_tag(path=str(_axe_path()))
            for v in self.page.evaluate(RUN_AXE):
                self.violations.setdefault((v["impact"], v["id"], v["help"]), []).append(
                    f"{url}: {'; '.join(v['nodes'])}")
        return _Response(200, "text/html", html=self.page.content())


@pytest.fixture
def crawling_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server, locale="zh-CN", bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.skipif((os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
                    reason="layout and accessibility do not depend on the database: checked in the SQLite run, "
                           "which keeps CI's two runs within their time")
@pytest.mark.parametrize("username,role", DEMO_ACCOUNTS, ids=[role for _, role in DEMO_ACCOUNTS])
def test_every_page_fits_a_phone_and_passes_axe(app, crawling_page, username, role):
    page = crawling_page
    page.goto("/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state("load")
    client = BrowserClient(page, app)
    bad, visited = crawl(app, client, role)
    assert visited > 20
    assert not bad, bad
    assert not client.too_wide, f"{role}: pages wider than {PHONE['width']} px:\n" + "\n".join(
        f"  {url}: {width} px" for url, width in sorted(client.too_wide.items()))
    assert not client.violations, f"{role}: axe-core finds serious or critical violations:\n" + "\n".join(
        f"  [{impact}] {rule} ({help_}) on {len(where)} page(s), e.g.\n    " + "\n    ".join(where[:3])
        for (impact, rule, help_), where in sorted(client.violations.items()))
