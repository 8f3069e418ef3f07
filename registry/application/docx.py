"""The application form 《工业和信息化部校企协同育人示范基地建设申请书》 as a Word document
(python-docx), rendered from the form's data (`queries.collect` or the frozen copy): A4, a cover,
the sections with the registry's figures, the construction plan per construction year, signature
and seal blocks, and the list of evidence. Chinese typesetting: East Asian fonts set on every
style (宋体 title, 黑体 headings, 仿宋 body), page numbers in the footer (none on the cover).

The document is Chinese (the ministry's form), whatever the interface language.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from registry.application.queries import indicator_labels

SONG, FANG, HEI = "宋体", "仿宋", "黑体"
KINDS = {"ministry": "部属高校", "co_built": "部省共建高校"}
SIDES = {"enterprise": "企业导师", "university": "校内导师"}
DIRECTIONS = {"university_to_enterprise": "高校→企业", "enterprise_to_university": "企业→高校"}
EXCHANGE_KINDS = {"secondment": "挂职锻炼", "visit": "交流访学", "study_tour": "企业游学"}
LEVELS = {"undergraduate": "本科生", "master": "硕士研究生", "doctoral": "博士研究生"}
EMPLOYMENT = {"partner_enterprise": "合作企业就业", "industry": "行业内其他单位就业", "other": "行业外就业",
              "further_study": "继续深造", "seeking": "待就业"}
AREAS = {"base_building": "基地建设", "joint_training": "联合培养", "mentor_management": "导师管理",
         "student_management": "学生管理", "cooperation_exchange": "合作交流", "secondment": "挂职锻炼",
         "quality_evaluation": "质量评价"}
LAB_KINDS = {"joint_lab": "联合实验室", "innovation_centre": "协同创新中心"}
PROJECT_KINDS = {"national_major_project": "国家重大专项", "major_engineering": "重大工程", "other": "其他重大任务"}
COURSE_LEVELS = {"undergraduate": "本科", "master": "硕士", "doctoral": "博士"}
GROUP_ROLES = {"leader": "组长", "deputy_leader": "副组长", "member": "成员", "secretary": "秘书"}
NUMERALS = "一二三四五六七八九十"
PLAN_PARTS = (("goals", "建设目标"), ("content", "建设内容"), ("safeguards", "保障措施"), ("funding", "经费投入"))
YEAR_LABELS = ("第一建设年度", "第二建设年度", "第三建设年度")


def _east_asian(element, name: str) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style(doc, style_name: str, font: str, size: float, bold: bool = False) -> None:
    style = doc.styles[style_name]
    style.font.name = font
    style.font.size = Pt(size)
    style.font.bold = bold
    _east_asian(style.element, font)


def _run(paragraph, text: str, font: str | None = None, size: float | None = None, bold: bool | None = None):
    run = paragraph.add_run(text)
    if font:
        run.font.name = font
        _east_asian(run._element, font)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    return run


def _page_number(paragraph) -> None:
    """A PAGE field: the page's number, as Word computes it."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


class Writer:
    def __init__(self):
        self.doc = Document()
        doc = self.doc
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(37)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.different_first_page_header_footer = True  # the cover has no page number
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_number(footer)
        _style(doc, "Normal", FANG, 14)
        _style(doc, "Title", SONG, 22, bold=True)
        _style(doc, "Heading 1", HEI, 16)
        _style(doc, "Heading 2", HEI, 14)
        for name in ("Title", "Heading 1", "Heading 2"):
            doc.styles[name].font.color.rgb = None
        self._chapter = 0
        self._grid = doc.styles["Table Grid"]
        self._headings = {1: doc.styles["Heading 1"], 2: doc.styles["Heading 2"]}

    def heading(self, text: str, level: int = 1):
        if level == 1:
            text = f"{NUMERALS[self._chapter]}、{text}"
            self._chapter += 1
        return self.doc.add_paragraph(text, style=self._headings[level])

    def para(self, text: str, indent: bool = True):
        p = self.doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)
        for i, line in enumerate((text or "").split("\n")):
            if i:
                p.add_run().add_break()
            p.add_run(line)
        return p

    def table(self, header, rows, widths=None):
        rows = list(rows)
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self._grid  # a style object: looking a style up by name costs a scan each time
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table_rows = iter(table.rows)  # iterated once: indexing `rows` rebuilds the list each time
        for j, cell in enumerate(next(table_rows).cells):
            _run(cell.paragraphs[0], str(header[j]), font=HEI, size=10.5)
        for row, values in zip(table_rows, rows):
            for cell, value in zip(row.cells, values):
                cell.text = "" if value is None else str(value)
        return table

    def fields(self, pairs):
        """A two-column table of label → value."""
        return self.table(("项目", "内容"), pairs)

    def page_break(self):
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _percent(share) -> str:
    return f"{float(share) * 100:.2f}%"


