"""An offer's 4 half-days as an iCalendar file (RFC 5545), for the counselor's calendar and the e-mails.

Written by hand rather than with the `icalendar` package: four events with six properties each need
only the text escaping (3.3.11), the CRLF line ends and the 75-octet folding (3.1), done here in a few
lines and checked by the tests with `icalendar` itself, which the runtime then does not carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from kit.models import CourseOffer
from kit.models.base import as_utc

PRODID = "-//Kit Animateur//Formations entre SIAE//FR"
LOCAL = ZoneInfo("Europe/Paris")  # what the convocations and e-mails show; the .ics itself is in UTC
# The shipped modules' titles (modules/0N-*.md), by half-day number.
MODULE_TITLES = {1: "Mon smartphone et le Wi-Fi", 2: "Naviguer sur le web", 3: "Rechercher une information",
                 4: "Installer et régler ses applications"}


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma, and new lines (RFC 5545, 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545, 3.1)."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75  # a continuation line starts with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def stamp(moment: datetime) -> str:
    """A UTC DATE-TIME, 20261208T080000Z."""
    return as_utc(moment).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def half_day_uid(half_day_id: int, host: str = "kit-animateur") -> str:
    """The event's UID: stable for a half-day, so that a second import updates rather than duplicates."""
    return f"demi-journee-{half_day_id}@{host}"


def offer_calendar(offer: CourseOffer, now: datetime | None = None, host: str = "kit-animateur",
                   title: str | None = None) -> str:
    """The VCALENDAR of the offer's half-days: one VEVENT each, times in UTC, CRLF, folded."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(title or 'Formation smartphone')}"]
    dtstamp = stamp(now or datetime.now(UTC))
    location = escape(f"{offer.place_name}, {offer.place_address}")
    for half_day in offer.half_days:
        name = MODULE_TITLES.get(half_day.number, half_day.module_slug)
        summary = f"{title or 'Formation smartphone'} — demi-journée {half_day.number}/4 : {name}"
        description = (f"Lieu : {offer.place_name}, {offer.place_address}\n"
                       f"Si la personne ne peut pas venir, appeler le {offer.contact_phone}.\n"
                       "Apporter un téléphone chargé.")
        lines += ["BEGIN:VEVENT", f"UID:{half_day_uid(half_day.id, host)}", f"DTSTAMP:{dtstamp}",
                  f"DTSTART:{stamp(half_day.starts_at)}", f"DTEND:{stamp(half_day.ends_at)}",
                  f"SUMMARY:{escape(summary)}", f"LOCATION:{location}", f"DESCRIPTION:{escape(description)}",
                  "STATUS:CONFIRMED" if offer.status == "published" else "STATUS:CANCELLED",
                  "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return join(lines)


def join(lines: Iterable[str]) -> str:
    """Content lines folded, each ended by CRLF."""
    return "".join(fold(line) + "\r\n" for line in lines)


def local(moment: datetime) -> datetime:
    """A stored UTC time as French local time, for what people read."""
    return as_utc(moment).astimezone(LOCAL)


DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def french_day(moment: datetime) -> str:
    """« mardi 8 décembre 2026 », in French local time."""
    day = local(moment)
    return f"{DAYS[day.weekday()]} {day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def french_hours(start: datetime, end: datetime) -> str:
    """« de 9 h 00 à 12 h 00 »."""
    first, last = local(start), local(end)
    return f"de {first.hour} h {first.minute:02d} à {last.hour} h {last.minute:02d}"
