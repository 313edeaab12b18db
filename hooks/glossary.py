"""A Python-Markdown extension that marks glossary terms in running text.

It feeds the glossary into Python-Markdown's own ``abbr`` extension, which turns occurrences of a
term into ``<abbr title="definition">``; Material shows these as tooltips
(``content.tooltips``). Only the first occurrence of each term on a page keeps its mark, and
none in headings or links (like a textbook that defines a term where it first appears): a page
dotted with dozens of marks is harder to read and slower to set up on a phone. Being a Markdown
extension, not an MkDocs hook, it also runs under Zensical. List it in ``mkdocs.yml`` as
``hooks.glossary`` with ``glossary: path/to/glossary.yml``.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from functools import cache
from pathlib import Path

import yaml
from markdown import Extension, Markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.treeprocessors import Treeprocessor

UNMARKED_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}


@cache
def _load(path: str, mtime: float) -> dict[str, str]:
    """Map every form of every term (as written, and capitalised) to its definition."""
    del mtime  # part of the cache key only, so an edited glossary is re-read
    forms: dict[str, str] = {}
    for item in yaml.safe_load(Path(path).read_text(encoding="utf-8-sig")) or []:
        definition = " ".join(str(item["definition"]).split())
        for form in [item["term"], *item.get("aliases", [])]:
            forms.setdefault(form, definition)
            forms.setdefault(form[:1].upper() + form[1:], definition)
    return forms


def glossary_forms(path: Path) -> dict[str, str]:
    return _load(str(path), path.stat().st_mtime)


class GlossaryExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {"glossary": ["curriculum/glossary.yml", "Path of the glossary YAML file."]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        forms = glossary_forms(Path(self.getConfig("glossary")))
        AbbrExtension(glossary=forms).extendMarkdown(md)
        md.treeprocessors.register(FirstOccurrenceOnly(md), "glossary-first", 6)  # after abbr (7)


class FirstOccurrenceOnly(Treeprocessor):
    """Unwrap every glossary ``<abbr>`` but the first of each term, and any in a heading or
    link, leaving their words as plain text."""

    def run(self, root: etree.Element) -> None:
        seen: set[str] = set()
        self._walk(root, seen, inside_unmarked=False)

    def _walk(self, parent: etree.Element, seen: set[str], inside_unmarked: bool) -> None:
        index = 0
        while index < len(parent):
            child = parent[index]
            if child.tag == "abbr" and child.get("title") is not None:
                term = (child.text or "").casefold()
                if inside_unmarked or term in seen:
                    _unwrap(parent, index)
                    continue
                seen.add(term)
            else:
                self._walk(child, seen, inside_unmarked or child.tag in UNMARKED_INSIDE)
            index += 1


def _unwrap(parent: etree.Element, index: int) -> None:
    """Replace ``parent[index]`` (a leaf) by its text, joined to the surrounding text."""
    child = parent[index]
    words = (child.text or "") + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + words
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + words
    parent.remove(child)


def makeExtension(**kwargs: object) -> GlossaryExtension:
    return GlossaryExtension(**kwargs)
