"""Demo of the checks area: the 2022 round (deadline 2022-11-15) and SF-AP-01's life through to its
construction cycle, with reviews, targets and annual plans and summaries.

SF-AP-01 is submitted through the real service, so on 2022-11-10 it must pass R1–R8 on the
records of that day. The other areas' demos describe the base as it is today (a 2023 training
plan, no quality-evaluation regulation, a suspended enterprise mentor); what it had in 2022 is
added here through their services, without changing what they show today:
- the 2021 version of the training plan (superseded by the 2023 one);
- a quality-evaluation regulation of 2021 that expired at the end of 2023 (so it is missing today);
- an enterprise mentor who served from 2020-09-01 to 2023-08-31 (so today's count is unchanged).

SF-AI-02, a second base of 示范工业大学, is preparing its application: it passes every rule but
R2 (1 enterprise mentor of 4; one more makes 2 of 5), so a coordinator can check it, add the
missing mentor and submit it into a round.
"""
from __future__ import annotations

import datetime as dt

from registry.checks import lifecycle, services
from registry.checks.models import ApplicationRound
from registry.extensions import db
from registry.governance import services as governance
from registry.mentors import services as mentors
from registry.orgs import services as orgs

D = dt.date


def _records_of_2022(ctx):
    base = ctx["base"]
    governance.create_plan(base, {"title": "航天动力工程硕士联合培养方案", "version": "2021版",
                                  "adopted_on": D(2021, 6, 30), "authors": "示范工业大学宇航学院、星海航天动力研究所"}, actor=None)
    governance.create_regulation(base, {"area": "quality_evaluation", "title": "联合培养质量评价办法（试行）",
                                        "issued_on": D(2021, 3, 1), "valid_until": D(2023, 12, 31)}, actor=None)
    mentors.add_mentor_to_base(base, name="邓海川", side="enterprise", organisation=ctx["enterprise"].name,
                               staff_no="XH-0009", starts_on=D(2020, 9, 1), ends_on=D(2023, 8, 31),
                               title="研究员", degree="博士", expertise="发动机总体", actor=None)


def _preparing_base(ctx):
    uni, ent = ctx["university"], ctx["enterprise"]
    base = orgs.create_base("SF-AI-02", name="示范工业大学—星海智能测控校企协同育人示范基地", university=uni,
                            enterprises=[ent], field="ai", cooperation_since=D(2020, 3, 1),
                            description="面向航天智能测控的校企联合培养，正在准备申报。", actor=None)
    people = {}
    for name, side, org, no, title in (("林知远", "university", uni.name, "U2001", "教授"),
                                       ("宋佳", "university", uni.name, "U2002", "副教授"),
                                       ("唐一凡", "university", uni.name, "U2003", "讲师"),
                                       ("许振华", "enterprise", ent.name, "XH-0201", "研究员")):
        people[no], _appt, _created = mentors.add_mentor_to_base(
            base, name=name, side=side, organisation=org, staff_no=no, starts_on=D(2021, 9, 1), title=title, actor=None)
    student = mentors.create_student(base, name="周若溪", student_no="S2023101", level="master",
                                     enrolment_year=2023, programme="控制科学与工程", actor=None)
    mentors.assign_mentors(student, university_mentor=people["U2001"], enterprise_mentor=people["XH-0201"],
                           starts_on=D(2023, 9, 1), actor=None)
    governance.create_agreement(base, {"title": "示范工业大学—星海航天动力研究所智能测控合作协议",
                                       "parties": f"{uni.name}\n{ent.name}", "signed_on": D(2020, 3, 1),
                                       "valid_until": D(2030, 2, 28)}, actor=None)
    governance.create_plan(base, {"title": "智能测控工程硕士联合培养方案", "version": "2022版",
                                  "adopted_on": D(2022, 6, 30)}, actor=None)
    governance.create_arrangement(base, {"title": "智能测控方向双向交流机制", "established_on": D(2020, 9, 1)}, actor=None)
    for area, title in (("base_building", "基地建设管理办法"), ("joint_training", "联合培养管理规定"),
                        ("mentor_management", "导师管理办法"), ("student_management", "学生管理规定"),
                        ("cooperation_exchange", "合作交流办法"), ("secondment", "挂职锻炼办法"),
                        ("quality_evaluation", "质量评价办法")):
        governance.create_regulation(base, {"area": area, "title": title, "issued_on": D(2021, 3, 1)}, actor=None)
    return base


def load(ctx) -> None:
    users = ctx["users"]
    admin, reviewer, unicoord = users["admin"], users["reviewer"], users["university_coordinator"]
    base = ctx["base"]
    _records_of_2022(ctx)
    r = services.open_round(actor=admin, year=2022, opens_on=D(2022, 9, 1), deadline=D(2022, 11, 15),
                            quota_ministry=3, quota_co_built=2, name="2022年校企协同育人示范基地申报",
                            notes="按通知要求，部属高校不超过3个，部省共建高校不超过2个。")
    services.assign_reviewer(r, reviewer, actor=admin)
    sub = services.submit_base(r, base, actor=unicoord, on=D(2022, 11, 10))
    lifecycle.transition(base, "under_review", actor=admin, effective_on=D(2022, 11, 25),
                         reason="形式审查通过，进入专家评审。")
    services.record_review(sub, actor=reviewer, score=88,
                           opinion="校企合作基础扎实，企业导师队伍结构合理；建议进一步完善质量评价制度。")
    lifecycle.transition(base, "public_notice", actor=admin, effective_on=D(2022, 12, 26),
                         reason="专家评审通过，在部网站公示。", evidence="公示通知 2022-12-26")
    lifecycle.transition(base, "recognised", actor=admin, effective_on=D(2023, 1, 5),
                         reason="公示期满无异议，予以认定。", evidence="工信人函〔2023〕1号（示例）")
    lifecycle.transition(base, "in_construction", actor=admin, effective_on=D(2023, 1, 5),
                         reason="建设方案已备案，进入三年建设周期。")
    coordinator = users["base_coordinator"]
    targets = {}
    for year, mentors_total, enterprise, share, students, courses, secondments in (  # construction years 1-3
            (1, 16, 5, 34, 4, 1, 1), (2, 18, 6, 34, 6, 2, 2), (3, 20, 7, 35, 8, 2, 2)):
        targets.update({("mentors_total", year): mentors_total, ("enterprise_mentors", year): enterprise,
                        ("enterprise_share", year): share, ("students_jointly_trained", year): students,
                        ("industry_courses", year): courses, ("secondments_to_enterprise", year): secondments,
                        ("teaching_cases", year): 2, ("joint_labs", year): 1 if year == 1 else 0})
    services.set_targets(base, targets, actor=coordinator)
    services.save_annual_report(base, 1, actor=coordinator,
                                plan="新增企业导师2名；开设行业精品课程1门；选派青年教师赴企业挂职1人。",
                                summary="完成导师队伍扩充；“液体火箭发动机设计实践”课程首次开设；挂职教师参与试车台改造项目。")
    services.save_annual_report(base, 2, actor=coordinator,
                                plan="联合培养研究生6名；新增教学案例2个；完善质量评价制度。",
                                summary="联合培养研究生按计划推进；质量评价制度修订稿待发布。")
    db.session.flush()
    ctx["round_2022"] = db.session.get(ApplicationRound, r.id)
    ctx["preparing_base"] = _preparing_base(ctx)
