# ruff: noqa: RUF001, RUF002  (curly quotes and dashes are the point of this module)
"""Dates as Chicago writes them."""

from __future__ import annotations

import re

from hooks.bibliography import MONTHS, Date

_QUALIFIED = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([?~%])")
_DECADE = re.compile(r"(\d{3})[Xu]")


def format_date(date: Date | None) -> str:
    """Dates as Chicago writes them: April 17, 2017; April 2017; Spring 2017; 1890–96."""
    if date is None:
        return ""
    if date.literal:
        return _qualified(date.literal)
    if date.end:
        return _date_range(date, date.end)
    text = _one_date(date)
    return f"{text}–" if date.open_end else text


def _qualified(literal: str) -> str:
    """ISO 8601-2 (EDTF) dates biblatex reads: an uncertain ``1957?`` prints "[1957?]" (CMOS
    17 §14.145), an approximate ``1920~`` "ca. 1920", both (``%``) "[ca. 1920?]", an
    unspecified digit ``186X`` "1860s", as biblatex-chicago prints them. Other text as given."""
    if m := _QUALIFIED.fullmatch(literal.strip()):
        year, month, day, mark = m.groups()
        text = _one_date(Date(int(year), int(month) if month else None, int(day) if day else None))
        return {"?": f"[{text}?]", "~": f"ca. {text}", "%": f"[ca. {text}?]"}[mark]
    if m := _DECADE.fullmatch(literal.strip()):
        return f"{m.group(1)}0s"
    return literal


def _one_date(d: Date) -> str:
    year = str(d.year) if d.year is not None else ""
    if d.season:
        return f"{d.season[:1].upper()}{d.season[1:]} {year}".strip()  # "fall" -> "Fall"
    if d.month and d.day:
        return f"{MONTHS[d.month - 1]} {d.day}, {year}".rstrip(", ")
    if d.month:
        return f"{MONTHS[d.month - 1]} {year}".strip()
    return year


def _date_range(a: Date, b: Date) -> str:
    if a.year == b.year and a.month and a.month == b.month and a.day and b.day:
        return f"{MONTHS[a.month - 1]} {a.day}–{b.day}, {a.year}"
    if a.year == b.year and a.month and b.month:
        if a.day and b.day:
            return f"{MONTHS[a.month - 1]} {a.day}–{MONTHS[b.month - 1]} {b.day}, {a.year}"
        return f"{MONTHS[a.month - 1]}–{MONTHS[b.month - 1]} {a.year}"
    if not (a.month or b.month or a.season or b.season) and a.year and b.year:
        return year_range(a.year, b.year)
    return f"{_one_date(a)}–{_one_date(b)}"


def year_range(a: int, b: int) -> str:
    """Years within one century keep two digits (1890–96); across centuries all (1898–1903)."""
    if a // 100 == b // 100 and a % 100 and b > a:
        return f"{a}–{b % 100:02d}"
    return f"{a}–{b}"


def format_precision(date: Date | None, precision: str) -> str:
    """A date cut to what the Manual prints for the source type
    (CMOS 17 §14.71, 14.171, 14.191, 14.206):
    ``year`` for books, chapters, reports and theses (Zotero's full dates lose month and day);
    ``month`` for journals (month or season with the year); ``day`` for magazines,
    newspapers, web pages and other dated items."""
    if date is None or date.literal or precision == "day":
        return format_date(date)
    if precision == "year":
        if date.year is None:
            return format_date(date)
        if date.end and date.end.year and date.end.year != date.year:
            return year_range(date.year, date.end.year)
        return str(date.year) + ("–" if date.open_end else "")
    trimmed = Date(date.year, date.month, None, date.season)
    if date.end:
        end = Date(date.end.year, date.end.month, None, date.end.season)
        if end != trimmed:
            return format_date(Date(date.year, date.month, None, date.season, end=end))
    return format_date(trimmed)
