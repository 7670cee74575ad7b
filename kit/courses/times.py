"""The times of a course: typed and shown in French local time, stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from kit.models.base import as_utc

PARIS = ZoneInfo("Europe/Paris")


def to_utc(day: date, moment: time) -> datetime:
    """A local date and time (as typed in a form) as an aware UTC datetime."""
    return datetime.combine(day, moment, PARIS).astimezone(UTC)


def local(moment: datetime) -> datetime:
    """A stored time in French local time, for display."""
    return as_utc(moment).astimezone(PARIS)


def today_local() -> date:
    """Today's date in France (deadlines are French days)."""
    return datetime.now(PARIS).date()
