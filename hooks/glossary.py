"""A Python-Markdown extension that marks glossary terms in running text.

It feeds the glossary into Python-Markdown's own ``abbr`` extension, so every occurrence of a
term becomes ``<abbr title="definition">``; Material shows these as tooltips
(``content.tooltips``). Being a Markdown extension, not an MkDocs hook, it also runs under
Zensical. List it in ``mkdocs.yml`` as ``hooks.glossary`` with ``glossary: path/to/glossary.yml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from markdown import Extension, Markdown
from markdown.extensions.abbr import AbbrExtension


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


def makeExtension(**kwargs: object) -> GlossaryExtension:
    return GlossaryExtension(**kwargs)