def _cover(w: Writer, data: dict, submitted_on: str | None) -> None:
    base = data["base"]
    for _ in range(3):
        w.doc.add_paragraph()
    title = w.doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, data["title"], font=SONG, size=22, bold=True)
    for _ in range(3):
        w.doc.add_paragraph()
    plan = data.get("plan") or {}
    for label, value in (("基地名称", base["name"]), ("依托高校", base["university"]),
                         ("合作企业（院所）", "、".join(e["name"] for e in base["enterprises"])),
                         ("所属重点领域", base["field_name"]), ("联 系 人", plan.get("contact_name", "")),
                         ("联系电话", plan.get("contact_phone", "")),
                         ("填报日期", submitted_on or data["as_of"])):
        p = w.doc.add_paragraph()
        p.paragraph_format.left_indent = Mm(20)
        _run(p, f"{label}：", font=HEI, size=16)
        _run(p, value or "", font=FANG, size=16)
    for _ in range(4):
        w.doc.add_paragraph()
    p = w.doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "中华人民共和国工业和信息化部制", font=SONG, size=16)
    w.page_break()


def render(data: dict, *, submitted_on: str | None = None) -> bytes:
    """The .docx bytes of the form `data` (see `queries.collect`)."""
    w = Writer()
    base, ratio, gov, teaching = data["base"], data["ratio"], data["governance"], data["teaching"]
    _cover(w, data, submitted_on)

    w.heading("基地基本情况")
    w.fields([("基地名称", base["name"]), ("基地代码", base["code"]),
              ("依托高校", f"{base['university']}（{KINDS.get(base['university_kind'], '')}）"),
              ("合作企业（院所）", "、".join(e["name"] for e in base["enterprises"])),
              ("所属重点领域", base["field_name"]),
              ("校企合作起始时间", base["cooperation_since"]),
              ("校企合作年限", f"{base['cooperation_years']} 年（截至 {data['as_of']}）"),
              ("联合培养经历", f"已联合培养研究生 {data['postgraduates_trained']} 人；"
                           f"{'参与' if base['excellent_engineer_programme'] else '未参与'}卓越工程师计划")])
    if base.get("description"):
        w.para(base["description"])
    w.heading("合作企业（院所）情况", 2)
    w.table(("企业（院所）", "规模", "研发方向", "可提供的实践条件"),
            [(e["name"], e["scale"], e["rd_focus"], e["practice_conditions"]) for e in base["enterprises"]])

    w.heading("导师队伍")
    w.para(f"统计日期：{data['as_of']}。按聘任有效的导师（人）统计，企业导师须占导师队伍三分之一以上。", indent=False)
    w.table(("企业导师", "校内导师", "导师总数", "企业导师占比", "是否达到三分之一"),
            [(ratio["enterprise"], ratio["university"], ratio["total"], _percent(ratio["share"]),
              "是" if ratio["meets"] else "否")])
    w.heading("导师名单", 2)
    w.table(("序号", "姓名", "类别", "工作单位", "职称", "研究方向"),
            [(i, m["name"], SIDES.get(m["side"], m["side"]), m["organisation"], m["title"], m["expertise"])
             for i, m in enumerate(data["mentors"], start=1)])

    ex = data["exchanges"]
    w.heading("双向交流")
    w.table(("年度", "方向", "形式", "人次"),
            [(r["year"], DIRECTIONS.get(r["direction"], r["direction"]), EXCHANGE_KINDS.get(r["kind"], r["kind"]),
              r["people"]) for r in ex["by_year"]])
    if ex["list"]:
        w.heading("交流人员", 2)
        w.table(("姓名", "单位", "职称", "形式", "方向", "接收单位", "起止时间", "参与科技攻关"),
                [(e["person"], e["organisation"], e["title"], EXCHANGE_KINDS.get(e["kind"], e["kind"]),
                  DIRECTIONS.get(e["direction"], e["direction"]), e["host"],
                  f"{e['from']}至{e['until'] or '今'}", e["projects"]) for e in ex["list"]])

    w.heading("联合教学")
    w.heading(f"行业精品课程（{len(teaching['courses'])} 门）", 2)
    w.table(("课程代码", "课程名称", "企业主讲教师", "学时", "学分", "层次", "开设年份"),
            [(c["code"], c["title"], c["teachers"], c["hours"], c["credits"],
              COURSE_LEVELS.get(c["level"], c["level"]), c["first_year"]) for c in teaching["courses"]])
    w.heading(f"教学案例（{len(teaching['cases'])} 个）", 2)
    w.table(("案例名称", "作者", "来源", "年份"),
            [(c["title"], c["authors"], c["source"], c["year"]) for c in teaching["cases"]])
    w.heading(f"课程教材（{len(teaching['textbooks'])} 部）", 2)
    w.table(("教材名称", "作者", "出版社", "年份", "ISBN"),
            [(b["title"], b["authors"], b["publisher"], b["year"], b["isbn"]) for b in teaching["textbooks"]])
    w.heading(f"校企教学团队（{len(teaching['teams'])} 个）", 2)
    w.table(("团队名称", "成立时间", "校内成员", "企业成员"),
            [(t["name"], t["established_on"], t["university"], t["enterprise"]) for t in teaching["teams"]])

    w.heading("联合创新")
    w.heading(f"联合实验室、协同创新中心（{len(teaching['labs'])} 个）", 2)
    w.table(("名称", "类别", "成立时间", "共建单位"),
            [(x["name"], LAB_KINDS.get(x["kind"], x["kind"]), x["established_on"], x["partners"])
             for x in teaching["labs"]])
    w.heading(f"承担重大任务（{len(teaching['projects'])} 项）", 2)
    w.table(("项目名称", "类别", "编号", "牵头单位", "起止时间"),
            [(p["name"], PROJECT_KINDS.get(p["category"], p["category"]), p["project_no"], p["lead"],
              f"{p['from']}至{p['until'] or '今'}") for p in teaching["projects"]])
    w.heading(f"成果转化（{len(teaching['transfers'])} 项）", 2)
    w.table(("成果名称", "受让方", "日期", "合同金额（万元）"),
            [(r["title"], r["recipient"], r["on"], r["value"]) for r in teaching["transfers"]])

    w.heading("组织管理与制度建设")
    w.table(("类别", "名称", "文号/版本", "日期"),
            [("合作协议", a["title"], a["document_no"], a["signed_on"]) for a in gov["agreements"]]
            + [("人才培养方案", p["title"], p["version"], p["adopted_on"]) for p in gov["training_plans"]]
            + [("双向交流机制", a["title"], "", a["established_on"]) for a in gov["arrangements"]])
    group = gov.get("working_group")
    w.heading("建设工作组", 2)
    if group:
        w.para(f"{group['name']}（成立于 {group['established_on']}）", indent=False)
        w.table(("姓名", "单位", "职务", "工作组职务"),
                [(m["name"], m["organisation"], m["position"], GROUP_ROLES.get(m["role"], m["role"]))
                 for m in group["members"]])
    else:
        w.para("尚未成立。", indent=False)
    w.heading("规章制度（七个方面）", 2)
    covered = set(gov["areas_covered"])
    titles: dict = {}
    for r in gov["regulations"]:
        titles.setdefault(r["area"], []).append(r["title"])
    w.table(("方面", "是否建立", "制度名称"),
            [(label, "已建立" if key in covered else "未建立", "；".join(titles.get(key, [])))
             for key, label in AREAS.items()])

    st = data["students"]
    w.heading("学生培养与就业")
    w.table(("类别", "人数"), [(LEVELS[k], st["by_level"].get(k, 0)) for k in LEVELS]
            + [("已毕业", st["graduated"])])
    w.table(("就业去向", "人数"), [(label, st["employment"].get(k, 0)) for k, label in EMPLOYMENT.items()])

    plan = data.get("plan") or {}
    w.heading("建设规划")
    for key, label in PLAN_PARTS:
        w.heading(label, 2)
        w.para(plan.get(key) or "（未填写）")
    w.heading("建设指标（按建设年度）", 2)
    targets = plan.get("targets") or {}
    labels = indicator_labels()
    w.table(("指标", *YEAR_LABELS),
            [(label, *[targets.get(key, {}).get(str(y), "") for y in (1, 2, 3)]) for key, label in labels.items()])

    w.heading("意见与签章")
    for label, key, signer in (("依托高校意见", "university_opinion", "高校负责人签字"),
                               ("合作企业（院所）意见", "enterprise_opinion", "企业（院所）负责人签字")):
        w.heading(label, 2)
        w.para(plan.get(key) or "")
        for line in (f"{signer}：", "（单位公章）", "年　　月　　日"):
            p = w.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.add_run(line)
    w.para(f"联系人：{plan.get('contact_name', '')}　电话：{plan.get('contact_phone', '')}　"
           f"电子邮箱：{plan.get('contact_email', '')}", indent=False)

    w.heading("佐证材料目录")
    w.table(("序号", "类别", "记录", "文件名", "大小（字节）"),
            [(i, f["section_label"], f["record"], f["name"], f["size"])
             for i, f in enumerate(data["evidence"], start=1)])
    return w.save()
