"""The application form's benchmark, run by scripts/bench.py (or alone: `python3 scripts/bench.py
--only application`): generating the 申请书 (.docx) of a base with 500 mentors and 200 records
(`application.queries.collect` with its queries, then `application.docx.render`) against the
floor of python-docx itself writing the same paragraphs and tables into a blank document, with no
query and no styling, measured in the same run (target ≤ 2×)."""
from __future__ import annotations

import datetime as dt
import io

TARGET = 2.0
MENTORS, RECORDS = 500, 200


def _build_base():
    from registry.audit.services import set_actor
    from registry.exchanges.models import Exchange
    from registry.extensions import db
    from registry.governance.models import REGULATION_AREAS, CooperationAgreement, Regulation
    from registry.mentors.models import Appointment, Mentor
    from registry.orgs import services as orgs
    from registry.teaching.models import IndustryCourse, TeachingCase, Textbook

    set_actor(db.session, None, "bench")
    uni = orgs.create_university("申请书基准大学", "ministry", "北京", actor=None)
    ent = orgs.create_enterprise("申请书基准研究院", "aerospace", "3000人", "发动机", "实验室", actor=None)
    base = orgs.create_base("BENCH-FORM-01", name="申请书基准示范基地", university=uni, enterprises=[ent],
                            field="ai", cooperation_since=dt.date(2018, 9, 1), actor=None)
    people = [Mentor(name=f"导师{i:03d}", side="enterprise" if i % 3 == 0 else "university",
                     organisation=ent.name if i % 3 == 0 else uni.name, staff_no=f"BF{i:05d}",
                     title="高级工程师" if i % 3 == 0 else "教授", expertise="智能控制") for i in range(MENTORS)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all([Appointment(base_id=base.id, mentor_id=m.id, starts_on=dt.date(2020, 1, 1)) for m in people])
    per = RECORDS // 5
    db.session.add_all([IndustryCourse(base_id=base.id, code=f"C{i:03d}", title=f"行业课程{i}", lead_teachers="张工",
                                       hours=32, credits=2, level="master", first_year=2021) for i in range(per)])
    db.session.add_all([TeachingCase(base_id=base.id, title=f"教学案例{i}", year=2022) for i in range(per)])
    db.session.add_all([Textbook(base_id=base.id, title=f"教材{i}", authors="李", publisher="出版社", year=2022,
                                 isbn=f"978700000{i:04d}") for i in range(per)])
    db.session.add_all([Exchange(base_id=base.id, kind="secondment", direction="university_to_enterprise",
                                 person_name=f"教师{i}", person_organisation=uni.name, host_organisation=ent.name,
                                 starts_on=dt.date(2022, 3, 1)) for i in range(per)])
    areas = list(REGULATION_AREAS)
    db.session.add_all([Regulation(base_id=base.id, area=areas[i % len(areas)], title=f"管理办法{i}",
                                   issued_on=dt.date(2021, 1, 1)) for i in range(per - 1)])
    db.session.add(CooperationAgreement(base_id=base.id, title="合作协议", signed_on=dt.date(2019, 1, 1)))
    db.session.flush()
    return base


def _content(document) -> list:
    """The document's paragraphs and tables in order, as plain text: what the floor writes."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    items = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            items.append(("p", Paragraph(child, document).text))
        elif tag == "tbl":
            table = Table(child, document)
            items.append(("t", [[c.text for c in row.cells] for row in table.rows]))
    return items


def _floor(items) -> bytes:
    import docx

    document = docx.Document()
    for kind, value in items:
        if kind == "p":
            document.add_paragraph(value)
        else:
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for row, values in zip(table.rows, value):
                for cell, text in zip(row.cells, values):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def run(ctx: dict) -> dict:
    import docx

    from registry.application.docx import render
    from registry.application.queries import collect
    from registry.extensions import db

    as_of = ctx.get("as_of") or dt.date(2024, 6, 30)
    base = _build_base()
    try:
        ours = lambda: render(collect(base, as_of))  # noqa: E731
        items = _content(docx.Document(io.BytesIO(ours())))
        floor = lambda: _floor(items)  # noqa: E731
        mentors = sum(1 for kind, v in items if kind == "t" and v[0][0] == "序号" and len(v) > MENTORS)
        compare = ctx["compare"]
        t_ours, t_floor = compare(ctx["repeat"], ours, floor)
        ratio = t_ours / t_floor if t_floor else float("inf")
        return {"application_form": {"ours_s": round(t_ours, 4), "baseline_s": round(t_floor, 4),
                                     "ratio": round(ratio, 3), "target": TARGET, "passed": ratio <= TARGET,
                                     "mentors": MENTORS, "records": RECORDS, "mentor_table_found": bool(mentors)}}
    finally:
        db.session.rollback()
