"""Chinese first, English one click away, and no untranslated string in the Chinese catalogue."""
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from registry.config import PROJECT_ROOT
from registry.errors import DomainError, _l, bilingual
from tests.conftest import act_as, section_text, text_of

ZH_PO = Path(PROJECT_ROOT) / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_the_chinese_catalogue_has_no_empty_or_fuzzy_entry():
    with open(ZH_PO, "rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    bad = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            bad.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not bad, (f"{len(bad)} Chinese entries are empty or fuzzy; translate them with "
                     "`python scripts/i18n.py fill FILE.json`:\n" + "\n".join(bad))


def test_the_catalogue_header_is_not_fuzzy():
    with open(ZH_PO, "rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    assert not catalog.fuzzy  # a fuzzy catalogue is not compiled at all


def test_pages_are_chinese_by_default_and_english_after_one_click(client, world):
    act_as(client, world.coord)
    page = client.get("/bases")
    assert '<html lang="zh-CN">' in page.get_data(as_text=True)
    assert "示范基地" in section_text(page, "base-table") or "代码" in section_text(page, "base-table")
    nav = text_of(page)
    assert "退出登录" in nav and "English" in nav
    switch = client.get("/lang/en?next=/bases")
    assert switch.status_code == 302 and switch.headers["Location"] == "/bases"
    page = client.get("/bases")
    assert '<html lang="en">' in page.get_data(as_text=True)
    text = text_of(page)
    assert "Log out" in text and "Code" in text and "Partner enterprises" in text and "中文" in text
    assert "退出登录" not in text
    client.get("/lang/zh_Hans_CN")
    assert "退出登录" in text_of(client.get("/bases"))


def test_the_login_page_of_an_anonymous_visitor_is_chinese(client):
    page = text_of(client.get("/auth/login"))
    assert "登录" in page and "用户名" in page and "密码" in page


def test_every_foundation_page_is_translated(client, world):
    """A Chinese page shows no English words from the interface (names and codes aside)."""
    import re

    act_as(client, world.admin)
    english_words = re.compile(r"\b(?!SF|SL|AP|SO|API|CSV|ID)[A-Za-z]{4,}\b")
    allowed = {"English", "Bearer", "TOKEN", "Authorization", "admin", "coord", "coord2", "unicoord", "reviewer",
               "mentor", "fixture", "ministry", "aerospace", "shipbuilding", "aerospace_propulsion", "ships_ocean",
               "preparing", "enterprise", "university", "base", "user", "appointment", "active", "True", "False",
               "None", "name", "kind", "province", "sector", "scale", "code", "field", "status", "description",
               "username", "display_name", "password_hash", "role", "locale", "university_id", "mentor_id",
               "cooperation_since", "max_students_per_mentor", "excellent_engineer_programme", "rd_focus",
               "practice_conditions", "bases", "enterprises", "side", "organisation", "staff_no", "title", "degree",
               "expertise", "email", "phone", "biography", "starts_on", "ends_on", "state", "reason", "base_id"}
    for path in ["/bases", f"/bases/{world.base.code}/edit", "/bases/new", "/universities", "/universities/new",
                 "/enterprises", "/enterprises/new", "/auth/account", "/auth/tokens", "/auth/users",
                 "/auth/users/new", f"/auth/users/{world.coord.id}/password", "/nowhere"]:
        words = set(english_words.findall(text_of(client.get(path)))) - allowed
        words = {w for w in words if not re.search(r"[a-z]+_[a-z]+", w)}
        assert not words, (path, sorted(words))


def test_the_audit_page_speaks_chinese_around_its_record_codes(client, world):
    act_as(client, world.admin)
    page = client.get("/audit/")
    headers = section_text(page, "audit-table").split("  ")[0]
    for word in ("时间", "操作人", "操作", "记录", "基地", "变更内容", "新建"):
        assert word in text_of(page), word
    assert "When" not in headers and "Changes" not in headers


def test_domain_errors_carry_both_languages():
    error = DomainError(_l("A base with code %(code)s already exists."), field="code", code="X-1")
    assert error.zh == "代码为 X-1 的基地已存在。"
    assert error.en == "A base with code X-1 already exists."
    assert bilingual(_l("%(label)s is required."), label=_l("Base name")) == ("请填写基地名称。", "Base name is required.")
