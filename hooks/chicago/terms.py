# ruff: noqa: RUF001, RUF003  (curly quotes and dashes are the point of this module)
"""CMOS terms and abbreviations, and the biblatex localisation keys that stand for them.

biblatex lets a field hold a *bibstring key* instead of text (``edition = {revised}``,
``date = {nodate}``, ``series = {newseries}``, ``pubstate = {inpress}``, or
``\\bibstring{nodate}`` anywhere); biblatex-chicago prints the Chicago term in its place.
:func:`bibstring` does the same, so no key reaches the page.
"""

from __future__ import annotations

import re

# fmt: off
BIBSTRINGS: dict[str, str] = {
    # dates and publication states (CMOS 17 §14.72, 14.71)
    "nodate": "n.d.", "forthcoming": "forthcoming", "inpress": "in press",
    "inpreparation": "in preparation", "submitted": "submitted", "prepublished": "prepublished",
    "reprint": "repr.", "selfpublished": "self-published",
    # editions and series (CMOS 14.118, 14.180)
    "revised": "rev.", "revisededition": "rev. ed.", "newseries": "n.s.", "oldseries": "o.s.",
    "edition": "ed.",
    # types (CMOS 14.224, 14.221)
    "phdthesis": "PhD diss.", "mathesis": "MA thesis", "mastersthesis": "master’s thesis",
    "candthesis": "candidate thesis",
    "techreport": "technical report", "resreport": "research report", "software": "software",
    "datacd": "CD-ROM", "audiocd": "audio CD", "patent": "patent", "manual": "manual",
    # numbering and parts
    "volume": "vol.", "volumes": "vols.", "number": "no.", "numbers": "nos.", "page": "p.",
    "pages": "pp.", "chapter": "chap.", "part": "pt.", "section": "sec.", "issue": "no.",
    "and": "and", "andothers": "et al.", "in": "in", "by": "by", "with": "with",
    "pseudonym": "pseud.",
    "bytranslator": "trans.", "byeditor": "ed.", "translator": "trans.", "editor": "ed.",
    "editors": "eds.", "compiler": "comp.", "compilers": "comps.", "urlseen": "accessed",
    "url": "URL", "online": "online", "film": "film", "video": "video", "letter": "letter",
    "interview": "interview", "review": "review of", "paperpresented": "paper presented",
    "jourser": "ser.", "newser": "n.s.", "oldser": "o.s.", "and others": "et al.",
}
# fmt: on

LANGUAGES = {
    name.lower(): name
    for name in [
        "Arabic",
        "Bulgarian",
        "Catalan",
        "Chinese",
        "Croatian",
        "Czech",
        "Danish",
        "Dutch",
        "Estonian",
        "Finnish",
        "French",
        "Galician",
        "German",
        "Greek",
        "Hebrew",
        "Hindi",
        "Hungarian",
        "Icelandic",
        "Indonesian",
        "Irish",
        "Italian",
        "Japanese",
        "Korean",
        "Latin",
        "Latvian",
        "Lithuanian",
        "Norwegian",
        "Persian",
        "Polish",
        "Portuguese",
        "Romanian",
        "Russian",
        "Serbian",
        "Slovak",
        "Slovenian",
        "Spanish",
        "Swahili",
        "Swedish",
        "Turkish",
        "Ukrainian",
        "Urdu",
        "Vietnamese",
        "Welsh",
        "Yiddish",
    ]
} | {
    "ngerman": "German",
    "austrian": "German",
    "brazil": "Portuguese",
    "brazilian": "Portuguese",
    "french": "French",
    "spanish": "Spanish",
    "mexican": "Spanish",
}
"""biblatex ``language``/``langid`` values (also ``langrussian``) -> the language's name."""

ENGLISH = {
    "english",
    "american",
    "british",
    "canadian",
    "australian",
    "newzealand",
    "en",
    "eng",
    "en-us",
    "en-gb",
    "en-ca",
    "en-au",
    "langenglish",
    "usenglish",
    "ukenglish",
}


def language_name(value: str) -> str:
    """The name to print for a language field, or "" for English and unknown codes."""
    key = value.strip().lower()
    key = key.removeprefix("lang")
    if key in ENGLISH or not key:
        return ""
    return LANGUAGES.get(key, "")


def is_english(value: str) -> bool:
    return not value.strip() or value.strip().lower() in ENGLISH


ROLES: dict[str, tuple[str, str, str]] = {
    # editortype: (note singular, note plural, "… by" phrase); CMOS 14.103–106
    "editor": ("ed.", "eds.", "edited by"),
    "compiler": ("comp.", "comps.", "compiled by"),
    "translator": ("trans.", "trans.", "translated by"),
    "director": ("dir.", "dirs.", "directed by"),
    "founder": ("founder", "founders", "founded by"),
    "continuator": ("cont.", "conts.", "continued by"),
    "redactor": ("red.", "reds.", "redacted by"),
    "reviser": ("rev.", "revs.", "revised by"),
    "collaborator": ("collab.", "collabs.", "in collaboration with"),
    "organizer": ("org.", "orgs.", "organized by"),
    "producer": ("prod.", "prods.", "produced by"),
    "with": ("with", "with", "with"),
}
"""biblatex ``editortype`` values: the role after a leading name, and the phrase before one."""

ORDINAL_WORDS = {
    word: i
    for i, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ],
        1,
    )
}

_BIBSTRING = re.compile(r"\\bibstring\s*\{(\w+)\}")


def expand_bibstrings(raw: str) -> str:
    """Replace ``\\bibstring{key}`` commands in a raw field by their CMOS term."""
    return _BIBSTRING.sub(lambda m: BIBSTRINGS.get(m.group(1), m.group(1)), raw)


def bibstring(value: str) -> str:
    """A whole field that is a localisation key -> its term; any other text unchanged."""
    return BIBSTRINGS.get(value.strip(), value) if value.strip().isalpha() else value


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def edition_phrase(value: str) -> str:
    """``2``, ``2nd``, ``second``, ``revised``, ``Rev. ed.`` -> "2nd ed.", "rev. ed."
    (CMOS 17 §14.118)."""
    text = value.strip().rstrip(".")
    key = text.lower()
    if not text:
        return ""
    if m := re.fullmatch(r"(\d+)(?:st|nd|rd|th)?(?:\s+(?:ed|edn|edition))?", key):
        return f"{ordinal(int(m.group(1)))} ed."
    if (first := key.split()[0]) in ORDINAL_WORDS and re.fullmatch(
        r"\w+(?:\s+(?:ed|edition))?", key
    ):
        return f"{ordinal(ORDINAL_WORDS[first])} ed."
    if key in {"revised", "rev", "revised edition", "revised ed", "rev. ed", "rev ed"}:
        return "rev. ed."
    text = re.sub(r"\b[Rr]evised\b", "rev.", text)
    text = re.sub(r"\b[Ee]dition\b", "ed.", text)
    if not re.search(r"\bed\b\.?|\bed\.$", text):
        text += " ed."
    elif text.endswith(" ed"):
        text += "."  # "special ed." lost its period to the strip above
    return text[0].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text


def series_phrase(value: str) -> str:
    """A journal's series: ``newseries`` -> "n.s.", ``3`` -> "3rd ser." (CMOS 14.180)."""
    text = value.strip()
    if text.isdigit():
        return f"{ordinal(int(text))} ser."
    return bibstring(text)
