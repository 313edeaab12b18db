"""Characters that do not show as written: bidirectional controls (E072) and characters the
bundled fonts cannot draw (E073).

A bidirectional override or isolate (U+202A-U+202E, U+2066-U+2069) makes text display in
another order than it is stored, so "evil" can read as "live" on the page and in review
("Trojan Source"). A character that neither of the fonts in ``docs/assets/fonts`` has prints
as an empty box in a packet (WeasyPrint has only those fonts and whatever the building
machine happens to have) and depends on the reader's system fonts on the site.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from hooks.checks.text import Source
from hooks.loader import Problem

BIDI_CONTROLS = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
TEXT_FONTS = ("source-serif-4", "atkinson-hyperlegible-next")
"""The font folders under ``docs/assets/fonts`` that set running text and headings (site and
packets); a character must be in both. The monospaced font sets only code."""
INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}  # controls and format characters draw no glyph


def bidi_problems(source: Source) -> Iterator[Problem]:
    for offset, char in enumerate(source.text):
        if char in BIDI_CONTROLS:
            yield source.problem(
                offset,
                "E072",
                f"invisible bidirectional control U+{ord(char):04X} {BIDI_CONTROLS[char]}",
                "It makes the text around it display in a different order than it is "
                "written, so what readers see is not what reviewers read. Delete it (your "
                "editor may show it as a gap or nothing at all); right-to-left text needs no "
                "control characters.",
            )


@cache
def _covered(folder: str, stamp: tuple[tuple[str, float], ...]) -> frozenset[int]:
    del stamp  # part of the cache key only: changed fonts are read again
    from fontTools.ttLib import TTFont

    families = []
    for name in TEXT_FONTS:
        points: set[int] = set()
        for path in sorted((Path(folder) / name).glob("*.woff2")):
            points.update(TTFont(str(path), lazy=True).getBestCmap())
        families.append(points)
    return frozenset(set.intersection(*families)) if families else frozenset()


def covered_characters(fonts: Path) -> frozenset[int] | None:
    """Code points every text font in ``fonts`` draws, or ``None`` if the project bundles no
    text fonts (nothing to check against)."""
    paths = sorted(fonts.glob("*/*.woff2")) if fonts.is_dir() else []
    if not any(path.parent.name in TEXT_FONTS for path in paths):
        return None
    try:
        return _covered(str(fonts), tuple((str(p), p.stat().st_mtime) for p in paths))
    except Exception:  # an unreadable font is the font check's business, not a content error
        return None


def glyph_problems(source: Source, covered: frozenset[int] | None) -> Iterator[Problem]:
    """The first place each character that the fonts lack appears in ``source``. The text is
    composed first (NFC), as a shaper draws "c" with a combining cedilla as the font's "ç"."""
    if covered is None:
        return
    composed = unicodedata.normalize("NFC", source.text)
    missing = {
        char
        for char in set(composed)
        if ord(char) not in covered and unicodedata.category(char) not in INVISIBLE
    }
    for char in sorted(missing, key=composed.index):
        name = unicodedata.name(char, "unnamed character")
        at = source.text.find(char)
        if at < 0:  # composed from several characters: find where the first one is written
            at = max(source.text.find(unicodedata.normalize("NFD", char)[0]), 0)
        yield source.problem(
            at,
            "E073",
            f"'{char}' (U+{ord(char):04X} {name}) is in none of the bundled fonts",
            "Packets would print it as an empty box. Write it in words or with a character "
            "the fonts have (-> for an arrow, 'yes' for a check mark), or add a font that "
            "covers it to docs/assets/fonts (tools/vendor_fonts.py, `make fonts`).",
        )
