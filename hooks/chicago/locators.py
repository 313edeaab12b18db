# ruff: noqa: RUF001, RUF002, RUF003  (curly quotes and dashes are the point of this module)
"""Locators ("pp. 16–18", "chap. 3") as Pandoc reads them and Chicago prints them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# fmt: off
LOCATOR_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    # label: (singular spellings, plural spellings, Chicago abbreviation, plural abbreviation)
    "page": (("p.", "page", "pg."), ("pp.", "pages", "pgs."), "", ""),
    "chapter": (("chap.", "ch.", "chapter"), ("chaps.", "chs.", "chapters"), "chap.", "chaps."),
    "section": (("sec.", "section", "§"), ("secs.", "sections", "§§"), "sec.", "secs."),
    "paragraph": (("para.", "par.", "paragraph", "¶"), ("paras.", "pars.", "paragraphs", "¶¶"),
                  "para.", "paras."),
    "note": (("n.", "note"), ("nn.", "notes"), "n.", "nn."),
    "volume": (("vol.", "volume"), ("vols.", "volumes"), "vol.", "vols."),
    "part": (("pt.", "part"), ("pts.", "parts"), "pt.", "pts."),
    "figure": (("fig.", "figure"), ("figs.", "figures"), "fig.", "figs."),
    "line": (("l.", "line"), ("ll.", "lines"), "line", "lines"),
    "book": (("bk.", "book"), ("bks.", "books"), "bk.", "bks."),
    "column": (("col.", "column"), ("cols.", "columns"), "col.", "cols."),
    "verse": (("v.", "verse"), ("vv.", "verses"), "v.", "vv."),
    "folio": (("fol.", "folio"), ("fols.", "folios"), "fol.", "fols."),
    "issue": (("no.", "issue", "number"), ("nos.", "issues", "numbers"), "no.", "nos."),
    "opus": (("op.", "opus"), ("opp.", "opera"), "op.", "opp."),
    "sub verbo": (("s.v.", "sub verbo"), ("s.vv.", "sub verbis"), "s.v.", "s.vv."),
}
# fmt: on
"""The CSL locator terms Pandoc accepts, long and short; pages print with no label."""

_SPELLINGS = {
    spelling: (label, plural)
    for label, (singular, plurals, _, _) in LOCATOR_TERMS.items()
    for plural, spellings in ((False, singular), (True, plurals))
    for spelling in spellings
}
_LABEL = re.compile(
    "("
    + "|".join(re.escape(s) for s in sorted(_SPELLINGS, key=len, reverse=True))
    + r")(?=[\s\d{])\s*",
    re.I,
)
_TOKEN = r"(?:\d[\w.:]*|[ivxlcdm]+(?=$|[\s,;–—-])|[IVXLCDM]+(?=$|[\s,;–—-]))"
_VALUE = re.compile(rf"{_TOKEN}(?:\s*(?:--?|–|—|,|&|\band\b)\s*{_TOKEN})*")
_RANGE = re.compile(r"(\d+)\s*(?:--?|–|—)\s*(\d+)")
_DASH = re.compile(r"\s*(?:--?|—)\s*(?=\w)|\s*–\s*")


@dataclass(frozen=True)
class Locator:
    """Where in a work: ``label`` is a CSL term ("page", "chapter"...), ``value`` as written."""

    value: str
    label: str = "page"
    plural: bool = False

    def render(self) -> str:
        """Chicago form: pages bare ("336–46"), everything else labelled ("chaps. 3–4")."""
        value = self.value
        if not value.startswith("{"):
            value = _DASH.sub("–", value)
            if self.label == "page":
                value = _RANGE.sub(lambda m: page_range(m.group(1), m.group(2)), value)
        value = value.strip("{}")
        _, _, singular, plural = LOCATOR_TERMS[self.label]
        many = self.plural or bool(re.search(r"[–,&]|\band\b", value))
        abbreviation = plural if many else singular
        return f"{abbreviation} {value}" if abbreviation else value


def parse_locator(text: str) -> tuple[Locator | None, str]:
    """Split what follows ``@key,`` into a locator and a suffix, as Pandoc does.

    ``"pp. 16–18"`` -> page locator; ``"16, emphasis added"`` -> page 16 and suffix
    ``", emphasis added"``; ``"{ii, 3}"`` -> verbatim page locator; text that is not a
    locator at all comes back whole as the suffix (with its leading ``", "``).
    """
    body = text.lstrip()
    label, plural = "page", False
    if m := _LABEL.match(body):
        label, plural = _SPELLINGS[m.group(1).lower()]
        rest = body[m.end() :]
    else:
        rest = body
    if rest.startswith("{") and "}" in rest:
        end = rest.index("}") + 1
        return Locator(rest[:end], label, plural), rest[end:]
    if value := _VALUE.match(rest):
        return Locator(value.group(0), label, plural), rest[value.end() :]
    return None, ", " + body if body else ""


def page_range(first: str, last: str) -> str:
    """Abbreviate an inclusive page range per CMOS 17 §9.61 (18 §9.63).

    Under 100 and multiples of 100 keep all digits (71–72, 100–104); 101 through 109 keep
    only the changed part (101–8, 1103–4); otherwise keep at least two digits (321–28,
    1087–89, 1496–500). A range the author already abbreviated is normalised the same way.
    """
    a = int(first)
    if len(last) < len(first):  # "1087–9" means 1089
        last = first[: len(first) - len(last)] + last
    b = int(last)
    if b <= a or a < 100 or a % 100 == 0 or len(last) != len(first):
        return f"{first}–{last}"
    common = 0
    while common < len(first) and first[common] == last[common]:
        common += 1
    changed = last[common:]
    if a % 100 >= 10 and len(changed) < 2:
        changed = last[-2:]
    return f"{first}–{changed}"
