"""Demo exchanges of SF-AP-01: secondments and visits both ways, and a study tour."""
import datetime as dt

from registry.exchanges import services


def load(ctx):
    base, mentor, uni = ctx["base"], ctx["mentor"], ctx["university"].name
    rows = [
        {"kind": "secondment", "direction": "university_to_enterprise", "person_name": "林青", "person_title": "讲师",
         "person_organisation": uni, "host_organisation": ctx["enterprise"].name,
         "starts_on": dt.date(2023, 9, 1), "ends_on": dt.date(2024, 2, 29), "purpose": "参与发动机试车数据分析",
         "projects_joined": "某型发动机地面试车", "outcomes": "完成试车数据处理软件一套"},
        {"kind": "secondment", "direction": "university_to_enterprise", "person_name": "郑远", "person_title": "副教授",
         "person_organisation": uni, "host_organisation": ctx["enterprise"].name,
         "starts_on": dt.date(2024, 7, 1), "ends_on": dt.date(2024, 12, 31)},
        {"kind": "visit", "direction": "enterprise_to_university", "mentor_id": mentor.id,
         "host_organisation": uni, "starts_on": dt.date(2024, 3, 4), "ends_on": dt.date(2024, 3, 15),
         "purpose": "讲授《液体火箭发动机工程实践》"},
        {"kind": "study_tour", "direction": "university_to_enterprise", "person_name": "宇航学院研究生团",
         "person_organisation": uni, "host_organisation": ctx["enterprise"].name, "participants": 24,
         "starts_on": dt.date(2024, 5, 20), "ends_on": dt.date(2024, 5, 22)},
    ]
    for row in rows:
        services.create_exchange(base, row, actor=None)
