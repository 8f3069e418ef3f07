"""The audit log in words: "who changed what from what to what", with the record type, the field and
the values as a user calls them, in the page's language (the log itself keeps the column names and
codes it was written with, so it stays exact whatever the labels become).

- record types: TABLE_LABELS, and the record kinds' names (`register_record_type`);
- fields: the labels the areas' services and forms give them, a few more here;
- values: a code shown by its label (the labels an `enum_column` keeps, key fields by name), yes/no,
  dates as they are, and a reference (`base_id`, `mentor_id`…) by what it points at, loaded for the
  whole page in one query per record type.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import g
from flask_babel import get_locale
from sqlalchemy import JSON, select
from wtforms.fields.core import UnboundField

from registry.errors import _l
from registry.extensions import db
from registry.forms_support import RegistryForm
from registry.moments import moment_text
from registry.nav import ROLE_LABELS
from registry.orgs.models import KeyField

# Filled by the areas' setup() (the audit area sits below them and imports none of them):
AREA_LABELS: dict = {}  # field -> label, from each area's services (their LABELS)
VALUE_WORDS: dict = {}  # field -> function(value) -> words, for codes an area owns (e.g. indicators)


def register_labels(labels: dict) -> None:
    """An area's field labels, for the log's "field from X to Y" (called from its setup())."""
    AREA_LABELS.update(labels)


def register_value_words(field: str, words) -> None:
    """How a code stored under `field` reads (called from the owning area's setup())."""
    VALUE_WORDS[field] = words


def register_record_type(table: str, label) -> None:
    """A record type's name as its pages give it (a record kind's, from the area's setup()); a name the
    log keeps below for that table comes first."""
    TABLE_LABELS.setdefault(table, label)


# The record types the areas do not name through a record kind (`register_record_type`), and two
# whose log name is shorter than their pages'.
TABLE_LABELS = {
    "annual_report": _l("Annual report"), "api_token": _l("API token"), "application_form": _l("Application form"),
    "application_plan": _l("Application plan"), "application_round": _l("Application round"),
    "appointment": _l("Appointment"), "base": _l("Base"), "base_enterprise": _l("Partner enterprise"),
    "construction_cycle": _l("Construction cycle"), "cycle_evaluation": _l("Evaluation"),
    "enterprise": _l("Enterprise"), "evaluation_expert": _l("Evaluation expert"),
    "evidence_attachment": _l("Evidence file"), "exchange_arrangement": _l("Exchange arrangement"),
    "expert_assignment": _l("Expert assignment"), "indicator_score": _l("Indicator score"),
    "joint_lab": _l("Joint laboratory"), "key_field": _l("Key field"), "mentor": _l("Mentor"),
    "mentor_assignment": _l("Mentor assignment"), "notification": _l("Notification"),
    "notification_setting": _l("Notification settings"), "objection": _l("Objection"), "plan_target": _l("Plan target"),
    "project_participant": _l("Project participant"), "review": _l("Review"),
    "review_indicator": _l("Review indicator"), "reviewer_affiliation": _l("Reviewer affiliation"),
    "round_reviewer": _l("Round reviewer"), "status_change": _l("Life-cycle step"), "student": _l("Student"),
    "submission": _l("Submission"), "summary_report": _l("Summary report"), "suspension": _l("Suspension"),
    "teaching_team_member": _l("Teaching team member"), "university": _l("University"), "user": _l("User"),
    "user_base": _l("User's base"), "working_group_member": _l("Working group member"),
}

# Fields no area labels elsewhere, fields whose label depends on the record type, and links named for
# the part they play rather than for what they point at (any other link, `base_id`, `mentor_id`…, reads
# as the record type it points at: `reference_label`).
FIELD_LABELS = {
    "reviewer_id": _l("Reviewer"), "indicator_id": _l("Indicator"), "course_id": _l("Course"),
    "project_id": _l("Project"), "actor_id": _l("Acting user"), "recorded_by_id": _l("Recorded by"),
    "submitted_by_id": _l("Submitted by"), "uploaded_by_id": _l("Uploaded by"),
    "university_mentor_id": _l("University mentor"), "enterprise_mentor_id": _l("Enterprise mentor"),
    "status": _l("Status"), "from_status": _l("From"), "to_status": _l("To"), "state": _l("State"),
    "eligible": _l("Eligible"), "active": _l("Active"), "accepted": _l("Accepted"), "as_of": _l("As of"),
    "assigned_on": _l("Assigned on"), "at": _l("Time"), "content_type": _l("File type"),
    "original_name": _l("File name"), "stored_name": _l("Stored file"), "sha256": _l("Checksum"),
    "size": _l("Size (bytes)"), "extension": _l("File extension"), "record_type": _l("Record type"),
    "record_id": _l("Record"), "cycle_ends_on": _l("Cycle ends on"), "evaluated_on": _l("Evaluated on"),
    "notice_ends_on": _l("Public notice ends on"), "submitted_on": _l("Submitted on"), "number": _l("Number"),
    "snapshot": _l("Frozen figures"), "data": _l("Content"), "figures": _l("Figures"), "targets": _l("Targets"),
    "indicator": _l("Indicator"), "value": _l("Value"), "weight": _l("Weight"), "contact_phone": _l("Contact phone"),
    "university_opinion": _l("University's opinion"), "enterprise_opinion": _l("Enterprise's opinion"),
    "password_hash": _l("Password"), "token_hash": _l("Token"), "prefix": _l("Token prefix"),
    "last_used_at": _l("Last used"), "revoked_at": _l("Revoked"), "read_at": _l("Read"), "built": _l("Built"),
    "email_kinds_off": _l("E-mails turned off"), "email_state": _l("E-mail state"), "emailed_at": _l("E-mailed"),
    "email_attempts": _l("E-mail attempts"), "email_error": _l("E-mail error"), "email_claim": _l("E-mail claim"),
    "email_claimed_at": _l("E-mail claimed"), "event_key": _l("Event"), "link_endpoint": _l("Link"),
    "link_args": _l("Link"), "params": _l("Details"), "enterprises": _l("Partner enterprises"), "bases": _l("Bases"),
    "excellent_engineer_programme": _l("Excellent Engineer programme"), "code": _l("Code"),
    "is_leader": _l("Leads the team"), "username": _l("Account"), "language": _l("Language"),
    "max_students_per_mentor": _l("Students per mentor at most"),
}
BY_TABLE = {
    ("mentor", "title"): _l("Professional title"), ("mentor", "side"): _l("Mentor type"), ("user", "name"): _l("Display name"),
    ("mentor", "name"): _l("Name"), ("student", "name"): _l("Name"), ("base", "name"): _l("Name"),
    ("enterprise", "name"): _l("Name"), ("university", "name"): _l("Name"),
}
# Record types whose stored label is bookkeeping (ids, codes, English words): the page names them by
# type and number, and their changes say the rest.
BOOKKEEPING_LABELS = {
    "application_plan", "application_form", "review_indicator", "indicator_score", "round_reviewer", "submission",
    "review", "status_change", "construction_cycle", "plan_target", "annual_report", "summary_report",
    "cycle_evaluation", "evaluation_expert", "objection", "evidence_attachment", "appointment", "suspension",
    "mentor_assignment", "notification_setting", "quality_record", "reviewer_affiliation", "expert_assignment",
    "application_round",
}
YES, NO = _l("Yes"), _l("No")
DETAILS = _l("(a document, kept in full in the log)")
EMPTY = "—"


@lru_cache(maxsize=1)
def _area_labels() -> dict:
    """The labels the areas give their fields (their services' LABELS and their forms), merged."""
    labels: dict = {}

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for form in subclasses(RegistryForm):
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField) and name not in ("submit", "row_version", "csrf_token"):
                label = field.args[0] if field.args else field.kwargs.get("label")
                if label is not None:
                    labels.setdefault(name, label)
    labels.update(AREA_LABELS)
    return labels


