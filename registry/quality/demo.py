"""Demo quality-assurance records of SF-AP-01: its own self-assessment and a third-party assessment."""
import datetime as dt

from registry.quality import services


def load(ctx):
    base, coordinator = ctx["base"], ctx["users"]["base_coordinator"]
    services.create_record(base, {"kind": "self_assessment", "held_on": dt.date(2024, 12, 10),
                                  "assessor": "基地建设工作组", "findings": "企业导师占比保持在三分之一以上；联合课程按计划开设。",
                                  "recommendations": "增加企业导师参与毕业设计指导的次数。"}, actor=coordinator)
    services.create_record(base, {"kind": "third_party_assessment", "held_on": dt.date(2025, 3, 18),
                                  "assessor": "某工程教育认证咨询机构", "findings": "双导师制运行规范，佐证材料齐全。"},
                           actor=coordinator)
