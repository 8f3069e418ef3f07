"""Demo teaching and innovation records of SF-AP-01."""
import datetime as dt

from registry.teaching import services


def load(ctx):
    base, mentor, uni, ent = ctx["base"], ctx["mentor"], ctx["university"].name, ctx["enterprise"].name
    course = services.create_course(base, {
        "code": "AP6101", "title": "液体火箭发动机工程实践", "lead_teachers": "陈星海", "hours": 32, "credits": "2",
        "terms_offered": "2023秋、2024秋", "level": "master", "first_year": 2023}, actor=None)
    services.create_case(base, {"title": "某型发动机试车故障分析", "authors": "陈星海、林青", "source": ent,
                                "course_id": course.id, "year": 2024}, actor=None)
    services.create_textbook(base, {"title": "液体火箭发动机试验技术", "authors": "陈星海、郑远", "publisher": "示范工业出版社",
                                    "year": 2024, "isbn": "978-7-111-75312-4", "course_id": course.id}, actor=None)
    team = services.create_team(base, {"name": "航天动力工程实践教学团队", "established_on": dt.date(2023, 3, 1)}, actor=None)
    services.add_team_member(team, {"name": "郑远", "side": "university", "organisation": uni, "is_leader": True,
                                    "from_on": dt.date(2023, 3, 1)}, actor=None)
    services.add_team_member(team, {"mentor_id": mentor.id, "from_on": dt.date(2023, 3, 1)}, actor=None)
    services.create_lab(base, {"kind": "joint_lab", "name": "液体动力联合实验室", "established_on": dt.date(2021, 10, 1),
                               "partners": f"{uni}\n{ent}", "focus": "推进剂与燃烧"}, actor=None)
    project = services.create_project(base, {"name": "某型重型运载火箭发动机研制", "category": "major_engineering",
                                             "lead_organisation": ent, "starts_on": dt.date(2022, 1, 1)}, actor=None)
    services.add_participant(project, {"kind": "mentor", "mentor_id": mentor.id, "role": "技术负责人"}, actor=None)
    services.add_participant(project, {"kind": "student", "name": "王同学", "student_no": "DEMO2022001",
                                       "role": "燃烧仿真"}, actor=None)
    services.create_result(base, {"title": "发动机试车数据处理软件", "kind": "software", "recipient": ent,
                                  "transferred_on": dt.date(2024, 6, 1), "contract_value": "35.5",
                                  "project_id": project.id}, actor=None)
