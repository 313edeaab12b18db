"""What the site needs from the bibliography: entries as HTML and who cites what, where.

Pages read citations from the Markdown they are generated from (the model), never from the
HTML another renderer produced, so the bibliography page's back-links name the same numbered
notes a reader sees on each lesson page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from hooks.bibliography import Bibliography
from hooks.chicago import Chicago, Edition, style
from hooks.citations import cited_keys, number_notes


@dataclass(frozen=True)
class Use:
    """One note that cites a work: where it is and how to name it in a back-link."""

    href: str
    label: str


@dataclass
class References:
    bibliography: Bibliography
    edition: Edition = "chicago-17"
    _html: dict[str, str] = field(default_factory=dict)

    @cached_property
    def chicago(self) -> Chicago:
        return style(self.edition)

    def entry_html(self, key: str) -> str:
        """The Chicago bibliography entry of ``key`` (memoised: entries repeat across pages)."""
        if key not in self._html:
            self._html[key] = self.chicago.bibliography_entry(self.bibliography[key])
        return self._html[key]

    @staticmethod
    def cited_keys(markdown: str) -> list[str]:
        return cited_keys(markdown)

    @staticmethod
    def markdown_citation(key: str, locator: str = "") -> str:
        """A citation in the lessons' own syntax, for generated Markdown such as the glossary."""
        return f"[@{key}, {locator}]" if locator else f"[@{key}]"

    def bibliography_page_entries(self, pages: Mapping[str, tuple[str, str]]) -> list[dict]:
        """Every cited work, alphabetised, with a back-link to each note citing it.

        ``pages`` maps a page's URL (relative to the site root, e.g. ``lessons/x/``) to its
        title and the Markdown it is rendered from.
        """
        uses: dict[str, list[Use]] = {}
        for url, (title, markdown) in pages.items():
            for note in number_notes(markdown):
                if note.citation is None:
                    continue
                for key in dict.fromkeys(note.citation.keys):
                    href = f"../{url}#fnref:cite-{note.number}"
                    uses.setdefault(key, []).append(Use(href, f"{title}, note {note.number}"))
        keys = sorted(
            (key for key in uses if key in self.bibliography),
            key=lambda key: self.chicago.sort_key(self.bibliography[key]),
        )
        return [
            {"anchor": f"ref-{key}", "html": self.entry_html(key), "citations": uses[key]}
            for key in keys
        ]
