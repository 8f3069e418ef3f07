"""Demo governance records of SF-AP-01: everything but a quality-evaluation regulation, so the
base page shows one missing item."""
import datetime as dt

from registry.governance import services


def load(ctx):
    base, mentor = ctx["base"], ctx["mentor"]
    services.create_agreement(base, {
        "title": "示范工业大学—星海航天动力研究所校企合作协议", "document_no": "XH-HZ-2019-08",
        "parties": "示范工业大学\n星海航天动力研究所", "signed_on": dt.date(2019, 8, 20),
        "valid_until": dt.date(2029, 8, 19)}, actor=None)
    services.create_plan(base, {"title": "航天动力工程硕士联合培养方案", "version": "2023版",
                                "adopted_on": dt.date(2023, 6, 30), "authors": "示范工业大学宇航学院、星海航天动力研究所"}, actor=None)
    services.create_arrangement(base, {"title": "校企双向交流与挂职锻炼机制", "established_on": dt.date(2020, 3, 1)}, actor=None)
    group = services.create_group(base, {"name": "示范基地建设工作组", "established_on": dt.date(2020, 1, 10),
                                         "remit": "统筹基地建设、年度计划与总结"}, actor=None)
    services.add_group_member(group, {"name": "周校长", "side": "university", "organisation": ctx["university"].name,
                                      "position": "副校长", "group_role": "leader", "from_on": dt.date(2020, 1, 10)},
                              actor=None)
    services.add_group_member(group, {"mentor_id": mentor.id, "position": "副所长", "group_role": "deputy_leader",
                                      "from_on": dt.date(2022, 9, 1)}, actor=None)
    for area, title, issued in (
            ("base_building", "示范基地建设管理办法", dt.date(2020, 3, 1)),
            ("joint_training", "校企联合培养研究生管理规定", dt.date(2020, 3, 1)),
            ("mentor_management", "企业导师遴选与管理办法", dt.date(2020, 6, 1)),
            ("student_management", "联合培养研究生在企业期间管理规定", dt.date(2020, 6, 1)),
            ("cooperation_exchange", "校企合作交流管理办法", dt.date(2021, 1, 1)),
            ("secondment", "青年教师企业挂职锻炼管理办法", dt.date(2021, 1, 1))):
        services.create_regulation(base, {"area": area, "title": title, "issued_on": issued}, actor=None)
