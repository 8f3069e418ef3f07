"""The cycle's events: a summary report due (总结报告) and an objection recorded during a public notice (异议)."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from registry.extensions import db
from tests.conftest import PASSWORD
from tests.notify.conftest import AS_OF, BASE_URL, commit, notifications, send, set_status

D = dt.date


def _base(world, code, university, *steps):
    from registry.orgs import services as orgs

    base = orgs.create_base(code, name=f"基地{code}", university=university, enterprises=[world.ent],
                            field="aerospace_propulsion", cooperation_since=D(2018, 1, 1), actor=None)
    set_status(base, *steps)
    return base


def _building(world, code, recognised_on, university=None):
    """A base in construction whose cycle 1 starts on `recognised_on` (ends 3 years - 1 day later), with
    its three annual plans and summaries on record (no other event than the summary report's)."""
    base = _base(world, code, university or world.uni, ("recognised", recognised_on, None),
                 ("in_construction", recognised_on, None))
    _annual_reports(base)
    return base


def _annual_reports(base):
    from sqlalchemy import select

    from registry.checks.models import AnnualReport, Cycle

    cycle = db.session.scalar(select(Cycle).where(Cycle.base_id == base.id))
    db.session.add_all(AnnualReport(base_id=base.id, cycle_id=cycle.id, year=k, plan="计划", summary="总结")
                       for k in (1, 2, 3))
    db.session.flush()


def _report(base, signed: bool, world):
    from sqlalchemy import select

    from registry.checks.models import Cycle, SummaryReport
    from registry.evidence import services as evidence
    from tests.evidence.files import pdf

    cycle = db.session.scalar(select(Cycle).where(Cycle.base_id == base.id))
    report = SummaryReport(base_id=base.id, cycle_id=cycle.id, reported_on=cycle.ends_on - dt.timedelta(days=20),
                           overview="三年建设总结", built={}, figures={})
    db.session.add(report)
    db.session.flush()
    if signed:
        evidence.attach("summary_report", report, "总结报告（签章）.pdf", io.BytesIO(pdf("signed")),
                        actor=world.admin)
    return report


def _objection(base, received_on, resolved_on=None, raised_by="张某某（校友）"):
    from registry.checks.models import Objection

    o = Objection(base_id=base.id, raised_by=raised_by, received_on=received_on, content="对合作年限有异议",
                  resolution="已核实" if resolved_on else "", resolved_on=resolved_on)
    db.session.add(o)
    db.session.flush()
    return o


def _notice(world, code, starts_on, university=None):
    return _base(world, code, university or world.uni2, ("submitted", starts_on - dt.timedelta(days=40), None),
                 ("under_review", starts_on - dt.timedelta(days=30), None), ("public_notice", starts_on, None))


@pytest.fixture
def cycle_world(world):
    """As of AS_OF (2024-09-01), on top of the world (which has no event of its own):

    - SR-01 (coordinator `coord-sr`, English): cycle 1 from 2021-09-20 ends on 2024-09-19, no summary report;
    - SR-02 (world.coord): cycle 1 ended on 2024-07-31, its summary report has no signed document;
    - SR-03: ended on 2024-08-31, report and signed document on record: nothing;
    - SR-04: ends on 2024-10-14, 43 days away: nothing yet;
    - SR-05: ended on 2024-05-31 and already evaluated (rectification, deadline far away): nothing;
    - PN-01 (public notice from 2024-08-28): objections received 2024-08-29 (open), 2024-08-30 (resolved
      2024-08-31), 2024-09-01 (open), 2024-09-02 (after the day); PN-02, no longer in its notice (not
      recognised), still has an open objection: nothing.
    All five SR bases are of world.uni (its coordinator `unicoord`); a second administrator `admin2`.
    """
    from registry.auth.services import create_user

    w = world
    w.sr1 = _building(w, "SR-01", D(2021, 9, 20))
    w.sr2 = _building(w, "SR-02", D(2021, 8, 1))
    w.sr3 = _building(w, "SR-03", D(2021, 9, 1))
    w.sr4 = _building(w, "SR-04", D(2021, 10, 15))
    w.sr5 = _base(w, "SR-05", w.uni, ("recognised", D(2021, 6, 1), None), ("in_construction", D(2021, 6, 1), None),
                  ("rectification", D(2024, 6, 10), D(2024, 12, 31)))
    _annual_reports(w.sr5)
    _report(w.sr2, signed=False, world=w)
    _report(w.sr3, signed=True, world=w)
    w.coord_sr = create_user("coord-sr", "base_coordinator", PASSWORD, bases=[w.sr1], email="coord-sr@example.edu", actor=None)
    w.coord_sr.locale = "en"
    w.coord.bases = [w.base, w.sr2]
    w.coord.email = "coord@example.edu"
    w.unicoord.email = "unicoord@example.edu"
    w.admin.email = "admin@example.edu"
    w.admin2 = create_user("admin2", "admin", PASSWORD, email="admin2@example.edu", actor=None)
    w.admin2.locale = "en"
    w.pn1 = _notice(w, "PN-01", D(2024, 8, 28))
    w.pn2 = _base(w, "PN-02", w.uni2, ("submitted", D(2024, 7, 1), None), ("under_review", D(2024, 7, 10), None),
                  ("public_notice", D(2024, 7, 20), None), ("not_recognised", D(2024, 7, 30), None))
    w.obj1 = _objection(w.pn1, D(2024, 8, 29))
    w.obj_resolved = _objection(w.pn1, D(2024, 8, 30), resolved_on=D(2024, 8, 31))
    w.obj2 = _objection(w.pn1, D(2024, 9, 1), raised_by="李某")
    w.obj_later = _objection(w.pn1, D(2024, 9, 2))
    w.obj_stale = _objection(w.pn2, D(2024, 7, 22))
    db.session.flush()
    commit()
    return w


def keys_of(user, kind=None):
    return sorted((n.kind, n.event_key) for n in notifications(user, kind))


def test_summary_report_due_reaches_the_coordinators_and_the_university_coordinator(runner, cycle_world):
    w = cycle_world
    send(runner)
    sr1 = ("summary_report_due", f"{w.sr1.id}:1:2024-09-19:report")
    sr2 = ("summary_report_due", f"{w.sr2.id}:1:2024-07-31:document")
    assert keys_of(w.coord_sr, "summary_report_due") == [sr1]
    assert keys_of(w.coord, "summary_report_due") == [sr2]
    assert keys_of(w.unicoord, "summary_report_due") == sorted([sr1, sr2])
    # Nobody else: not the other university's coordinator, nor the administrators, mentors or reviewers.
    for user in (w.coord2, w.admin, w.admin2, w.mentor, w.reviewer):
        assert notifications(user, "summary_report_due") == []


def test_objection_reaches_every_administrator_once_per_objection(runner, cycle_world):
    w = cycle_world
    result = send(runner)
    expected = sorted([("objection_recorded", str(w.obj1.id)), ("objection_recorded", str(w.obj2.id))])
    assert keys_of(w.admin) == expected
    assert keys_of(w.admin2) == expected
    for user in (w.coord, w.coord2, w.coord_sr, w.unicoord, w.mentor, w.reviewer):
        assert notifications(user, "objection_recorded") == []
    # The whole run: the two summary reports (coord-sr 1, coord 1, unicoord 2), two objections to two admins.
    assert "notified: 5 users, 8 messages, 0 emails" in result.output


def test_links_lead_where_each_is_dealt_with(runner, cycle_world):
    w = cycle_world
    send(runner)
    links = {(n.user_id, n.kind, n.event_key): (n.link_endpoint, n.link_args) for n in notifications()}
    assert links[(w.coord_sr.id, "summary_report_due", f"{w.sr1.id}:1:2024-09-19:report")] == (
        "checks.base_summary_report", {"code": "SR-01", "number": 1})
    assert links[(w.unicoord.id, "summary_report_due", f"{w.sr2.id}:1:2024-07-31:document")] == (
        "checks.base_summary_report", {"code": "SR-02", "number": 1})
    assert links[(w.admin.id, "objection_recorded", str(w.obj1.id))] == ("checks.base_lifecycle", {"code": "PN-01"})


def test_the_links_open_the_pages(runner, cycle_world, login_as):
    w = cycle_world
    send(runner)
    client = login_as(w.coord_sr)
    (n,) = notifications(w.coord_sr)
    page = client.get(f"/notifications/{n.id}/open", follow_redirects=True)
    assert page.status_code == 200 and "SR-01" in page.get_data(as_text=True)
    assert page.request.path == "/bases/SR-01/cycles/1/summary-report"


def test_both_languages_and_links_by_email(runner, cycle_world, mail_config):
    w = cycle_world
    result = send(runner)
    assert "notified: 5 users, 8 messages, 5 emails" in result.output
    (sr_mail,) = mail_config.to("coord-sr@example.edu")  # English
    text, html = sr_mail.part("plain"), sr_mail.part("html")
    fragment = ("SR-01 基地SR-01: the summary report of cycle 1 (2021-09-20 – 2024-09-19) is not on record; "
                "the evaluation, from 2024-09-20, needs it.")
    assert fragment in text and fragment in html
    assert f"{BASE_URL}/bases/SR-01/cycles/1/summary-report" in set(re.findall(r"https?://\S+", text))
    (coord_mail,) = mail_config.to("coord@example.edu")  # Chinese
    text = coord_mail.part("plain")
    assert "SR-02 基地SR-02：第1建设周期（2021-08-01 至 2024-07-31）总结报告的签章文件尚未上传" in text
    assert f"{BASE_URL}/bases/SR-02/cycles/1/summary-report" in text
    (admin_mail,) = mail_config.to("admin@example.edu")  # Chinese
    text = admin_mail.part("plain")
    assert "PN-01 基地PN-01：公示期间于 2024-08-29 收到张某某（校友）提出的异议" in text
    assert "PN-01 基地PN-01：公示期间于 2024-09-01 收到李某提出的异议" in text
    assert text.count(f"{BASE_URL}/bases/PN-01/lifecycle") == 2
    (admin2_mail,) = mail_config.to("admin2@example.edu")  # English
    assert ("PN-01 基地PN-01: an objection from 李某 was received on 2024-09-01 during the public notice; "
            "recognition waits until it is resolved.") in admin2_mail.part("plain")
    assert admin2_mail.subject == "Demonstration-base registry: 2 new notifications"


def test_once_each_and_a_new_occurrence_is_told(runner, cycle_world, mail_config):
    w = cycle_world
    send(runner)
    first = len(mail_config.received)
    result = send(runner)
    assert "notified: 0 users, 0 messages, 0 emails" in result.output
    assert len(mail_config.received) == first
    # SR-01's report is recorded without its signed document: the missing document is a new event.
    _report(w.sr1, signed=False, world=w)
    # SR-02's signed document arrives: nothing more about it.
    from registry.checks.models import SummaryReport
    from registry.evidence import services as evidence
    from sqlalchemy import select
    from tests.evidence.files import pdf

    report2 = db.session.scalar(select(SummaryReport).where(SummaryReport.base_id == w.sr2.id))
    evidence.attach("summary_report", report2, "签章版.pdf", io.BytesIO(pdf("signed")), actor=w.admin)
    # A third objection the next day; the first ones resolved.
    w.obj1.resolved_on = w.obj2.resolved_on = D(2024, 9, 2)
    w.obj1.resolution = w.obj2.resolution = "已核实"
    obj3 = _objection(w.pn1, D(2024, 9, 2), raised_by="王某")
    commit()
    result = send(runner, as_of=D(2024, 9, 2))
    # coord-sr and unicoord: SR-01's document; admin, admin2: obj3 and the objection received on 2024-09-02.
    assert "notified: 4 users, 6 messages, 4 emails" in result.output
    assert keys_of(w.coord_sr, "summary_report_due") == sorted([("summary_report_due", f"{w.sr1.id}:1:2024-09-19:report"),
                                                                ("summary_report_due", f"{w.sr1.id}:1:2024-09-19:document")])
    assert keys_of(w.admin) == sorted(("objection_recorded", str(o.id)) for o in (w.obj1, w.obj2, w.obj_later, obj3))
    assert len(notifications(w.coord, "summary_report_due")) == 1


def test_summary_report_window_is_thirty_days(runner, cycle_world):
    """SR-04's cycle ends on 2024-10-14: nothing on 2024-09-13 (31 days before), told on 2024-09-14."""
    from registry.checks.queries import summary_reports_due

    w = cycle_world
    assert w.sr4.id not in {d.base.id for d in summary_reports_due(D(2024, 9, 13))}
    due = {d.base.id: d for d in summary_reports_due(D(2024, 9, 14))}
    assert due[w.sr4.id].part == "report" and due[w.sr4.id].cycle.ends_on == D(2024, 10, 14)
    # SR-03 (report and signed document) and SR-05 (already evaluated) are never due.
    assert w.sr3.id not in due and w.sr5.id not in due


def test_dry_run_lists_the_new_kinds(runner, cycle_world):
    result = send(runner, "--dry-run")
    assert notifications() == []
    assert "would notify 5 users, 8 messages, 0 emails" in result.output
    assert "an objection from 李某 was received on 2024-09-01" in result.output  # admin2 reads English
    assert "the summary report of cycle 1 (2021-09-20 – 2024-09-19) is not on record" in result.output


def test_account_page_offers_the_kinds_to_their_roles(app):
    from registry.authz import ADMIN, BASE_COORDINATOR, MENTOR, REVIEWER, UNIVERSITY_COORDINATOR
    from registry.notify.events import kinds_for

    def names(role):
        return {k.name for k in kinds_for(role)}

    assert "summary_report_due" in names(BASE_COORDINATOR) and "summary_report_due" in names(UNIVERSITY_COORDINATOR)
    assert "objection_recorded" in names(ADMIN)
    for role in (MENTOR, REVIEWER):
        assert not {"summary_report_due", "objection_recorded"} & names(role)
    assert "objection_recorded" not in names(BASE_COORDINATOR)
