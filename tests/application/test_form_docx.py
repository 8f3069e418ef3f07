"""Issue 10 point 2: the application form as a .docx, opened again with python-docx: the title
and names on the cover, the mentor table equal to the ratio report on the same day, the plan per
construction year, Chinese fonts and page numbers, and the frozen form after submission."""
from __future__ import annotations

import datetime as dt
import io

import docx
from docx.oxml.ns import qn

from registry.application import services
from registry.application.export import form_document
from registry.application.queries import collect
from registry.application.docx import render
from registry.audit.services import set_actor
from registry.extensions import db
from registry.reports.ratio import ratios
from tests.checks.conftest import eligible_base, people, walk_to

D = dt.date


def _doc(content: bytes):
    return docx.Document(io.BytesIO(content))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _table_after(document, header_first: str):
    for t in document.tables:
        if t.rows[0].cells[0].text == header_first:
            return t
    raise AssertionError(f"no table starting with {header_first}")


def test_form_cover_names_mentor_table_equals_ratio_report(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("AP-DOC-1", world.uni, world.ent)
    people(base, "enterprise", 4, starts_on=D(2020, 1, 1))
    people(base, "university", 2, starts_on=D(2020, 1, 1), ends_on=D(2021, 12, 31))  # gone before the day
    services.save_plan(base, actor=world.admin, fields={"goals": "建成一流示范基地", "contact_name": "王老师"},
                       targets={("industry_courses", 1): 2, ("industry_courses", 3): 5})
    day = D(2022, 11, 1)
    data = collect(base, day)
    document = _doc(render(data))
    texts = _texts(document)
    assert "工业和信息化部校企协同育人示范基地建设申请书" in texts
    cover = "\n".join(texts[:25])
    for name in (base.name, world.uni.name, world.ent.name, data["base"]["field_name"],
                 "王老师"):
        assert name in cover, name
    report = ratios(day, [base.id])[0]
    mentor_table = _table_after(document, "企业导师")
    values = [c.text for c in mentor_table.rows[1].cells]
    assert values == [str(report.enterprise), str(report.university), str(report.total),
                      f"{report.share_display * 100:.2f}%", "是" if report.meets_requirement else "否"]
    assert report.enterprise == 2 + 1 + 4  # eligible_base: 2 + the postgraduate's mentor; plus 4
    names = _table_after(document, "序号")
    assert len(names.rows) - 1 == report.total
    plan = _table_after(document, "指标")
    assert [c.text for c in plan.rows[0].cells] == ["指标", "第一建设年度", "第二建设年度", "第三建设年度"]
    courses = next(r for r in plan.rows if r.cells[0].text == "行业精品课程")
    assert [c.text for c in courses.cells[1:]] == ["2", "", "5"]
    assert "建成一流示范基地" in texts


def test_page_a4_east_asian_fonts_and_page_numbers(world):
    set_actor(db.session, None, "fixture")
    document = _doc(render(collect(world.base, D(2022, 11, 1))))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
             for name in ("Normal", "Title", "Heading 1")}
    assert fonts == {"Normal": "仿宋", "Title": "宋体", "Heading 1": "黑体"}
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    assert section.different_first_page_header_footer


def test_the_submitted_form_is_frozen_when_the_roster_changes(world):
    set_actor(db.session, None, "fixture")
    base = eligible_base("AP-DOC-2", world.uni, world.ent)
    walk_to(base, "submitted", world)
    _name, before, data = form_document(base)
    ratio_before = data["ratio"]
    people(base, "enterprise", 10, starts_on=D(2020, 1, 1))  # the roster grows after submission
    _name, after, data_after = form_document(base)
    assert data_after["ratio"] == ratio_before
    first, second = _doc(before), _doc(after)
    assert [c.text for c in _table_after(first, "企业导师").rows[1].cells] == \
        [c.text for c in _table_after(second, "企业导师").rows[1].cells]
    assert "2022-11-01" in "\n".join(_texts(second)[:25])  # the submission's day on the cover


def test_collecting_the_form_costs_the_same_queries_for_10_or_60_mentors_and_records(world, query_counter):
    from registry.teaching.models import TeachingCase

    set_actor(db.session, None, "fixture")
    small = eligible_base("AP-Q-1", world.uni, world.ent)
    big = eligible_base("AP-Q-2", world.uni, world.ent)
    people(big, "enterprise", 30)
    people(big, "university", 30)
    db.session.add_all([TeachingCase(base_id=big.id, title=f"案例{i}", year=2021) for i in range(40)])
    db.session.add(TeachingCase(base_id=small.id, title="案例", year=2021))
    db.session.flush()
    counts = []
    for base in (small, big):
        db.session.expire_all()
        with query_counter() as n:
            data = collect(base, D(2022, 11, 1))
        counts.append(n())
    assert len(data["mentors"]) > 60 and len(data["teaching"]["cases"]) == 40
    assert counts[0] == counts[1], counts