@lru_cache(maxsize=1)
def _columns() -> dict:
    """{(table, column): Column} of every mapped table."""
    return {(t.name, c.name): c for t in db.metadata.sorted_tables for c in t.columns}


@lru_cache(maxsize=1)
def _models_by_table() -> dict:
    return {m.local_table.name: m.class_ for m in db.Model.registry.mappers}


def table_label(table: str):
    return TABLE_LABELS.get(table) or _l("Record")


def field_label(table: str, field: str):
    return (BY_TABLE.get((table, field)) or FIELD_LABELS.get(field) or reference_label(table, field)
            or _area_labels().get(field) or _l("Other detail"))


def reference_label(table: str, field: str):
    """A link reads as the record type it points at (`base_id` → "Base"), from the models' foreign keys."""
    target = _reference(table, field)
    return TABLE_LABELS.get(target) if target is not None else None


def _reference(table: str, field: str):
    """The table a column points at, for a foreign key (`base_id` → `base`)."""
    column = _columns().get((table, field))
    if column is None or not column.foreign_keys:
        return None
    return next(iter(column.foreign_keys)).column.table.name


def _describe(obj) -> str:
    label = obj.audit_label() if hasattr(obj, "audit_label") else None
    if label:
        return str(label)
    for attr in ("code", "name", "title", "display_name", "username"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return f"#{obj.id}"


def load_references(entries) -> dict:
    """{(table, id): words} for every record the entries' changes point at: one query per record type."""
    wanted: dict[str, set] = {}
    for e in entries:
        for field, pair in (e.changes or {}).items():
            target = _reference(e.table, field)
            if target is None:
                continue
            for value in pair:
                if isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(target, set()).add(value)
    found = {}
    models = _models_by_table()
    for target, ids in wanted.items():
        model = models.get(target)
        if model is None or not hasattr(model, "id"):
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(target, obj.id)] = _describe(obj)
    return found


