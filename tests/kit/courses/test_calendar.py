"""The .ics of an offer: RFC 5545 as a calendar reads it (icalendar parses it back), and as its text is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from flask import Flask

from kit.courses.calendar import escape, fold, french_day, french_hours, half_day_uid, offer_calendar
from kit.courses.convocation import offer_ics
from tests.kit.courses.mail_world import FIRST, make_world

NOW = datetime(2027, 2, 1, 12, tzinfo=UTC)


def test_escape_text_values() -> None:
    assert escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_fold_at_75_octets_never_inside_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


def test_offer_calendar_has_four_events_in_utc(app: Flask) -> None:
    with app.app_context():
        world = make_world()
        text = offer_calendar(world.offer, now=NOW, host="kit.example.org")
        ids = [h.id for h in world.offer.half_days]
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4
    assert [str(e["UID"]) for e in events] == [half_day_uid(i, "kit.example.org") for i in ids]
    first = events[0]
    assert first.decoded("DTSTART") == FIRST and first.decoded("DTSTART").tzinfo is not None
    assert first.decoded("DTEND") == FIRST + timedelta(hours=3)
    assert "DTSTART:20270309T083000Z" in text
    assert str(first["LOCATION"]) == "Salle des fêtes, 3 rue de la Paix, 59000 Lille"
    assert "LOCATION:Salle des fêtes\\, 3 rue de la Paix\\, 59000 Lille" in text
    assert "03 20 00 00 00" in str(first["DESCRIPTION"])
    assert "1/4" in str(first["SUMMARY"]) and "4/4" in str(events[3]["SUMMARY"])


def test_uids_stable_between_two_downloads(app: Flask) -> None:
    with app.app_context():
        world = make_world()
        one, two = offer_ics(world.offer), offer_ics(world.offer)
    uids = [line for line in one.split("\r\n") if line.startswith("UID:")]
    assert len(uids) == 4 and uids == [line for line in two.split("\r\n") if line.startswith("UID:")]


def test_french_dates_in_paris_time() -> None:
    assert french_day(FIRST) == "mardi 9 mars 2027"
    assert french_hours(FIRST, FIRST + timedelta(hours=3)) == "de 9 h 30 à 12 h 30"
    summer = datetime(2027, 7, 1, 7, tzinfo=UTC)
    assert french_day(summer) == "jeudi 1er juillet 2027"
    assert french_hours(summer, summer + timedelta(hours=3)) == "de 9 h 00 à 12 h 00"
