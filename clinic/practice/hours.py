"""Opening hours: the weekly table, dated exceptions, and whether the clinic is open now.

"Open now" is worked out on the server. A page that shows it must not be served from the page
cache after the state changes, so `state()` also gives the moment of the next change, and such
views cap their cache lifetime at it (`response.page_cache_until`).
"""

import dataclasses
import datetime

from django.utils import timezone

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SCHEMA_DAYS = [f"https://schema.org/{day}" for day in DAYS]
# How far ahead to look for the next opening or closing.
HORIZON_DAYS = 14


@dataclasses.dataclass(frozen=True)
class State:
    is_open: bool
    # When it next opens or closes (None: not within HORIZON_DAYS).
    next_change: datetime.datetime | None
    # The exception that applies today, if any (a holiday, a closure).
    today_note: str = ""


def intervals_on(day: datetime.date, weekly, exceptions):
    """[(opens, closes)] of local times on that date, and the note of an exception if any."""
    exception = exceptions.get(day)
    if exception is not None:
        if exception.closed or not (exception.opens and exception.closes):
            return [], exception.reason
        return [(exception.opens, exception.closes)], exception.reason
    return [(row.opens, row.closes) for row in weekly if row.weekday == day.weekday()], ""


def state(weekly, exceptions, now=None) -> State:
    """Is the clinic open at `now`, and when does that next change?

    `weekly`: rows with weekday (0 = Monday), opens, closes. `exceptions`: {date: row with
    closed, opens, closes, reason}.
    """
    now = timezone.localtime(now or timezone.now())
    tz = now.tzinfo
    is_open = False
    boundaries = []
    today_note = ""
    for offset in range(-1, HORIZON_DAYS + 1):
        day = now.date() + datetime.timedelta(days=offset)
        intervals, note = intervals_on(day, weekly, exceptions)
        if offset == 0:
            today_note = note
        for opens, closes in intervals:
            start = datetime.datetime.combine(day, opens).replace(tzinfo=tz)
            end = datetime.datetime.combine(day, closes).replace(tzinfo=tz)
            if end <= start:  # closes after midnight
                end += datetime.timedelta(days=1)
            if start <= now < end:
                is_open = True
            boundaries += [start, end]
    later = sorted(moment for moment in boundaries if moment > now)
    # The next moment at which being open or not really changes.
    next_change = None
    for moment in later:
        if _open_at(moment, weekly, exceptions) != is_open:
            next_change = moment
            break
    return State(is_open=is_open, next_change=next_change, today_note=today_note)


def _open_at(moment, weekly, exceptions):
    for offset in (-1, 0):
        day = moment.date() + datetime.timedelta(days=offset)
        for opens, closes in intervals_on(day, weekly, exceptions)[0]:
            start = datetime.datetime.combine(day, opens).replace(tzinfo=moment.tzinfo)
            end = datetime.datetime.combine(day, closes).replace(tzinfo=moment.tzinfo)
            if end <= start:
                end += datetime.timedelta(days=1)
            if start <= moment < end:
                return True
    return False


def table(weekly):
    """[(day name, [(opens, closes)])] Monday to Sunday, for the opening-hours table."""
    by_day = {number: [] for number in range(7)}
    for row in sorted(weekly, key=lambda row: (row.weekday, row.opens)):
        by_day[row.weekday].append((row.opens, row.closes))
    return [(DAYS[number], by_day[number]) for number in range(7)]


def specification(weekly, exceptions) -> list[dict]:
    """schema.org openingHoursSpecification: the week, then dated exceptions ahead."""
    items = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": SCHEMA_DAYS[row.weekday],
            "opens": row.opens.strftime("%H:%M"),
            "closes": row.closes.strftime("%H:%M"),
        }
        for row in sorted(weekly, key=lambda row: (row.weekday, row.opens))
    ]
    for day, row in sorted(exceptions.items()):
        closed = row.closed or not (row.opens and row.closes)
        items.append(
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": day.isoformat(),
                "validThrough": day.isoformat(),
                "opens": "00:00" if closed else row.opens.strftime("%H:%M"),
                "closes": "00:00" if closed else row.closes.strftime("%H:%M"),
            }
        )
    return items
