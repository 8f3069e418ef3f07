"""Every link a page shows answers: log in as each role on the demo data, start from the landing page,
follow every same-site GET link and fail on any that answers 403 (or breaks). The links and buttons a
page shows must come from the same predicates that guard the routes."""
from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

MAX_PAGES = 1500  # per role: the demo data has a few hundred distinct pages
SKIPPED_PREFIXES = ("/static/", "/lang/")  # assets, and the language switch (same pages in another language)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.posts: list[str] = []  # the actions of POST forms: buttons

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.posts.append(attrs.get("action") or "")


def links_of(html: str, page_url: str, posts: bool = False) -> list[str]:
    """The same-site GET links of a page (with `posts`, the actions of its POST forms instead)."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in (parser.posts if posts else parser.hrefs):
        url, _ = urldefrag(urljoin("http://localhost" + page_url, href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != "localhost" or not parts.path:
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def pattern_of(app, url: str):
    """One visit per URL pattern and object: the endpoint, its path arguments, and which query
    parameters are set (not their values: `?as_of=` for every date is the same page)."""
    parts = urlsplit(url)
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(parts.path, method="GET")
    except HTTPException:
        return ("unknown", parts.path)
    return (endpoint, tuple(sorted((k, str(v)) for k, v in args.items())),
            tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})))


def refused_button(app, role: str, action: str) -> bool:
    """Whether the gate refuses `role` the POST a form on the page sends (checked without sending it)."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(action).path, method="POST")
    except HTTPException:
        return True
    roles = app.view_functions[endpoint].allowed_roles
    return "public" not in roles and role not in roles


def crawl(app, client, role: str, start: str = "/", on_page=None):
    """Breadth first from `start`; returns ({bad url: (status, first page showing it)}, pages seen).
    Buttons (POST forms) are not pressed: their action must be one `role` may send. `on_page(url,
    html)` is called with every HTML page reached (other tests read the pages the crawl finds)."""
    queue = deque([(start, None)])
    seen = {pattern_of(app, start)}
    bad = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url, source = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response.headers["Location"]]
        elif response.status_code == 200:
            targets = []
            if response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                if on_page is not None:
                    on_page(url, html)
                targets = links_of(html, url)
                for action in links_of(html, url, posts=True):
                    if action not in bad and refused_button(app, role, action):
                        bad[action] = ("button refused", url)
        else:
            bad[url] = (response.status_code, source)
            continue
        for target in targets:
            target = urlsplit(urljoin("http://localhost" + url, target))
            if target.netloc not in ("", "localhost"):
                continue
            target = target.path + (f"?{target.query}" if target.query else "")
            key = pattern_of(app, target)
            if key not in seen and not target.startswith(SKIPPED_PREFIXES):
                seen.add(key)
                queue.append((target, url))
    assert visited < MAX_PAGES, f"the crawl stopped at {MAX_PAGES} pages; raise the bound"
    return bad, visited


@pytest.mark.parametrize("username,role", DEMO_ACCOUNTS, ids=[role for _, role in DEMO_ACCOUNTS])
def test_no_role_is_shown_a_link_it_may_not_follow(app, demo_data, username, role):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    bad, visited = crawl(app, client, role)
    assert visited > 20  # the crawl got past the landing page
    assert not bad, f"{role} is shown {len(bad)} link(s) that fail:\n" + "\n".join(
        f"  {status} {url}  (linked from {source})" for url, (status, source) in sorted(bad.items()))


def test_the_crawl_reports_links_the_pages_should_not_show(app, demo_data, monkeypatch):
    """The rule links of the base page again shown to everyone: the crawl lists the ones a mentor meets."""
    monkeypatch.setattr("registry.authz.can_open", lambda user, endpoint: True)
    client = app.test_client()
    client.post("/auth/login", data={"username": "demo-mentor", "password": DEMO_PASSWORD})
    bad, _visited = crawl(app, client, "mentor")
    assert {status for status, _source in bad.values()} == {403}
    assert {"/bases/SF-AP-01/mentors", "/bases/SF-AP-01/students"} <= set(bad)


def test_a_reviewer_assigned_to_no_round_is_shown_no_link_to_one(app, demo_data):
    """Reviewers see only the rounds they review: the rules' link to the base's round is not theirs."""
    from registry.auth.services import create_user
    from tests.conftest import PASSWORD, commit_keeping_objects

    create_user("reviewer-2", "reviewer", PASSWORD, actor=None)
    commit_keeping_objects()
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "reviewer-2", "password": PASSWORD}).status_code == 302
    bad, _visited = crawl(app, client, "reviewer")
    assert not bad, "\n".join(f"{status} {url} (linked from {source})" for url, (status, source) in bad.items())
