"""Opening hours: the table, dated exceptions, and "Open now" with the moment it changes."""

import datetime
import zoneinfo

import pytest

from clinic.practice import hours
from clinic.practice.models import OpeningException, OpeningHours

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def week():
    nine, six, one = datetime.time(9), datetime.time(18), datetime.time(13)
    return [OpeningHours(weekday=d, opens=nine, closes=six) for d in range(4)] + [
        OpeningHours(weekday=4, opens=nine, closes=one)
    ]


# 2026-12-07 is a Monday.
@pytest.mark.parametrize(
    ("now", "is_open", "next_change"),
    [
        (at(2026, 12, 7, 8, 59), False, at(2026, 12, 7, 9)),
        (at(2026, 12, 7, 9), True, at(2026, 12, 7, 18)),
        (at(2026, 12, 7, 17, 59), True, at(2026, 12, 7, 18)),
        (at(2026, 12, 7, 18), False, at(2026, 12, 8, 9)),
        (at(2026, 12, 11, 12), True, at(2026, 12, 11, 13)),  # Friday morning only
        (at(2026, 12, 11, 13), False, at(2026, 12, 14, 9)),  # over the weekend
        (at(2026, 12, 12, 10), False, at(2026, 12, 14, 9)),  # Saturday
    ],
)
def test_open_now_and_when_that_changes(now, is_open, next_change):
    state = hours.state(week(), {}, now)
    assert state.is_open is is_open
    assert state.next_change == next_change


def test_a_holiday_closes_a_working_day_and_says_why():
    christmas = OpeningException(
        date=datetime.date(2026, 12, 24), closed=True, reason="Christmas Eve"
    )
    state = hours.state(week(), {christmas.date: christmas}, at(2026, 12, 24, 11))
    assert not state.is_open
    assert state.today_note == "Christmas Eve"
    # Thursday 24th closed, Friday 25th is a weekday with hours in the week table.
    assert state.next_change == at(2026, 12, 25, 9)


def test_a_dated_late_opening_replaces_the_days_hours():
    late = OpeningException(
        date=datetime.date(2026, 12, 8),
        closed=False,
        opens=datetime.time(12),
        closes=datetime.time(20),
        reason="Late clinic",
    )
    exceptions = {late.date: late}
    assert not hours.state(week(), exceptions, at(2026, 12, 8, 10)).is_open
    state = hours.state(week(), exceptions, at(2026, 12, 8, 19))
    assert state.is_open and state.next_change == at(2026, 12, 8, 20)


def test_never_open_has_no_next_change():
    assert hours.state([], {}, at(2026, 12, 7, 10)) == hours.State(False, None, "")


def test_the_table_lists_every_day_monday_first():
    table = hours.table(week())
    assert [day for day, _ in table][:2] == ["Monday", "Tuesday"]
    assert table[5] == ("Saturday", [])
    assert table[4] == ("Friday", [(datetime.time(9), datetime.time(13))])


def test_schema_org_specification():
    items = hours.specification(week(), {})
    assert items[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00",
        "closes": "18:00",
    }
    assert len(items) == 5