def _key_field_names() -> dict:
    names = getattr(g, "_audit_key_fields", None)
    if names is None:
        zh = str(get_locale() or "").startswith("zh")
        names = {kf.code: (kf.name_zh if zh else kf.name_en) for kf in db.session.scalars(select(KeyField))}
        g._audit_key_fields = names
    return names


def value_words(table: str, field: str, value, references: dict) -> str:
    """A stored value as the user reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, list):
        return "、".join(value_words(table, field, v, references) for v in value) or EMPTY
    if isinstance(value, dict):  # a structured document (a snapshot, a form's content): too long to repeat
        return str(DETAILS)
    column = _columns().get((table, field))
    if column is not None and isinstance(column.type, JSON):  # kept as text by the log: a whole document
        return str(DETAILS)
    target = _reference(table, field)
    if target is not None and isinstance(value, int):
        return references.get((target, value), f"#{value}")
    labels = column.info.get("labels") if column is not None else None
    if labels and value in labels:
        return str(labels[value])
    if field in VALUE_WORDS and isinstance(value, str):
        return str(VALUE_WORDS[field](value))
    if field == "field" and isinstance(value, str):
        return _key_field_names().get(value, value)
    if field in ("role",) and isinstance(value, str):
        return str(ROLE_LABELS.get(value, value))
    if isinstance(value, str) and field.endswith("_at"):
        try:
            return moment_text(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def entry_words(entry, references: dict) -> dict:
    """One entry for the page: the record type, and each change as (field label, old, new)."""
    changes = [(str(field_label(entry.table, field)), value_words(entry.table, field, pair[0], references),
                value_words(entry.table, field, pair[1], references))
               for field, pair in (entry.changes or {}).items()]
    record = "" if entry.table in BOOKKEEPING_LABELS else (entry.record_label or "")
    if not record and entry.record_id:
        record = f"#{entry.record_id}"
    return {"table": str(table_label(entry.table)), "record": record, "changes": changes}
