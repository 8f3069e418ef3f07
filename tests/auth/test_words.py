"""Words, not machine text: every page of the crawl (every role, both languages) is read as a user
reads it, and must show no rule slug (`joint-training-experience`), no raw field or code name
(`base_id`, `under_review`), and, in English, no Chinese words except those of the data itself
(names of people, organisations, bases, what users typed) and the policy's clause numbers."""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from sqlalchemy import String, Text, select
from sqlalchemy.types import JSON

from registry.checks.rules import RULES
from registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from registry.extensions import db
from tests.auth.test_links import crawl

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")  # ideographs (punctuation is not a word)
SNAKE = re.compile(r"(?<![\w@./:=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/])")
# The language switch names each language in itself.
OWN_NAMES = {"中文"}


# Text a page marks as deliberately not in its language: literal spreadsheet headers and values a
# file must carry (`translate="no"`), an official Chinese document shown as it is (`lang="zh-CN"`).
LITERAL = re.compile(r'<(\w+)\b[^>]*\b(?:translate="no"|lang="zh-CN")[^>]*>.*?</\1>', re.S)


def visible_text(html: str) -> str:
    """What a user reads: the text of the page and the words of its controls (titles, labels,
    placeholders, option texts), without scripts, styles and the values of form fields."""
    html = re.sub(r"<(script|style|textarea)[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<html[^>]*>", "<html>", html)
    html = LITERAL.sub(" ", html)
    words = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return htmllib.unescape(" ".join([text, *words]))


def data_strings() -> str:
    """Every text the data holds (all string and JSON columns of all tables), one per line."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, ensure_ascii=False)
                if isinstance(value, str) and value:
                    found.append(value)
    return "\n".join(found)


def clause_words() -> set[str]:
    return {part for r in RULES.values() for part in CJK.findall(r.clause)}


def spreadsheet_words() -> set[str]:
    """The Chinese a spreadsheet carries (its column headers and the cell values the import takes,
    quoted in the column descriptions): an English import page must name them as the file has them."""
    from registry.errors import msgid_of
    from registry.imports.kinds import kinds

    words = set()
    for kind in kinds():
        words |= set(CJK.findall(kind.sheet_title or ""))
        for column in kind.spec.columns:
            words |= set(CJK.findall(column.name)) | set(CJK.findall(msgid_of(column.description or "")))
            for alias in getattr(column, "aliases", ()) or ():
                words |= set(CJK.findall(alias))
    return words


def problems_of(text: str, english: bool, data: str, allowed_cjk: set[str]) -> list[str]:
    found = []
    slugs = re.compile("|".join(re.escape(r.name) for r in RULES.values()))
    found += [f"rule slug {m}" for m in set(slugs.findall(text))]
    found += [f"raw name {m}" for m in set(SNAKE.findall(text))]
    if english:
        for run in set(CJK.findall(text)):
            if run in allowed_cjk or run in data:
                continue
            found.append(f"Chinese on an English page: {run}")
    return found


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("username,role", DEMO_ACCOUNTS, ids=[role for _, role in DEMO_ACCOUNTS])
def test_pages_speak_words_in_the_users_language(app, demo_data, username, role, language):
    data = data_strings()
    allowed = clause_words() | OWN_NAMES
    client = app.test_client()
    assert client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    client.get(f"/lang/{language}")
    problems: dict[str, list[str]] = {}

    sheets = allowed | spreadsheet_words()

    def read(url, html):
        for problem in problems_of(visible_text(html), language == "en", data,
                                   sheets if "/import/" in url else allowed):
            problems.setdefault(problem, []).append(url)

    _bad, visited = crawl(app, client, role, on_page=read)
    assert visited > 20
    assert not problems, f"{role} ({language}) reads machine text or the other language:\n" + "\n".join(
        f"  {problem}  (e.g. {urls[0]}, {len(urls)} page(s))" for problem, urls in sorted(problems.items()))


def test_the_scan_finds_what_it_looks_for():
    text = visible_text('<p>R1 joint-training-experience</p><td title="base_id">合作协议</td>'
                        '<a href="/x_y">ok</a><span>zhang_san@example.com</span>')
    found = problems_of(text, True, "张三", {"四"})
    assert "rule slug joint-training-experience" in found
    assert "raw name base_id" in found
    assert "Chinese on an English page: 合作协议" in found
    assert not [f for f in found if "zhang_san" in f or "x_y" in f]
