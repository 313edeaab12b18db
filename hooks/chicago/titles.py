# ruff: noqa: RUF001  (curly quotes are the point of this module)
"""Titles: short titles (CMOS 17 §14.32) and headline-style capitalisation (§8.159)."""

from __future__ import annotations

import re

from hooks.bibliography import Rich

FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "nor",
        "but",
        "for",
        "so",
        "yet",
        "of",
        "in",
        "on",
        "to",
        "with",
        "by",
        "at",
        "from",
        "as",
        "up",
        "via",
        "into",
        "onto",
        "upon",
        "over",
        "per",
        "than",
        "off",
        "out",
        "down",
        "vs",
        "v",
        "versus",
    ]
)
"""Words CMOS 8.159 lowercases inside a headline-style title (articles, coordinating
conjunctions, prepositions, "to" and "as")."""

PARTICLES = frozenset(
    [
        "de",
        "van",
        "von",
        "der",
        "den",
        "du",
        "la",
        "le",
        "da",
        "di",
        "des",
        "del",
        "della",
        "dos",
        "das",
        "y",
        "ibn",
        "bin",
        "al",
    ]
)
"""Name particles, left in lower case inside a title (Alexis de Tocqueville)."""
PREFIXES = frozenset(
    [
        "anti",
        "co",
        "counter",
        "de",
        "extra",
        "inter",
        "intra",
        "multi",
        "non",
        "over",
        "post",
        "pre",
        "pro",
        "re",
        "semi",
        "sub",
        "super",
        "trans",
        "ultra",
        "un",
        "under",
    ]
)
"""Prefixes that cannot stand alone: the element after their hyphen stays lower case
(CMOS 17 §8.161: "Anti-intellectual", "Co-opt", "Pre-industrial")."""
_WORD_OPENERS = "-–—/([“‘\"'"
"""After these a new word begins (hyphenated compounds, quotations, parentheses)."""
_SUBTITLE = re.compile(r":\s|[?!](?=\s+\S)|;\s+or,?\s")
"""Where a main title ends: the subtitle colon, a ? or ! (kept), "; or," (a double title,
CMOS 8.163)."""


def drop_article(title: str) -> str:
    return re.sub(r"^(?:A|An|The)\s+", "", title)


def main_title(title: Rich, *, questions: bool = True) -> Rich:
    """The title up to its subtitle, never inside a quotation (so quotes stay balanced): the
    first colon (or "; or," of a double title, CMOS 8.163) outside quotation marks, else the
    first ? or ! followed by more words (kept: "What Is to Be Done?")."""
    plain = title.plain
    depth, cuts = 0, []
    for i, ch in enumerate(plain):
        if ch == "“" or (ch == "‘" and (i == 0 or not plain[i - 1].isalpha())):
            depth += 1
        elif ch == "”" or (
            ch == "’" and depth and (i + 1 == len(plain) or not plain[i + 1].isalpha())
        ):
            depth = max(depth - 1, 0)
        elif not depth and _SUBTITLE.match(plain, i):
            cuts.append(i)
    colon = [i for i in cuts if plain[i] in ":;"]
    if colon:
        return title.slice(0, colon[0])
    if cuts and questions:
        return title.slice(0, cuts[0] + 1)
    return title


def shorten(title: Rich, *, questions: bool = True) -> Rich:
    """The short title when the entry gives no ``shorttitle``: the main title, up to the
    subtitle (see :func:`main_title`), as biblatex-chicago and the CSL Chicago styles take
    it. Never cut by word count (a guess that stops mid-phrase misleads more than a long
    short title), and an initial article stays: CMOS 17 §14.32 leaves the choice of key words
    to the writer, who gives it in ``shorttitle``. With ``questions=False`` (the entry has a
    separate ``subtitle``) only a colon ends the main title, so "How Long? How Long?" stays
    whole."""
    return main_title(title, questions=questions)


_WORD = re.compile(r"[^\s\-–—/]+")


def headline_case(raw: str) -> str:
    """Headline-style capitalisation of a raw BibTeX title (CMOS 17 §8.159), for English
    titles kept in sentence case. Text in braces and LaTeX commands is left alone (so
    ``{iPhone}``, ``{{UNESCO}}``, ``\\emph{x}`` keep their case); only lower-case initials
    are raised, so names and acronyms are never damaged."""
    out, depth, word_start, i = [], 0, True, 0
    first = True
    after_colon = False
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\":  # a command: copy its name
            m = re.match(r"\\([A-Za-z]+|.)", raw[i:])
            assert m is not None
            out.append(m.group(0))
            i += m.end()
            word_start = False
            first = False
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if depth == 0 and ch not in "{}" and word_start and ch.isalpha():
            m = _WORD.match(raw, i)
            word = m.group(0) if m else ch
            bare = re.sub(r"[^\w’']", "", word).lower()
            last = not re.search(r"\w", raw[i + len(word) :].split(":")[0].replace("}", ""))
            before = re.search(r"(\w+)-$", "".join(out[-12:]))
            after_prefix = bool(before and before.group(1).lower() in PREFIXES)
            keep_lower = (
                (bare in FUNCTION_WORDS or bare in PARTICLES) and not (first or after_colon or last)
            ) or after_prefix
            if ch.islower() and not keep_lower and not re.search(r"[A-Z.@/]|\d", word[1:]):
                ch = ch.upper()
            first = after_colon = False
        if not ch.isspace() and ch not in "{}":
            word_start = ch in _WORD_OPENERS
            if ch in ":?!":
                after_colon, word_start = True, False
            elif ch not in _WORD_OPENERS:
                first = False
        elif ch.isspace():
            word_start = True
        out.append(ch)
        i += 1
    return "".join(out)
