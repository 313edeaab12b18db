# ruff: noqa: RUF002, RUF003  (the Manual's en dashes in examples)
"""One template per entry type and form: what a full note and a bibliography entry contain,
in order, and how the parts are joined.

A template is data, built from small named parts (``"head"``, ``"title"``, ``"pubfacts"``...;
each is a ``part_<name>`` method of :class:`hooks.chicago.style.Chicago`) with:

* ``seq(sep, *parts)``: the non-empty parts joined by ``sep`` through the one joiner
  (:func:`hooks.chicago.punctuation.join`, which puts commas and periods inside quotation
  marks and drops a period after ? or !);
* ``paren(part)``: the part in parentheses, if any; ``cap(part)``: capitalised (a sentence
  start in the bibliography); ``first(a, b)``: ``a``, else ``b``; ``lit("podcast")``: a word.

Notes (CMOS 17 §14.19–14.21) are one sentence of comma-separated parts with the facts of
publication in parentheses; bibliography entries (§14.22) are sentences joined by periods.
The same part prints its note or bibliography form (``ctx.bib``). To change how "chapter in
an edited book" prints, change ``NOTES["chapter"]`` and ``BIBLIOGRAPHY["chapter"]`` here.
Short notes ("Surname, *Short Title*, 16") have one form for every type but reference works
("*Encyclopaedia Britannica*, s.v. "Salvation."", style.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seq:
    sep: str
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Wrap:
    how: str  # "paren" or "cap"
    part: Node


@dataclass(frozen=True)
class First:
    choices: tuple[Node, ...]


@dataclass(frozen=True)
class Lit:
    text: str


Node = str | Seq | Wrap | First | Lit


def seq(sep: str, *parts: Node) -> Seq:
    return Seq(sep, parts)


def paren(part: Node) -> Wrap:
    return Wrap("paren", part)


def cap(part: Node) -> Wrap:
    return Wrap("cap", part)


def first(*choices: Node) -> First:
    return First(choices)


def lit(text: str) -> Lit:
    return Lit(text)


_TAIL = ("locator", "link")  # every note ends with the cited place and the DOI or URL

# fmt: off
NOTES: dict[str, Node] = {
    # Name, *Title*, ed. X, 2nd ed., vol. 2, Series (Place: Publisher, 2020), 16, URL
    "book": seq(", ",
        seq(" ", seq(", ", "head", "book_title", "contributors", "edition", "volume", "series"),
            paren("pubfacts")),
        *_TAIL),
    # Name, "Chapter," in *Book*, ed. X (Place: Publisher, 2020), 16 (or the chapter's pages)
    "chapter": seq(", ",
        seq(" ", seq(", ", "head", "title", "in_book", "series"), paren("pubfacts")),
        first("locator", "pages"), "link"),
    # Name, introduction to *Book*, by X (Place: Publisher, 2000), 16
    "supplement": seq(", ",
        seq(" ", seq(", ", "head", seq(" ", "supp_kind", "book_title"), "supp_by",
                     "contributors", "edition", "volume", "series"), paren("pubfacts")),
        *_TAIL),
    # *Encyclopaedia Britannica*, 15th ed. (1980), s.v. "Salvation," by X, accessed ..., URL
    "reference": seq(", ",
        seq(" ", seq(", ", "ref_work", "edition", "contributors"), paren("ref_facts")),
        "sub_verbo", "ref_by", "access", "link"),
    # Name, "Title," in "Issue," ed. X, special issue, *Journal* 45, no. 3 (March 1990): 336–46
    "article": seq(", ",
        seq(": ", seq(", ", "head", "title", "special_issue", "journal_block"),
            first("locator", "pages")),
        "access", "link"),
    # Name, "Title," *Magazine*, April 17, 2017, 43
    "magazine": seq(", ", "head", "title", "special_issue", "journal", "date", *_TAIL),
    # Name, "Title," video, Site, Owner, May 1, 2024, URL
    "online": seq(", ", "head", "title", "contributors", "kind", "site", "owner", "when",
                  *_TAIL),
    "blog": seq(", ", "head", "title", "contributors", "kind", "site", "owner", "when", *_TAIL),
    # Name, "Episode," May 1, 2024, in *Show*, Network, podcast
    "podcast": seq(", ", "head", "title", "date", "show", "publisher", lit("podcast"), *_TAIL),
    # *Film*, directed by X (Place: Studio, 2000), DVD
    "video": seq(", ", seq(" ", seq(", ", "head", "title", "container", "edition", "directed"),
                           paren("video_facts")),
                 "kind", "access", *_TAIL),
    # X to Y, May 1, 1900, in *Letters*
    "letter": seq(", ", "letter_head", "title", "date_or_nd", "howpublished", *_TAIL),
    # Name, *Report*, Type 12, Series (Place: Institution, 2020)
    "report": seq(", ",
        seq(" ", seq(", ", "head", "title", "contributors", "report_type", "plain_series"),
            paren("report_facts")),
        *_TAIL),
    # Name, "Title" (PhD diss., University, 2020)
    "thesis": seq(", ", seq(" ", seq(", ", "head", "title"), paren("thesis_facts")), *_TAIL),
    "unpublished": seq(", ", seq(" ", seq(", ", "head", "title"), paren("thesis_facts")),
                       *_TAIL),
    # Name, "Title," interview by X, *Venue*, May 1, 2022
    "interview": seq(", ", "head", "title", "interview_by", "venue", "date", *_TAIL),
    # anything else
    "misc": seq(", ", "head", "title", "container", "contributors", "kind", "howpublished",
                "misc_facts", "access", *_TAIL),
}

BIBLIOGRAPHY: dict[str, Node] = {
    "book": seq(". ", "head", "book_title", "contributors", cap("edition"), "volume", "series",
                cap("pubfacts"), "tail"),
    "chapter": seq(". ", "head", "title", "in_book", "series", "pubfacts", "tail"),
    "supplement": seq(". ", "head", seq(", ", seq(" ", "supp_kind", "book_title"), "supp_by",
                                         "pages"), "contributors", cap("edition"), "volume",
                      "series", cap("pubfacts"), "tail"),
    "reference": seq(". ", "ref_work", cap("edition"), "contributors", "ref_facts",
                     cap("sub_verbo"), cap("ref_by"), cap("access"), "tail"),
    "article": seq(". ", "head", "title",
                   seq(", ", "special_issue", seq(": ", "journal_block", "pages")), "tail"),
    "magazine": seq(". ", "head", "title", seq(", ", "signed_journal", "date"), "tail"),
    "online": seq(". ", "head", seq(". ", "title", "contributors", cap("kind")), "site", "owner",
                  cap("when"), "tail"),
    "blog": seq(". ", "head", seq(". ", "title", "contributors", cap("kind")), "site",
                seq(", ", "owner", cap("when")), "tail"),
    "podcast": seq(". ", "head", "title", "date", seq(", ", "show", "publisher"),
                   lit("Podcast"), "tail"),
    "video": seq(". ", "head", "title", "container", "directed", "video_facts", cap("kind"),
                 cap("access"), "tail"),
    "letter": seq(". ", "head", cap(seq(", ", "title", "date_or_nd")), cap("howpublished"),
                  "tail"),
    "report": seq(". ", "head", "title", "contributors", cap("report_type"), "plain_series",
                  "report_facts", "tail"),
    "thesis": seq(". ", "head", "title", "thesis_facts", "tail"),
    "unpublished": seq(". ", "head", "title", "thesis_facts", "unpublished_tail"),
    "interview": seq(". ", "head", "title", cap("interview_by"), seq(", ", "venue", "date"),
                     "tail"),
    "misc": seq(". ", "head", "title", "container", "contributors", cap("kind"),
                cap("howpublished"), "misc_facts", cap("access"), "tail"),
}
# fmt: on
