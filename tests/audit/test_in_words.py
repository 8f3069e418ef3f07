"""The audit log in words and every moment in the registry's time zone, with the zone."""
import datetime as dt

from registry.audit import words
from registry.audit.queries import audited_tables
from registry.audit.services import set_actor
from registry.errors import msgid_of
from registry.extensions import db
from registry.mentors import services as mentors
from registry.moments import moment_text
from tests.conftest import act_as, commit_keeping_objects, section_text

EVENING_UTC = dt.datetime(2026, 12, 3, 17, 53, tzinfo=dt.timezone.utc)


def test_a_moment_reads_in_the_registrys_zone_with_the_zone(app, make_app):
    with app.app_context():
        assert moment_text(EVENING_UTC) == "2026-12-04 01:53 UTC+08:00"  # Asia/Shanghai by default
        assert moment_text(EVENING_UTC.replace(tzinfo=None)) == "2026-12-04 01:53 UTC+08:00"  # SQLite: no zone
    with make_app(TIMEZONE="Europe/London").app_context():
        assert moment_text(EVENING_UTC) == "2026-12-03 17:53 UTC+00:00"
    with make_app(TIMEZONE="Not/AZone").app_context():  # a misspelt zone never breaks a page
        assert moment_text(EVENING_UTC).endswith("UTC+08:00")


def test_the_audit_log_says_who_changed_which_field_from_what_to_what(client, world):
    set_actor(db.session, world.coord)
    mentor = world.mentor_record
    mentors.update_mentor(mentor, actor=None, name=mentor.name, side="university", organisation=mentor.organisation,
                          staff_no=mentor.staff_no, title="研究员")
    commit_keeping_objects()
    act_as(client, world.admin)
    client.get("/lang/en")
    page = section_text(client.get("/audit/?table=mentor&action=update"), "audit-table")
    assert "Mentor type from Enterprise mentor to University mentor" in page
    assert "Professional title from — to 研究员" in page
    assert "side" not in page.split() and "enterprise" not in page.split()  # no column name, no code
    assert "UTC+08:00" in page and "coord" in page
    client.get("/lang/zh_Hans_CN")
    page = section_text(client.get("/audit/?table=mentor&action=update"), "audit-table")
    assert "职称 从 — 改为 研究员" in page


def test_every_record_type_the_log_can_hold_has_a_name(app):
    """A new audited table left out of the log's record types would show as "Record" in its filter."""
    with app.app_context():
        nameless = [table for table in audited_tables() if msgid_of(words.table_label(table)) == "Record"]
        assert nameless == []
        assert msgid_of(words.table_label("cooperation_agreement")) == "Cooperation agreement"


def test_a_link_reads_as_the_record_type_it_points_at_or_as_the_part_it_plays(app):
    """Derived from the models' foreign keys: a new link never shows as "Other detail"."""
    with app.app_context():
        links = [(t.name, c.name) for t in db.metadata.sorted_tables for c in t.columns if c.foreign_keys]
        assert [link for link in links if msgid_of(words.field_label(*link)) == "Other detail"] == []
        assert msgid_of(words.field_label("exchange", "mentor_id")) == "Mentor"  # not a form's "Roster mentor"
        assert msgid_of(words.field_label("teaching_team_member", "team_id")) == "Teaching team"  # a record kind's name
        assert msgid_of(words.field_label("mentor_assignment", "university_mentor_id")) == "University mentor"
