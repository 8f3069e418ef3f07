"""Every kind of event reaches the people the issue names, once; the in-app side without a mail server."""
from __future__ import annotations

from tests.notify.conftest import AS_OF, notifications, send


def kinds_of(user):
    return sorted((n.kind, n.event_key) for n in notifications(user))


def test_each_event_reaches_its_recipients(runner, events_world):
    w = events_world
    result = send(runner)
    b = w.base.id
    appt_key = [n.event_key for n in notifications(w.mentor)][0]
    assert kinds_of(w.coord) == sorted([
        ("annual_report_due", f"{b}:1:1:summary"), ("annual_report_due", f"{b}:1:2:plan"),
        ("appointment_ending", appt_key),
        ("ratio_warning", f"{b}:2024-09-21"),
        ("rectification_deadline", f"{b}:2024-09-25")])
    # The university coordinator hears what its base's coordinators hear, and about the closing round.
    assert kinds_of(w.unicoord) == sorted(kinds_of(w.coord) + [("round_deadline", f"{w.round.id}:2024-09-10")])
    # A coordinator of a base being prepared hears about the round, and nothing of another university's base.
    assert kinds_of(w.coord2) == [("round_deadline", f"{w.round.id}:2024-09-10")]
    assert kinds_of(w.mentor) == [("appointment_ending", appt_key)]
    assert appt_key.endswith(":2024-09-20")
    assert kinds_of(w.reviewer) == [("review_waiting", str(w.sub.id))]
    assert kinds_of(w.admin) == [("reviewer_needed", str(w.sub_none.id))]
    assert "notified: 6 users, 15 messages, 0 emails" in result.output


def test_links_lead_where_each_is_dealt_with(runner, events_world):
    w = events_world
    send(runner)
    links = {(n.user_id, n.kind): (n.link_endpoint, n.link_args) for n in notifications()}
    assert links[(w.mentor.id, "appointment_ending")] == ("mentors.me", {})
    assert links[(w.coord.id, "appointment_ending")] == ("mentors.roster", {"code": "SF-AP-01"})
    assert links[(w.coord.id, "rectification_deadline")] == ("checks.base_lifecycle", {"code": "SF-AP-01"})
    assert links[(w.coord.id, "annual_report_due")][0] == "checks.base_plan"
    assert links[(w.unicoord.id, "round_deadline")] == ("checks.round_detail", {"round_id": w.round.id})
    assert links[(w.coord2.id, "round_deadline")] == ("orgs.base_detail", {"code": "SL-SO-01"})
    assert links[(w.reviewer.id, "review_waiting")] == ("checks.submission_detail", {"submission_id": w.sub.id})


def test_second_run_the_same_day_notifies_nothing_new(runner, events_world):
    send(runner)
    before = len(notifications())
    result = send(runner)
    assert "notified: 0 users, 0 messages, 0 emails" in result.output
    assert len(notifications()) == before


def test_a_new_occurrence_is_a_new_event(runner, events_world):
    """Once each (user, event): the same deadline is not repeated, a new deadline is told."""
    from registry.checks.models import StatusChange
    from registry.extensions import db
    from sqlalchemy import select

    w = events_world
    send(runner)
    change = db.session.scalar(select(StatusChange).where(StatusChange.base_id == w.base.id,
                                                          StatusChange.to_status == "rectification"))
    change.deadline = AS_OF.replace(day=28)
    db.session.flush()
    result = send(runner)
    assert "notified: 2 users, 2 messages, 0 emails" in result.output
    assert len(notifications(w.coord, "rectification_deadline")) == 2


def test_dry_run_says_what_and_stores_nothing(runner, events_world):
    result = send(runner, "--dry-run")
    assert notifications() == []
    assert "would notify 6 users, 15 messages, 0 emails" in result.output
    assert "coord2: 1 new" in result.output
    # Each user's lines in their language: coord reads English, the others Chinese.
    assert "the rectification is due by 2024-09-25" in result.output


def test_nothing_for_deactivated_accounts(runner, events_world):
    from registry.extensions import db

    events_world.coord2.active = False
    db.session.flush()
    send(runner)
    assert notifications(events_world.coord2) == []


def test_without_events_nothing(runner, world):
    result = send(runner)
    assert "notified: 0 users, 0 messages, 0 emails" in result.output


def test_a_bad_date_is_refused_in_both_languages(runner, events_world):
    result = runner.invoke(args=["notify", "send", "--as-of", "2024-13-01"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 2 and "--as-of" in lines[1]
    assert notifications() == []
