"""Working days of a month, and a month's target split over them.

A working day is what the country's official calendar says: weekends off,
public holidays off, and the make-up workdays (调休) that some countries — China
above all — declare on weekends counted as working. The ``holidays`` package
knows all three (``is_working_day``), so February 2026 in China has 16 working
days: 20 weekdays, less the six weekdays of the Spring Festival break
(16–20 and 23 February), plus the make-up Saturdays 14 and 28 February.

The split itself is :func:`salesxl.core.allocation.allocate`, so the days always
add up to the month exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays

from .allocation import allocate


class UnknownCountry(ValueError):
    """The calendar country is not one the ``holidays`` package knows."""


@lru_cache(maxsize=64)
def country_calendar(country: str, year: int) -> holidays.HolidayBase:
    """The official calendar of ``country`` (ISO code such as ``CN``) for ``year``."""
    code = str(country).strip().upper()
    try:
        return holidays.country_holidays(code, years=year)
    except NotImplementedError as exc:
        raise UnknownCountry(f"unknown calendar country {country!r}") from exc


def month_days(year: int, month: int) -> list[dt.date]:
    """Every date of the month."""
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def working_days(year: int, month: int, country: str = "CN") -> list[dt.date]:
    """The month's working days under ``country``'s calendar, in date order."""
    official = country_calendar(country, year)
    return [day for day in month_days(year, month) if official.is_working_day(day)]


def daily_split(total: float, year: int, month: int, country: str = "CN",
                unit: float = 1.0) -> list[tuple[dt.date, float]]:
    """``total`` spread evenly over the month's working days, exact at ``unit``.

    ``daily_split(309_000, 2026, 2, "CN", 0.01)`` gives 16 days of 19,312.50.
    """
    days = working_days(year, month, country)
    return list(zip(days, (float(x) for x in allocate(total, [1.0] * len(days), unit))))
