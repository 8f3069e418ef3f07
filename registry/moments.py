"""Moments (a timestamp: when something was saved, sent, decided) as people read them: in the
registry's time zone (config `TIMEZONE`, default Asia/Shanghai), with the zone shown, the same on
every page and in both languages. Stored in UTC; SQLite hands them back without a zone.

Calendar dates (an appointment's first day, a deadline) are not moments: they stay YYYY-MM-DD.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from markupsafe import Markup, escape

DEFAULT_TIMEZONE = "Asia/Shanghai"


def registry_zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (KeyError, ValueError):  # a misspelt zone: never a broken page
        return ZoneInfo(DEFAULT_TIMEZONE)


def in_registry_zone(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(registry_zone())


def zone_label(local: dt.datetime) -> str:
    """UTC+08:00: unambiguous in both languages, whatever the zone is called."""
    offset = local.strftime("%z")  # +0800
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def moment_text(value, seconds: bool = False) -> str:
    """2026-12-03 20:33 UTC+08:00 (plain text: exports, messages)."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    local = in_registry_zone(value)
    return f"{local.strftime('%Y-%m-%d %H:%M' + (':%S' if seconds else ''))} {zone_label(local)}"


def moment(value, seconds: bool = False):
    """Template filter `moment`: the time in the registry's zone, with the zone, in a <time> element
    whose machine-readable value is the UTC instant and whose title names the zone."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return moment_text(value)
    utc = (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        utc.strftime("%Y-%m-%dT%H:%M:%SZ"), escape(str(registry_zone())), moment_text(value, seconds))


def moment_day(value) -> str:
    """Template filter `moment_day`: the calendar day a moment fell on, in the registry's zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return in_registry_zone(value).date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def init_app(app) -> None:
    app.add_template_filter(moment, "moment")
    app.add_template_filter(moment_day, "moment_day")
