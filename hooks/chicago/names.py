# ruff: noqa: RUF001, RUF002  (curly quotes and dashes are the point of this module)
"""Names as Chicago prints them: given-first in notes, inverted first name in the bibliography,
initials with periods and spaces (CMOS 17 §10.12: "J. E. O’Neill", "Paul N. Edwards")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from hooks.bibliography import Name

_BARE_INITIAL = re.compile(r"(?<![\w.’'-])([A-Z])(?=\s|$)")
_JOINED_INITIALS = re.compile(r"\b([A-Z])\.(?=[A-Z]\b|[A-Z]\.)")


def given(text: str) -> str:
    """Periods after bare initials and a space between joined ones ("J.E." -> "J. E.")."""
    text = _BARE_INITIAL.sub(r"\1.", text)
    return _JOINED_INITIALS.sub(r"\1. ", text)


def initials(text: str) -> str:
    """Given names as initials, for telling apart authors who share a surname (CMOS 14.29)."""
    parts = re.split(r"(\s+|-)", given(text))
    return "".join(p[0] + "." if p and p[0].isalpha() else p for p in parts if p is not None)


def given_first(n: Name) -> str:
    """Name order for notes: Martin Luther King Jr. (no comma before Jr. since CMOS 17)."""
    if n.corporate:
        return n.family
    return " ".join(p for p in (given(n.given), n.particle, n.family, n.suffix) if p)


def inverted(n: Name, index: int = 0) -> str:
    """Bibliography order: only the first name is inverted (King, Martin Luther, Jr.;
    van Gennep, Arnold; crow, scott); the others keep note order."""
    if index or n.corporate:
        return given_first(n)
    return ", ".join(p for p in (n.surname, given(n.given), n.suffix) if p)


def name_list(
    names: Sequence[Name],
    limit: int,
    show: int,
    fmt: Callable[[Name, int], str],
    inverted_first: bool = False,
) -> str:
    """A list of names: A; A and B; A, B, and C; A et al. (``inverted_first``: "Last, First,
    and B")."""
    cut = any(n.is_others for n in names)
    names = [n for n in names if not n.is_others]
    if not names:
        return ""
    if cut or len(names) > limit:
        shown = [fmt(n, i) for i, n in enumerate(names[:show])]
        return (", ".join(shown) + ", et al.") if show > 1 else f"{shown[0]} et al."
    texts = [fmt(n, i) for i, n in enumerate(names)]
    if len(texts) == 1:
        return texts[0]
    if len(texts) == 2:
        comma = "," if inverted_first and not names[0].corporate and names[0].given else ""
        return f"{texts[0]}{comma} and {texts[1]}"
    return ", ".join(texts[:-1]) + ", and " + texts[-1]
