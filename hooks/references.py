"""What the site needs from the bibliography: entries as HTML and who cites what, where.

Pages read citations from the Markdown they are generated from (the model), never from the
HTML another renderer produced, so the bibliography page's back-links name the same numbered
notes a reader sees on each lesson page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from markdown import Markdown
from markdown.preprocessors import NormalizeWhitespace
from mkdocs.utils.meta import get_data

from hooks.bibliography import Bibliography
from hooks.chicago import Chicago, Edition, style
from hooks.citations import cited_keys, number_notes
from hooks.formatted import Formatted


@dataclass(frozen=True)
class Use:
    """One note that cites a work: where it is and its number, for a back-link."""

    href: str
    number: int


@dataclass
class CitingPage:
    """A page that cites a work: its notes that do, in order, or (when it lists the work
    without a note, ``nocite``) a link to its "Sources". The bibliography names the page once
    and its notes by number ("What Is Organizing? — notes 1, 4, 9"), not one link per note."""

    title: str
    notes: list[Use] = field(default_factory=list)
    sources_href: str | None = None


@dataclass
class References:
    bibliography: Bibliography
    edition: Edition = "chicago-17"
    headline: bool = False
    _html: dict[str, str] = field(default_factory=dict)

    @cached_property
    def chicago(self) -> Chicago:
        return style(self.edition, headline=self.headline)

    @cached_property
    def formatted(self) -> Formatted:
        return Formatted.of(self.bibliography, self.chicago.name)

    def entry_html(self, key: str) -> str:
        """The Chicago bibliography entry of ``key`` (remembered across pages and builds)."""
        if key not in self._html:
            self._html[key] = self.formatted.get(
                f"entry\0{key}", lambda: self.chicago.bibliography_entry(self.bibliography[key])
            )
        return self._html[key]

    def sort_key(self, key: str) -> tuple[str, str, int]:
        """Where ``key`` goes in an alphabetical list (remembered across builds)."""
        return tuple(  # type: ignore[return-value]  (JSON keeps tuples as lists)
            self.formatted.get(
                f"sort\0{key}", lambda: self.chicago.sort_key(self.bibliography[key])
            )
        )

    def cited_keys(self, markdown: str) -> list[str]:
        """The keys a text cites (an ``@word`` outside brackets only when it is a key)."""
        return cited_keys(markdown, self.bibliography)

    @staticmethod
    def markdown_citation(key: str, locator: str = "") -> str:
        """A citation in the lessons' own syntax, for generated Markdown such as the glossary."""
        return f"[@{key}, {locator}]" if locator else f"[@{key}]"

    def bibliography_page_entries(
        self,
        pages: Mapping[str, tuple[str, str]],
        listed: Mapping[str, tuple[str, list[str]]] | None = None,
    ) -> list[dict]:
        """Every cited work, alphabetised, with the pages citing it and a back-link to each
        of their notes that does.

        ``pages`` maps a page's URL (relative to the site root, e.g. ``lessons/x/``) to its
        title and the Markdown it is rendered from; ``listed`` maps a page's URL to its title
        and the works it lists without a note (``nocite``), linked to its "Sources".
        """
        citing: dict[str, dict[str, CitingPage]] = {}  # key -> page URL -> its notes
        for url, (title, markdown) in pages.items():
            for note in number_notes(converted_text(markdown), self.bibliography):
                if note.citation is None:
                    continue
                for key in dict.fromkeys(note.citation.keys):
                    cited = citing.setdefault(key, {}).setdefault(url, CitingPage(title))
                    cited.notes.append(Use(f"../{url}#fnref:cite-{note.number}", note.number))
        for url, (title, keys) in (listed or {}).items():
            for key in keys:
                citing.setdefault(key, {}).setdefault(
                    url, CitingPage(title, sources_href=f"../{url}#sources")
                )
        keys = sorted(
            (key for key in citing if key in self.bibliography),
            key=self.sort_key,
        )
        return [
            {
                "anchor": f"ref-{key}",
                "html": self.entry_html(key),
                "cited_in": list(citing[key].values()),
            }
            for key in keys
        ]


_NORMALIZE = NormalizeWhitespace(Markdown())


def converted_text(source: str) -> str:
    """The text of a page source as the citation extension receives it: MkDocs strips the
    front matter, then Python-Markdown normalises whitespace (tabs, blank lines). Numbering
    notes from that text gives the numbers the converted page shows, and shares the scan.
    (A page with fenced code reaches the extension with the fences stashed; its numbers are
    the same, as the scan skips fenced code, but the scan is then done twice.)"""
    body, _meta = get_data(source)
    return "\n".join(_NORMALIZE.run(body.split("\n")))
