"""Demo mentor teams (fictional people).

SF-AP-01: 9 university and 6 enterprise mentors today (and one former university mentor), one enterprise
mentor suspended (so 5 count: 5 of 14 meets one third; some joined in the last three years, so the
history chart moves), one enterprise appointment ends in 45 days (the early warning shows: 4 of 13 would
fail), a renewal,
a person who also serves SL-SO-01, students with dual mentors, one whose enterprise mentor is suspended and
one not yet assigned. SL-SO-01: 5 university and 1 enterprise mentor (fails; 2 more needed).
"""
from __future__ import annotations

import datetime as dt

from registry.mentors import services

ORG_UNI = "示范工业大学"
ORG_UNI2 = "示范理工学院"


def _person(base, name, side, organisation, staff_no, starts_on, ends_on=None, **profile):
    mentor, appt, _created = services.add_mentor_to_base(
        base, name=name, side=side, organisation=organisation, staff_no=staff_no, starts_on=starts_on,
        ends_on=ends_on, **profile, actor=None)
    return mentor, appt


def _months_ago(today: dt.date, months: int) -> dt.date:
    from dateutil.relativedelta import relativedelta

    return (today - relativedelta(months=months)).replace(day=1)


def load(ctx) -> None:
    today = dt.date.today()
    def ago(months):  # relative dates: the history chart moves with today
        return _months_ago(today, months)
    base, base2 = ctx["base"], ctx["base2"]
    ent, ent2 = ctx["enterprise"].name, ctx["enterprise2"].name
    chen = ctx["mentor"]  # 陈星海, the demo mentor account's record (enterprise, at SF-AP-01 since 2022-09-01)
    services.update_profile(chen, title=chen.title or "正高级工程师", degree=chen.degree or "博士",
                            expertise=chen.expertise or "液体火箭发动机", email="chen.xinghai@example.com",
                            phone="13800001001", biography="长期从事液体火箭发动机总体设计与试验，指导研究生十余名。", actor=None)

    # ---- SF-AP-01: university side --------------------------------------------------------
    u = {}
    uni_people = [
        ("王立航", "U1001", "教授", "博士", "燃烧与推进", dt.date(2019, 9, 1)),
        ("赵敏", "U1002", "教授", "博士", "涡轮机械", dt.date(2019, 9, 1)),
        ("孙海峰", "U1003", "副教授", "博士", "传热传质", dt.date(2020, 3, 1)),
        ("周雨桐", "U1004", "副教授", "博士", "推进剂化学", dt.date(2020, 9, 1)),
        ("吴建国", "U1005", "教授", "博士", "飞行器总体设计", dt.date(2021, 3, 1)),
        ("郑晓光", "U1006", "讲师", "博士", "数值模拟", ago(30)),
        ("冯雪", "U1007", "副教授", "博士", "材料与结构", dt.date(2022, 3, 1)),
        ("陈思远", "U1008", "教授", "博士", "控制系统", ago(22)),
        ("刘畅", "U1009", "讲师", "硕士", "试验测量", ago(9)),
    ]
    for i, (name, no, title, degree, expertise, start) in enumerate(uni_people):
        # 王立航's first term ended and was renewed: two appointments, counted once.
        end = dt.date(2022, 8, 31) if no == "U1001" else None
        u[no], appt = _person(base, name, "university", ORG_UNI, no, start, end, title=title, degree=degree,
                              expertise=expertise, email=f"u{no[1:]}@example.edu.cn", phone=f"1390000{1001 + i}")
        if no == "U1001":
            services.renew_appointment(appt, starts_on=dt.date(2022, 9, 1), actor=None)

    # ---- SF-AP-01: enterprise side (陈星海 is already there) ---------------------------------
    e = {"XH-0001": chen}
    e["XH-0002"], _ = _person(base, "李航宇", "enterprise", ent, "XH-0002", dt.date(2019, 9, 1),
                              title="研究员", degree="博士", expertise="发动机试验", phone="13700001002")
    e["XH-0003"], _ = _person(base, "马骁", "enterprise", ent, "XH-0003", ago(26),
                              title="高级工程师", degree="硕士", expertise="涡轮泵设计", phone="13700001003")
    # Ends within 45 days: the early warning names this appointment.
    e["XH-0004"], _ = _person(base, "黄振宇", "enterprise", ent, "XH-0004", dt.date(2021, 9, 1),
                              ends_on=today + dt.timedelta(days=45), title="高级工程师", degree="硕士",
                              expertise="推进剂贮存", phone="13700001004")
    e["XH-0005"], suspended = _person(base, "杨帆", "enterprise", ent, "XH-0005", dt.date(2022, 3, 1),
                                      title="高级工程师", degree="博士", expertise="喷管热防护", phone="13700001005")
    # Serves both bases: counts at each.
    e["YF-0101"], _ = _person(base, "林海洋", "enterprise", ent2, "YF-0101", ago(14),
                              title="正高级工程师", degree="博士", expertise="船用燃气轮机", phone="13600001101")
    services.appoint(base2, e["YF-0101"], starts_on=dt.date(2023, 3, 1), actor=None)
    # A university mentor who left the team: the history shows it, today's count does not.
    _gao, gao_appt = _person(base, "高远", "university", ORG_UNI, "U1010", dt.date(2019, 9, 1), title="教授",
                             expertise="固体推进")
    services.end_appointment(gao_appt, ends_on=ago(18) - dt.timedelta(days=1), reason="调往其他单位", actor=None)

    # ---- students with dual mentors --------------------------------------------------------
    def student(no, name, level, year, programme, **extra):
        return services.create_student(base, name=name, student_no=no, level=level, enrolment_year=year,
                                       programme=programme, **extra, actor=None)

    s1 = student("S2023001", "张子涵", "master", 2023, "航空宇航推进理论与工程", major_project="重型运载火箭发动机专项")
    s2 = student("S2023002", "李雨萱", "doctoral", 2023, "航空宇航推进理论与工程")
    s3 = student("S2024001", "王浩然", "master", 2024, "动力工程")
    s4 = student("S2024002", "刘思琪", "master", 2024, "材料工程")
    student("S2025001", "陈一鸣", "master", 2025, "动力工程")  # newly enrolled: no mentors yet
    s0 = student("S2021001", "赵明轩", "master", 2021, "航空宇航推进理论与工程",
                 graduated_on=dt.date(2024, 6, 30), employment="partner_enterprise", employer=ent)
    services.assign_mentors(s0, university_mentor=u["U1002"], enterprise_mentor=e["XH-0002"],
                            starts_on=dt.date(2021, 9, 1), ends_on=dt.date(2024, 6, 30), actor=None)
    services.assign_mentors(s1, university_mentor=u["U1001"], enterprise_mentor=chen,
                            starts_on=dt.date(2023, 9, 1), actor=None)
    services.assign_mentors(s2, university_mentor=u["U1005"], enterprise_mentor=chen,
                            starts_on=dt.date(2023, 9, 1), actor=None)
    services.assign_mentors(s3, university_mentor=u["U1003"], enterprise_mentor=e["XH-0002"],
                            starts_on=dt.date(2024, 9, 1), actor=None)
    services.assign_mentors(s4, university_mentor=u["U1007"], enterprise_mentor=e["XH-0005"],
                            starts_on=dt.date(2024, 9, 1), actor=None)
    # 杨帆 goes abroad from March 2025: suspended until further notice, so 刘思琪 lacks an enterprise mentor and
    # 杨帆 does not count from then on (before it, the team stays as it was).
    services.suspend_appointment(suspended, starts_on=dt.date(2025, 3, 1), reason="外派海外项目，暂停指导", actor=None)

    # ---- SL-SO-01: a small team below one third ---------------------------------------------
    for i, (name, title, expertise) in enumerate([("钱江", "教授", "船舶总体"), ("许诺", "副教授", "船舶结构"),
                                                  ("何静", "副教授", "船舶流体"), ("韩磊", "讲师", "海洋工程装备"),
                                                  ("曹阳", "教授", "轮机工程")]):
        _person(base2, name, "university", ORG_UNI2, f"L{2001 + i}", dt.date(2022, 3, 1), title=title,
                expertise=expertise)
