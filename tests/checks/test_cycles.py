"""Issue 9 points 2-6: construction cycles and years, the summary report, the graded evaluation with
its experts, rectification and its deadline, the next cycle, objections to the public notice; on
the web, on the command line (`base show`, `base step`) and in the API, every date rule at its edges."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.audit.services import set_actor
from registry.checks import lifecycle, queries, services
from registry.checks.models import Cycle, CycleEvaluation, EvaluationExpert, Objection, SummaryReport
from registry.errors import DomainError, Forbidden
from registry.extensions import db
from registry.periods import years_counted_in
from tests.checks.conftest import eligible_base, summary_report, walk_to
from tests.conftest import text_of
from tests.evidence.files import pdf

D = dt.date


@pytest.fixture
def cli(runner, monkeypatch, world):
    monkeypatch.setattr("registry.checks.cli.ensure_schema", lambda: None)
    set_actor(db.session, None, "fixture")
    return runner


def _show(cli, code, *extra):
    result = cli.invoke(args=["base", "show", code, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _step(cli, code, *args):
    return cli.invoke(args=["base", "step", code, *args])


def _refused(result, *words):
    assert result.exit_code == 1, result.output
    lines = (result.stderr or result.output).strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in result.output, lines
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    for word in words:
        assert word in lines[1], lines
    return lines


def _base(world, code, state):
    set_actor(db.session, None, "fixture")
    base = eligible_base(code, world.uni, world.ent)
    walk_to(base, state, world)
    db.session.commit()  # joins the test's outer transaction: a refused command's rollback keeps it
    return base


# ---- cycles and construction years ---------------------------------------------------------------

def test_base_show_prints_the_contracts_json(cli, world):
    base = _base(world, "BH-AI-01", "public_notice")
    before = _show(cli, "BH-AI-01")
    assert before == {"base": "BH-AI-01", "status": "public_notice", "cycle": None, "recognised_on": None,
                      "cycle_starts_on": None, "cycle_ends_on": None, "construction_years": [],
                      "evaluation_from": None, "rectification_deadline": None, "open_objections": 0}
    lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 27), reason="认定")
    lifecycle.transition(base, "in_construction", actor=world.admin, effective_on=D(2023, 1, 1), reason="建设")
    body = _show(cli, "BH-AI-01")
    assert list(body) == ["base", "status", "cycle", "recognised_on", "cycle_starts_on", "cycle_ends_on",
                          "construction_years", "evaluation_from", "rectification_deadline", "open_objections"]
    assert body == {"base": "BH-AI-01", "status": "in_construction", "cycle": 1,
                    "recognised_on": "2022-12-27",
                    "cycle_starts_on": "2022-12-27", "cycle_ends_on": "2025-12-26",
                    "construction_years": [{"year": 1, "from": "2022-12-27", "until": "2023-12-26"},
                                           {"year": 2, "from": "2023-12-27", "until": "2024-12-26"},
                                           {"year": 3, "from": "2024-12-27", "until": "2025-12-26"}],
                    "evaluation_from": "2025-12-27", "rectification_deadline": None,
                    "open_objections": 0}
    # as of the day before recognition: not yet recognised, no cycle
    earlier = _show(cli, "BH-AI-01", "--as-of", "2022-12-26")
    assert (earlier["status"], earlier["cycle"], earlier["construction_years"]) == ("public_notice", None, [])
    assert _show(cli, "BH-AI-01", "--as-of", "2022-12-27")["cycle"] == 1


def test_lifecycle_api_is_base_show(cli, client, world):
    from tests.checks.test_interfaces import _token

    _base(world, "API-LC", "in_construction")
    headers = _token(world.admin)
    assert client.get("/api/v1/bases/API-LC/lifecycle", headers=headers).get_json() == _show(cli, "API-LC")
    assert (client.get("/api/v1/bases/API-LC/lifecycle?as_of=2022-12-26", headers=headers).get_json()
            == _show(cli, "API-LC", "--as-of", "2022-12-26"))
    assert client.get("/api/v1/bases/API-LC/lifecycle?as_of=2022-02-30", headers=headers).status_code == 400
    assert "/bases/{code}/lifecycle" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_base_show_errors_in_two_languages(cli, world):
    _refused(cli.invoke(args=["base", "show", "NOPE"]), "NOPE")
    _refused(cli.invoke(args=["base", "show", "SF-AP-01", "--as-of", "2024-02-30"]), "2024-02-30")


@pytest.mark.parametrize("recognised_on, ends_on, third_year", [
    (D(2022, 12, 27), D(2025, 12, 26), (D(2024, 12, 27), D(2025, 12, 26))),
    (D(2024, 2, 29), D(2027, 2, 27), (D(2026, 2, 28), D(2027, 2, 27))),
    (D(2023, 1, 1), D(2025, 12, 31), (D(2025, 1, 1), D(2025, 12, 31))),
])
def test_a_recognised_cycle_is_three_years_less_a_day(world, recognised_on, ends_on, third_year):
    set_actor(db.session, None, "fixture")
    base = eligible_base("CY-LEN", world.uni, world.ent)
    walk_to(base, "public_notice", world)
    from registry.checks.models import StatusChange

    # a notice that ended just before the day of recognition (dates are the test's, rules the code's)
    change = db.session.scalars(select(StatusChange).where(StatusChange.base_id == base.id,
                                                           StatusChange.to_status == "public_notice")).one()
    change.effective_on = min(change.effective_on, recognised_on - dt.timedelta(days=7))
    change.notice_ends_on = change.effective_on + dt.timedelta(days=6)
    for earlier in db.session.scalars(select(StatusChange).where(StatusChange.base_id == base.id)):
        earlier.effective_on = min(earlier.effective_on, change.effective_on)
    db.session.flush()
    lifecycle.transition(base, "recognised", actor=world.admin, effective_on=recognised_on, reason="认定")
    cycle = lifecycle.state_of(base).cycle
    assert (cycle.number, cycle.starts_on, cycle.ends_on) == (1, recognised_on, ends_on)
    assert (cycle.years[2].starts_on, cycle.years[2].ends_on) == third_year
    assert cycle.evaluation_from == ends_on + dt.timedelta(days=1)


@pytest.mark.parametrize("first, last, years", [
    (D(2022, 12, 27), D(2023, 12, 26), (2023, 2023)),
    (D(2023, 7, 1), D(2024, 6, 30), (2023, 2023)),  # 1 July is in: the year counts here
    (D(2023, 7, 2), D(2024, 7, 1), (2024, 2024)),  # the day after 1 July: the next year
    (D(2023, 3, 1), D(2024, 2, 29), (2023, 2023)),
    (D(2024, 1, 1), D(2024, 12, 31), (2024, 2024)),  # a calendar year takes exactly its own year
    (D(2023, 7, 2), D(2024, 6, 30), (2024, 2023)),  # no 1 July inside: no year (empty)
])
def test_a_record_dated_by_a_year_counts_in_the_period_holding_its_1_july(first, last, years):
    assert years_counted_in(first, last) == years


def test_evaluation_counts_run_a_fixed_number_of_queries(world, query_counter):
    from tests.checks.conftest import new_round

    set_actor(db.session, None, "fixture")
    new_round(world.admin, quota_ministry=10, quota_co_built=10)
    few = [_base(world, "QC-0", "in_construction")]
    many = few + [eligible_base(f"QC-{i}", world.uni2, world.ent) for i in range(1, 5)]
    for b in many[1:]:
        walk_to(b, "in_construction", world)

    def run(bases):
        states = lifecycle.states_many(bases)
        with query_counter() as n:
            queries.evaluation_many(bases, {b.id: states[b.id].cycle for b in bases})
        return n()

    assert run(few) == run(many)


# ---- summary report -----------------------------------------------------------------------------

def test_the_evaluation_needs_the_summary_report_and_its_signed_document(world):
    base = _base(world, "SR-01", "in_construction")
    kwargs = dict(actor=world.admin, effective_on=D(2025, 12, 27), reason="评估", grade="good")
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "passed", **kwargs)
    assert "summary report of cycle 1 is not on record" in exc.value.en and "总结报告" in exc.value.zh
    report = summary_report(base, world.admin, signed=False)
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "passed", **kwargs)
    assert "signed summary report of cycle 1 is not attached" in exc.value.en
    from registry.evidence import services as evidence

    evidence.attach("summary_report", report, "签章版.pdf", io.BytesIO(pdf("signed")), actor=world.admin)
    lifecycle.transition(base, "passed", **kwargs)
    assert base.status == "passed"
    # the registry's counts were filled in and frozen with the report; it no longer changes
    assert report.figures["mentors_total"]["years"][0] == {"year": 1, "from": "2022-12-27", "until": "2023-12-26",
                                                           "target": None, "actual": 7}
    with pytest.raises(DomainError):
        services.save_summary_report(base, actor=world.admin, reported_on=D(2025, 12, 20), overview="x", built={})


def test_summary_report_is_validated(world):
    base = _base(world, "SR-02", "in_construction")
    ok = dict(actor=world.coord, reported_on=D(2025, 12, 20), overview="总结", built={})
    world.coord.bases = [world.base, base]
    with pytest.raises(Forbidden):
        services.save_summary_report(base, **{**ok, "actor": world.coord2})
    for bad in ({"reported_on": D(2022, 12, 26)}, {"reported_on": dt.date.today() + dt.timedelta(days=1)},
                {"reported_on": None}, {"overview": "  "}, {"built": {"nope": "x"}},
                {"built": {"textbooks": "长" * 4001}}):
        with pytest.raises(DomainError):
            services.save_summary_report(base, **{**ok, **bad})
    report = services.save_summary_report(base, **{**ok, "reported_on": D(2022, 12, 27),  # the cycle's first day
                                                   "built": {"textbooks": "出版教材1部", "joint_labs": " "}})
    assert report.built == {"textbooks": "出版教材1部"}
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "summary_report")).all()
    assert [a.record_id for a in audited] == [report.id]


def test_summary_report_page_and_signed_upload(world, client, login_as):
    base = _base(world, "SR-WEB", "in_construction")
    world.coord.bases = [world.base, base]
    db.session.commit()
    login_as("coord")
    page = client.get("/bases/SR-WEB/cycles/1/summary-report")
    assert page.status_code == 200 and "尚未登记" in text_of(page)
    assert client.get("/bases/SR-WEB/cycles/2/summary-report").status_code == 404
    bad = client.post("/bases/SR-WEB/cycles/1/summary-report", data={"reported_on": "2022-01-01", "overview": "总结"})
    assert bad.status_code == 200 and "早于第1周期的开始日期" in text_of(bad)
    saved = client.post("/bases/SR-WEB/cycles/1/summary-report",
                        data={"reported_on": "2025-12-20", "overview": "三年建设总结", "built-industry_courses": "建成3门"})
    assert saved.status_code == 302
    report = db.session.scalar(select(SummaryReport).where(SummaryReport.base_id == base.id))
    assert report.built == {"industry_courses": "建成3门"}
    text = text_of(client.get("/bases/SR-WEB/cycles/1/summary-report"))
    assert "已登记" in text and "尚未上传签章文件" in text
    up = client.post(f"/evidence/summary_report/{report.id}/upload",
                     data={"file": (io.BytesIO(pdf("signed")), "总结报告.pdf")}, content_type="multipart/form-data")
    assert up.status_code == 303
    text = text_of(client.get("/bases/SR-WEB/cycles/1/summary-report"))
    assert "总结报告.pdf" in text and "尚未上传签章文件" not in text
    login_as("coord2")
    assert client.get("/bases/SR-WEB/cycles/1/summary-report").status_code == 404


# ---- evaluation, rectification ----------------------------------------------------------------------

def test_evaluation_records_grade_experts_support_and_is_audited(world):
    base = _base(world, "EVR-01", "in_construction")
    summary_report(base, world.admin)
    with pytest.raises(DomainError) as exc:  # the cycle's last day
        lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2025, 12, 26), reason="评估",
                             grade="excellent")
    assert "from 2025-12-27" in exc.value.en
    for grade, to in (("fail", "passed"), ("good", "rectification"), (None, "passed"), ("great", "passed")):
        with pytest.raises(DomainError) as exc:
            lifecycle.transition(base, to, actor=world.admin, effective_on=D(2025, 12, 27), reason="评估",
                                 grade=grade, deadline=D(2026, 6, 30))
        assert exc.value.field == "grade"
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2025, 12, 27), reason="评估",
                             grade="excellent", experts=[{"name": "", "score": 90, "opinion": "好"}])
    assert exc.value.field == "experts"
    with pytest.raises(DomainError):
        lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2025, 12, 27), reason="评估",
                             grade="excellent", experts=[{"name": "王专家", "score": 101}])
    change = lifecycle.transition(
        base, "passed", actor=world.admin, effective_on=D(2025, 12, 27), reason="评估通过", grade="excellent",
        experts=[{"name": "王专家", "score": 92, "opinion": "成效显著"}, {"name": "", "score": None, "opinion": ""},
                 {"name": "李专家", "score": "88", "opinion": "建议扩大招生"}],
        support_conditions="增加实验室建设经费", support_enrolment="增加专项招生计划10名", support_other="优先推荐项目")
    ev = db.session.scalar(select(CycleEvaluation).where(CycleEvaluation.base_id == base.id))
    assert (ev.kind, ev.grade, ev.evaluated_on, ev.status_change_id) == ("evaluation", "excellent", D(2025, 12, 27),
                                                                        change.id)
    assert [(x.name, x.score, x.opinion) for x in ev.experts] == [("王专家", 92, "成效显著"), ("李专家", 88, "建议扩大招生")]
    assert (ev.support_conditions, ev.support_enrolment, ev.support_other) == (
        "增加实验室建设经费", "增加专项招生计划10名", "优先推荐项目")
    assert lifecycle.state_of(base).cycle.state == "passed"
    tables = [a.table for a in db.session.scalars(select(AuditEntry).where(AuditEntry.base_id == base.id))]
    for table in ("construction_cycle", "status_change", "cycle_evaluation", "evaluation_expert", "summary_report"):
        assert table in tables, table


def test_rectification_ends_with_its_re_evaluation_and_revocation_waits_for_the_deadline(world):
    base = _base(world, "RECT-01", "rectification")  # deadline 2026-06-30
    assert lifecycle.state_of(base).rectification_deadline == D(2026, 6, 30)
    assert lifecycle.state_of(base).cycle.state == "rectification"
    with pytest.raises(DomainError) as exc:  # the day before the deadline
        lifecycle.transition(base, "revoked", actor=world.admin, effective_on=D(2026, 6, 29), reason="未通过")
    assert "deadline is 2026-06-30" in exc.value.en and "2026-06-30" in exc.value.zh
    lifecycle.transition(base, "revoked", actor=world.admin, effective_on=D(2026, 6, 30), reason="整改未通过")
    assert base.status == "revoked" and lifecycle.state_of(base).cycle.state == "revoked"
    re = db.session.scalar(select(CycleEvaluation).where(CycleEvaluation.base_id == base.id,
                                                         CycleEvaluation.kind == "re_evaluation"))
    assert re.accepted is False and re.evaluated_on == D(2026, 6, 30)


def test_rectification_can_be_accepted_before_its_deadline(world):
    base = _base(world, "RECT-02", "rectification")
    lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2026, 1, 15), reason="整改通过")
    assert base.status == "passed"
    re = db.session.scalar(select(CycleEvaluation).where(CycleEvaluation.base_id == base.id,
                                                         CycleEvaluation.kind == "re_evaluation"))
    assert re.accepted is True
    first = db.session.scalar(select(CycleEvaluation).where(CycleEvaluation.base_id == base.id,
                                                            CycleEvaluation.kind == "evaluation"))
    assert (first.grade, first.deadline) == ("fail", D(2026, 6, 30))


def test_base_step_follows_the_webs_rules(cli, world):
    base = _base(world, "STEP-01", "in_construction")
    _refused(_step(cli, "STEP-01", "--to", "evaluated", "--on", "2025-12-27", "--reason", "评估"), "--grade")
    _refused(_step(cli, "STEP-01", "--to", "evaluated", "--on", "2025-12-27", "--reason", "评估",
                   "--grade", "pass"), "summary report")
    summary_report(base, world.admin)
    db.session.commit()
    _refused(_step(cli, "STEP-01", "--to", "evaluated", "--on", "2025-12-26", "--reason", "评估",
                   "--grade", "pass"), "2025-12-27")
    _refused(_step(cli, "STEP-01", "--to", "evaluated", "--on", "2025-12-27", "--reason", "评估",
                   "--grade", "fail"), "deadline")
    _refused(_step(cli, "STEP-01", "--to", "passed", "--on", "2025-12-27", "--reason", "评估"), "grade")
    result = _step(cli, "STEP-01", "--to", "evaluated", "--on", "2025-12-27", "--reason", "评估不合格",
                   "--grade", "fail", "--deadline", "2026-06-30", "--document-no", "工信人函〔2025〕9号")
    assert result.exit_code == 0, result.output
    body = _show(cli, "STEP-01")
    assert (body["status"], body["rectification_deadline"]) == ("rectification", "2026-06-30")
    _refused(_step(cli, "STEP-01", "--to", "revoked", "--on", "2026-06-29", "--reason", "撤销"), "2026-06-30")
    assert _step(cli, "STEP-01", "--to", "revoked", "--on", "2026-06-30", "--reason", "撤销").exit_code == 0
    assert _show(cli, "STEP-01")["status"] == "revoked"
    history = lifecycle.state_of(base).history
    assert history[-2].evidence == "工信人函〔2025〕9号" and history[-1].actor_label.startswith("cli:")
    _refused(_step(cli, "NOPE", "--to", "revoked", "--on", "2026-06-30", "--reason", "x"), "NOPE")
    _refused(_step(cli, "STEP-01", "--to", "recognised", "--on", "2026-13-01", "--reason", "x"), "2026-13-01")


# ---- the next cycle ---------------------------------------------------------------------------------

def test_a_passed_base_starts_its_next_cycle_with_its_own_plan_reports_and_evaluation(world, client, login_as):
    base = _base(world, "NEXT-01", "in_construction")
    services.set_targets(base, {("mentors_total", 1): 5}, actor=world.admin)
    services.save_annual_report(base, 3, actor=world.admin, plan="第一周期第三年计划", summary="第一周期第三年总结")
    summary_report(base, world.admin)
    lifecycle.transition(base, "passed", actor=world.admin, effective_on=D(2025, 12, 27), reason="通过",
                         grade="good")
    with pytest.raises(DomainError):  # before the previous step (and the day the previous cycle ended)
        lifecycle.transition(base, "in_construction", actor=world.admin, effective_on=D(2025, 12, 26), reason="x")
    lifecycle.transition(base, "in_construction", actor=world.admin, effective_on=D(2025, 12, 27),
                         reason="第二周期")  # the day after the first ended
    state = lifecycle.state_of(base)
    assert [(c.number, c.starts_on, c.ends_on, c.state) for c in state.cycles] == [
        (1, D(2022, 12, 27), D(2025, 12, 26), "passed"), (2, D(2025, 12, 27), D(2028, 12, 26), "in_construction")]
    # the second cycle has its own plan and reports; the first stays readable and unchanged
    services.set_targets(base, {("mentors_total", 1): 9}, actor=world.admin)
    with pytest.raises(DomainError) as exc:
        services.set_targets(base, {("mentors_total", 1): 1}, actor=world.admin, cycle_number=1)
    assert "only the current cycle" in exc.value.en
    first, second = queries.evaluation_of(base, 1), queries.evaluation_of(base)
    assert (first.cycle.number, second.cycle.number) == (1, 2)
    assert first.rows[0].cells[0].target == 5 and second.rows[0].cells[0].target == 9
    assert first.reports[3].summary == "第一周期第三年总结" and second.reports == {}
    assert second.years[0].starts_on == D(2025, 12, 27)
    # the second cycle needs its own summary report before its evaluation
    assert services.summary_report_of(second.cycle.id) is None
    assert _plain_show(base)["cycle"] == 2
    login_as("admin")
    page = text_of(client.get("/bases/NEXT-01/evaluation"))
    assert "第2周期" in page and "2025-12-27 – 2028-12-26" in page and "第1周期" in page  # the link to cycle 1
    old = text_of(client.get("/bases/NEXT-01/evaluation?cycle=1"))
    assert "2022-12-27 – 2025-12-26" in old
    assert client.get("/bases/NEXT-01/evaluation?cycle=3").status_code == 404
    plan = client.get("/bases/NEXT-01/plan?cycle=1")
    assert plan.status_code == 200 and "第一周期第三年总结" in text_of(plan)
    assert 'name="t-mentors_total-1"' in plan.get_data(as_text=True) and "disabled" in plan.get_data(as_text=True)
    xlsx = client.get("/bases/NEXT-01/evaluation.xlsx?cycle=1")
    assert "cycle1" in xlsx.headers["Content-Disposition"]
    lifecycle_page = text_of(client.get("/bases/NEXT-01/lifecycle"))
    assert "建设周期" in lifecycle_page and "2028-12-26" in lifecycle_page and "良好" in lifecycle_page


def _plain_show(base):
    return lifecycle.show(base)


# ---- objections to the public notice ----------------------------------------------------------------

def test_objections_hold_recognition_until_resolved(world, cli):
    base = _base(world, "OBJ-01", "public_notice")  # notice 2022-12-20 to 2022-12-26
    kwargs = dict(actor=world.admin, raised_by="某高校教师", content="导师名单与实际不符")
    for day in (D(2022, 12, 19), D(2022, 12, 27)):  # the day before the notice, the day after it
        with pytest.raises(DomainError) as exc:
            services.record_objection(base, received_on=day, **kwargs)
        assert exc.value.field == "received_on"
    with pytest.raises(Forbidden):
        services.record_objection(base, received_on=D(2022, 12, 20), **{**kwargs, "actor": world.unicoord})
    with pytest.raises(DomainError):
        services.record_objection(base, received_on=D(2022, 12, 20), **{**kwargs, "raised_by": " "})
    first = services.record_objection(base, received_on=D(2022, 12, 20), **kwargs)  # the notice's first day
    second = services.record_objection(base, received_on=D(2022, 12, 26), **kwargs)  # and its last
    assert _show(cli, "OBJ-01")["open_objections"] == 2
    services.resolve_objection(first, actor=world.admin, resolved_on=D(2022, 12, 28), resolution="经核实已更正")
    with pytest.raises(DomainError) as exc:
        lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 28), reason="认定")
    assert "1 objection" in exc.value.en and "异议" in exc.value.zh
    with pytest.raises(DomainError):  # resolved before it was received
        services.resolve_objection(second, actor=world.admin, resolved_on=D(2022, 12, 25), resolution="x")
    with pytest.raises(DomainError):
        services.resolve_objection(second, actor=world.admin, resolved_on=D(2022, 12, 28), resolution="  ")
    services.resolve_objection(second, actor=world.admin, resolved_on=D(2022, 12, 28), resolution="异议不成立")
    with pytest.raises(DomainError):  # once only
        services.resolve_objection(second, actor=world.admin, resolved_on=D(2022, 12, 29), resolution="再次")
    lifecycle.transition(base, "recognised", actor=world.admin, effective_on=D(2022, 12, 28), reason="认定")
    body = _show(cli, "OBJ-01")
    assert (body["status"], body["open_objections"]) == ("recognised", 0)
    assert _show(cli, "OBJ-01", "--as-of", "2022-12-27")["open_objections"] == 2  # both open that day
    rows = db.session.scalars(select(Objection).where(Objection.base_id == base.id).order_by(Objection.id)).all()
    assert [(o.raised_by, o.received_on, o.resolution, o.resolved_on) for o in rows] == [
        ("某高校教师", D(2022, 12, 20), "经核实已更正", D(2022, 12, 28)),
        ("某高校教师", D(2022, 12, 26), "异议不成立", D(2022, 12, 28))]
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.table == "objection")).all()
    assert {(a.record_id, a.action) for a in audited} >= {(first.id, "create"), (first.id, "update"),
                                                          (second.id, "create"), (second.id, "update")}


def test_objections_on_the_lifecycle_page(world, client, login_as):
    base = _base(world, "OBJ-WEB", "public_notice")
    db.session.commit()
    login_as("admin")
    page = text_of(client.get("/bases/OBJ-WEB/lifecycle"))
    assert "公示异议" in page and "未收到异议" in page
    bad = client.post("/bases/OBJ-WEB/objections", data={"raised_by": "匿名", "received_on": "2022-12-27",
                                                        "content": "异议内容"})
    assert bad.status_code == 200 and "不在公示期内" in text_of(bad)
    ok = client.post("/bases/OBJ-WEB/objections", data={"raised_by": "匿名", "received_on": "2022-12-21",
                                                       "content": "异议内容"})
    assert ok.status_code == 302
    objection = db.session.scalar(select(Objection).where(Objection.base_id == base.id))
    step = client.post("/bases/OBJ-WEB/lifecycle", data={"to_status": "recognised", "effective_on": "2022-12-27",
                                                        "reason": "认定"})
    assert step.status_code == 200 and "尚未处理完毕" in text_of(step)
    done = client.post(f"/bases/OBJ-WEB/objections/{objection.id}/resolve",
                       data={"resolved_on": "2022-12-27", "resolution": "已答复"})
    assert done.status_code == 302
    step = client.post("/bases/OBJ-WEB/lifecycle", data={"to_status": "recognised", "effective_on": "2022-12-27",
                                                        "reason": "认定", "confirmed": "1"})
    assert step.status_code == 302 and base.status == "recognised"
    login_as("reviewer")
    assert client.post("/bases/OBJ-WEB/objections", data={}).status_code == 403


def test_evaluation_on_the_lifecycle_page(world, client, login_as):
    base = _base(world, "EV-WEB", "in_construction")
    summary_report(base, world.admin)
    db.session.commit()
    login_as("admin")
    form = {"to_status": "passed", "effective_on": "2025-12-27", "reason": "评估通过", "grade": "good",
            "expert1_name": "王专家", "expert1_score": "90", "expert1_opinion": "成效明显",
            "support_enrolment": "增加招生计划5名"}
    no_grade = client.post("/bases/EV-WEB/lifecycle", data={**form, "grade": ""})
    assert no_grade.status_code == 200 and "须有评估等次" in text_of(no_grade)
    done = client.post("/bases/EV-WEB/lifecycle", data={**form, "confirmed": "1"})
    assert done.status_code == 302
    page = text_of(client.get("/bases/EV-WEB/lifecycle"))
    assert "良好" in page and "王专家" in page and "成效明显" in page and "增加招生计划5名" in page
    expert = db.session.scalar(select(EvaluationExpert).where(EvaluationExpert.base_id == base.id))
    assert (expert.name, expert.score) == ("王专家", 90)
    assert db.session.scalar(select(Cycle).where(Cycle.base_id == base.id)).state == "passed"


def test_counts_over_hundreds_of_construction_years_are_one_statement_each(world, query_counter):
    """600 periods (200 bases × 3 construction years) pass SQLite's 500-term compound limit: one VALUES list."""
    start = D(2022, 12, 27)
    periods = [(10_000 + b, y.number, y.starts_on, y.ends_on) for b in range(200)
               for y in lifecycle.construction_years(start)]
    periods.append((world.base.id, 1, D(2020, 1, 1), D(2020, 12, 31)))  # 李工, appointed 2020-01-01
    with query_counter() as n:
        counts = queries.period_actuals(periods)
    assert n() == 5  # mentors 2, exchanges 1, teaching 2
    assert counts[(10_000, "mentors_total", 3)] == 0 and counts[(10_199, "textbooks", 1)] == 0
    assert counts[(world.base.id, "enterprise_mentors", 1)] == 1


def test_the_base_list_shows_each_bases_cycle_in_a_fixed_number_of_queries(world, client, login_as, query_counter):
    from tests.checks.conftest import new_round

    new_round(world.admin, quota_ministry=10)
    _base(world, "LIST-1", "in_construction")
    login_as("admin")
    client.get("/bases")  # warm-up: the first request loads what later ones find cached
    db.session.expire_all()  # and nothing already in the session saves a query
    with query_counter() as n:
        page = client.get("/bases")
    one = n()
    row = next(r for r in page.get_data(as_text=True).split("<tr") if "LIST-1" in r)
    assert "第1周期" in row
    for i in range(2, 5):
        _base(world, f"LIST-{i}", "in_construction")
    client.get("/bases")  # the same warm-up as before the first count (per-transaction caches)
    db.session.expire_all()
    with query_counter() as n:
        page = client.get("/bases")
    assert n() == one and text_of(page).count("第1周期") == 4
