"""A round's public-notice list (公示名单) and recognition list (认定名单), as Excel and Word files
ready to publish: who is on them, in which order, and the Chinese fonts of the Word document."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from registry.audit.services import set_actor
from registry.checks.models import ApplicationRound
from registry.extensions import db
from registry.reports import published
from tests.checks.conftest import eligible_base, walk_to
from tests.conftest import text_of


@pytest.fixture(autouse=True)
def _actor(world):
    set_actor(db.session, None, "fixture")


def _base(code, university, enterprise, field, name):
    base = eligible_base(code, university, enterprise)
    base.field, base.name = field, name
    db.session.flush()
    return base


@pytest.fixture
def round_2022(world):
    """Five bases of the 2022 round: three recognised, one still on public notice, one not recognised."""
    world.ent2.scale, world.ent2.rd_focus, world.ent2.practice_conditions = "8000人", "船舶设计", "项目、实验室"
    a1 = _base("L-A1", world.uni, world.ent, "ai", "智能感知示范基地")
    a0 = _base("L-A0", world.uni, world.ent, "ai", "智能系统示范基地")
    a2 = _base("L-A2", world.uni, world.ent, "ships_ocean", "海洋装备示范基地")
    b1 = _base("L-B1", world.uni2, world.ent2, "ai", "智能船舶示范基地")
    b2 = _base("L-B2", world.uni2, world.ent2, "energetic_materials", "含能材料示范基地")
    for base in (a1, b1, a0):
        walk_to(base, "recognised", world)
    walk_to(a2, "public_notice", world)
    walk_to(b2, "not_recognised", world)
    db.session.commit()
    return db.session.query(ApplicationRound).filter_by(year=2022).one()


def test_who_is_listed_and_in_which_order(round_2022):
    # Key field in the notice's order (ships before AI), ministry universities first, then code.
    assert [r.base.code for r in published.listed(round_2022, "notice")] == ["L-A2", "L-A0", "L-A1", "L-B1"]
    recognised = published.listed(round_2022, "recognition")
    assert [(r.number, r.base.code) for r in recognised] == [(1, "L-A0"), (2, "L-A1"), (3, "L-B1")]
    assert recognised[0].field == "人工智能"


def test_lists_as_excel(round_2022, world, client, login_as):
    login_as(world.admin)
    response = client.get("/reports/lists/2022/recognition.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["认定名单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "基地名称", "依托高校", "合作企业", "重点领域")
    assert [r[:4] for r in rows[1:]] == [(1, "智能系统示范基地", "示范工业大学", "星海航天动力研究所"),
                                         (2, "智能感知示范基地", "示范工业大学", "星海航天动力研究所"),
                                         (3, "智能船舶示范基地", "示范理工学院", "远帆船舶集团")]
    assert rows[1][5] == "2022-12-27"
    notice = load_workbook(io.BytesIO(client.get("/reports/lists/2022/notice.xlsx").data))["公示名单"]
    notice_rows = list(notice.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in notice_rows] == ["海洋装备示范基地", "智能系统示范基地", "智能感知示范基地", "智能船舶示范基地"]
    assert notice_rows[0][5:7] == ("2022-12-20", "2022-12-26")


def _east_asian_font(run_or_style) -> str | None:
    fonts = run_or_style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_lists_as_word_documents_ready_to_publish(round_2022, world, client, login_as):
    login_as(world.admin)
    response = client.get("/reports/lists/2022/recognition.docx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    heading = document.paragraphs[0]
    assert heading.text == "2022年度工业和信息化部校企协同育人示范基地认定名单"
    assert _east_asian_font(heading.runs[0]) == "黑体"
    assert "认定以下3个基地" in document.paragraphs[1].text
    assert _east_asian_font(document.paragraphs[1].runs[0]) == "宋体"
    assert _east_asian_font(document.styles["Normal"]) == "宋体"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "基地名称", "依托高校", "合作企业", "重点领域"]
    assert _east_asian_font(table.rows[0].cells[0].paragraphs[0].runs[0]) == "黑体"
    assert [[c.text for c in row.cells][:3] for row in table.rows[1:]] == [
        ["1", "智能系统示范基地", "示范工业大学"], ["2", "智能感知示范基地", "示范工业大学"],
        ["3", "智能船舶示范基地", "示范理工学院"]]
    assert _east_asian_font(table.rows[1].cells[1].paragraphs[0].runs[0]) == "宋体"
    notice = Document(io.BytesIO(client.get("/reports/lists/2022/notice.docx").data))
    assert notice.paragraphs[0].text.endswith("公示名单")
    assert "公示期为2022年12月20日至2022年12月26日" in notice.paragraphs[1].text
    assert [row.cells[1].text for row in notice.tables[0].rows[1:]][0] == "海洋装备示范基地"


def test_lists_page_and_who_may_download(round_2022, world, client, login_as):
    login_as(world.admin)
    page = client.get("/reports/lists")
    assert page.status_code == 200
    row = page.get_data(as_text=True).split('data-year="2022"')[1].split("</tr>")[0]
    assert "4 个基地" in row and "3 个基地" in row
    assert client.get("/reports/lists/2021/notice.docx").status_code == 404
    assert client.get("/reports/lists/2022/other.docx").status_code == 404
    assert client.get("/reports/lists/2022/notice.pdf").status_code == 404
    login_as(world.unicoord)
    assert client.get("/reports/lists/2022/notice.docx").status_code == 403
    assert "公示与认定名单" not in text_of(client.get("/reports"))


def test_an_empty_list_is_still_a_document(world):
    from tests.checks.conftest import new_round

    r = new_round(world.admin, year=2030, deadline=__import__("datetime").date(2030, 11, 15),
                  opens_on=__import__("datetime").date(2030, 9, 1))
    assert published.listed(r, "recognition") == []
    document = Document(io.BytesIO(published.docx(r, "recognition")))
    assert "认定以下0个基地" in document.paragraphs[1].text and len(document.tables[0].rows) == 1
