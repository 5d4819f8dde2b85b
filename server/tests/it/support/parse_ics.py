"""Parses an iCalendar document from stdin with the `icalendar` package and
prints its events as JSON, for the calendar feed tests."""
import json
import sys

from icalendar import Calendar

cal = Calendar.from_ical(sys.stdin.buffer.read())
events = []
for e in cal.walk("VEVENT"):
    events.append({
        "uid": str(e.get("UID")),
        "summary": str(e.get("SUMMARY")),
        "description": str(e.get("DESCRIPTION")),
        "url": str(e.get("URL")),
        "start": e.decoded("DTSTART").isoformat(),
        "end": e.decoded("DTEND").isoformat(),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "version": str(cal.get("VERSION")), "events": events}))
