# ruff: noqa: RUF001  (curly quotes and dashes are the point of this module)
"""The one joiner: Chicago punctuation between parts (American quotes, "?,", no doubled periods)."""

from __future__ import annotations

import re

from hooks.bibliography import Rich, Run

_CLOSING = "”"


def join(sep: str, *parts: Rich | str | None) -> Rich:
    """Join the non-empty parts with ``sep``, punctuating as Chicago does (:func:`punctuate`)."""
    out = Rich()
    for part in parts:
        part = Rich.of(part) if isinstance(part, str) else part
        if not part:
            continue
        if not out:
            out = part
            continue
        mark, rest = (sep[0], sep[1:]) if sep[:1] in ".,;:" else ("", sep)
        out = punctuate(out, mark) + rest + part
    return out


def punctuate(text: Rich, mark: str) -> Rich:
    """Add ``mark`` after ``text``: inside a closing quotation mark for commas and periods;
    not at all for a period after ``.``, ``?`` or ``!`` (a comma after ? or ! stays)."""
    if not mark or not text:
        return text
    plain = text.plain
    body = plain.rstrip(_CLOSING + "’") if plain.endswith(_CLOSING) else plain
    if mark == "." and body.endswith((".", "?", "!")):
        return text
    if mark in ".," and len(body) < len(plain):
        cut = len(body)
        return text.slice(0, cut) + mark + text.slice(cut, len(plain))
    return text + mark


def paren(text: Rich) -> Rich:
    return "(" + text + ")" if text else text


def capitalize(text: Rich) -> Rich:
    """Capitalise the first letter (for prefixes and sentence starts, never names)."""
    plain = text.plain
    stripped = plain.lstrip()
    if not stripped or not stripped[0].islower():
        return text
    at = len(plain) - len(stripped)
    return (
        text.slice(0, at)
        + Rich((Run(stripped[0].upper(), text.slice(at, at + 1).runs[0].em),))
        + text.slice(at + 1, len(plain))
    )


def quoted(text: Rich) -> Rich:
    """Put a title in double quotation marks; quotation marks inside it become single."""
    if not text:
        return text
    inner = text.map_text(lambda s: s.replace("“", "‘").replace("”", "’"))
    return "“" + inner + "”"


_MARKUP = re.compile(
    r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)([^_]+?)(?<!\s)_(?!\w)"
)


def inline_markup(text: str) -> Rich:
    """Author-written prefix/suffix text: plain, with ``*word*`` or ``_word_`` as italics."""
    runs, pos = [], 0
    for m in _MARKUP.finditer(text):
        runs += [Run(text[pos : m.start()]), Run(m.group(1) or m.group(2), em=True)]
        pos = m.end()
    runs.append(Run(text[pos:]))
    return Rich(tuple(r for r in runs if r.text))
