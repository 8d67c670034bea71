"""Relative times for ``expires_in`` and ``not_before``.

Strings follow the grammar of the ``ms`` package (version 2) that
node-jsonwebtoken uses: a decimal number, optional spaces, an optional
case-insensitive unit; no unit means milliseconds.
"""

from __future__ import annotations

import datetime
import math
import re

from .exceptions import InvalidOptionError

_SECOND = 1000.0
_MINUTE = _SECOND * 60
_HOUR = _MINUTE * 60
_DAY = _HOUR * 24
_WEEK = _DAY * 7
_YEAR = _DAY * 365.25

_UNIT_MILLISECONDS = {
    **dict.fromkeys(("years", "year", "yrs", "yr", "y"), _YEAR),
    **dict.fromkeys(("weeks", "week", "w"), _WEEK),
    **dict.fromkeys(("days", "day", "d"), _DAY),
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h"), _HOUR),
    **dict.fromkeys(("minutes", "minute", "mins", "min", "m"), _MINUTE),
    **dict.fromkeys(("seconds", "second", "secs", "sec", "s"), _SECOND),
    **dict.fromkeys(("milliseconds", "millisecond", "msecs", "msec", "ms"), 1.0),
}

# ASCII digits only and nothing after the unit: JavaScript's \d and $ (without
# the m flag) are stricter than Python's defaults, hence ASCII and fullmatch.
_TIMESPAN = re.compile(
    r"(-?[0-9]*\.?[0-9]+) *("
    + "|".join(sorted(_UNIT_MILLISECONDS, key=len)[::-1])
    + r")?",
    re.ASCII | re.IGNORECASE,
)
_MAX_LENGTH = 100

Seconds = int | float
Timespan = int | float | str | datetime.timedelta | datetime.datetime


def timespan_milliseconds(text: str) -> float | None:
    """Return the milliseconds ``text`` stands for, or None if it is no timespan."""
    if len(text) > _MAX_LENGTH:
        return None
    match = _TIMESPAN.fullmatch(text)
    if match is None:
        return None
    unit = (match.group(2) or "ms").lower()
    return float(match.group(1)) * _UNIT_MILLISECONDS[unit]


def check_timespan(value: object, option: str) -> Timespan:
    """Return ``value`` if it is a usable ``expires_in``/``not_before``: seconds,
    a timespan string, a timedelta, or a timezone-aware datetime.

    :raises InvalidOptionError: naming ``option``, for anything else.
    """
    if isinstance(value, datetime.timedelta):
        return value
    if isinstance(value, datetime.datetime):
        if _utc_offset(value) is None:
            raise InvalidOptionError(
                f'"{option}" is a naive datetime (or its timezone is invalid); '
                "give it a timezone, such as datetime.UTC, so that it names one "
                "instant",
                option=option,
            )
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        # JavaScript cannot tell 60.0 from 60, so neither do we.
        return int(value)
    if isinstance(value, str) and timespan_milliseconds(value) is not None:
        return value
    raise InvalidOptionError(
        f'"{option}" should be a number of seconds or a string representing a '
        'timespan, such as "2 days", "10h" or "60s"',
        option=option,
    )


def _utc_offset(value: datetime.datetime) -> datetime.timedelta | None:
    try:
        return value.utcoffset()
    except ValueError:  # a tzinfo whose offset is a day or more
        return None


def offset_from(base: Seconds, span: Timespan) -> Seconds:
    """Return the time ``span`` after ``base``, as node-jsonwebtoken computes it.

    Whole seconds are added as they are; strings and timedeltas are floored to
    whole seconds, like ``Math.floor(base + ms(span) / 1000)``. A datetime is
    an absolute time: its own whole seconds, whatever ``base`` is.
    """
    if isinstance(span, int):
        return base + span
    if isinstance(span, datetime.datetime):
        return _whole(span.timestamp())
    if isinstance(span, datetime.timedelta):
        return _whole(base + span.total_seconds())
    milliseconds = timespan_milliseconds(str(span))
    assert milliseconds is not None  # check_timespan accepted it
    return _whole(base + milliseconds / 1000)


def _whole(value: float) -> Seconds:
    floored = math.floor(value)
    # JavaScript keeps a double; past 2**53 only the double is what Node writes.
    return floored if abs(floored) <= 2**53 else float(floored)
