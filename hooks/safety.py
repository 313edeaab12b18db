"""What any field or page may put into the site and the packets: no script, no unsafe link.

Lessons, the course, the glossary and the bibliography are written by many hands, and a value
can reach a page in many ways: as Markdown (where raw HTML and ``attr_list``'s ``{ ... }`` pass
through), as text inside an attribute, as a theme variable, as a link in a bibliography entry.
Scanning the sources for "unsafe" text cannot see what a value becomes once YAML escapes,
HTML entities, Markdown and the templates have had their say, so the real guard is here, on
the output side, in one place:

- :func:`clean_html` passes every piece of HTML that Markdown or a bibliography entry produces
  through Ammonia (``nh3``), an allow-list sanitizer with a browser's HTML parser: elements and
  attributes it does not know are dropped (so every ``on...=`` handler and every ``<script>``,
  whatever produced it), and links and sources keep only the schemes in :data:`URL_SCHEMES`,
  judged after entities and tabs are decoded as a browser decodes them.
- :class:`SafetyExtension` (``hooks.safety`` in ``mkdocs.yml``, and in the packets' Markdown)
  runs :func:`clean_html` on the finished HTML of every page, raw HTML blocks included.
- :func:`safe_url` is the same scheme rule for a single address (bibliography links).
- :func:`escape_meta` gives the theme escaped front-matter values: Material prints
  ``page.meta.title``, ``description`` and tag names into the page unescaped.

The raw-markup check (E070, :mod:`hooks.checks.text`) is an early, located warning for
contributors; it is not what keeps readers safe.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import nh3
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markupsafe import Markup, escape

URL_SCHEMES = frozenset({"https", "http", "mailto"})
"""The schemes a reader needs; relative links and ``#fragments`` are always allowed."""

_MEDIA = {"src", "type", "width", "height", "title"}
TAGS = set(nh3.ALLOWED_TAGS) | {"picture", "source", "video", "audio", "track"}
ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang", "dir", "role", "hidden", "style"},
    "a": {"href", "hreflang", "rel", "type"},
    "img": {"alt", "src", "srcset", "sizes", "width", "height", "loading", "decoding"},
    "details": {"open"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "th": {"abbr", "colspan", "rowspan", "scope", "headers", "align"},
    "time": {"datetime"},
    "data": {"value"},
    "picture": set(),
    "source": {*_MEDIA, "srcset", "sizes", "media"},
    "video": {*_MEDIA, "controls", "poster", "preload", "muted", "loop", "playsinline"},
    "audio": {*_MEDIA, "controls", "preload", "muted", "loop"},
    "track": {"src", "kind", "srclang", "label", "default"},
}
STYLE_PROPERTIES = frozenset({"text-align", "font-variant"})
"""The only inline styles content may carry (Markdown's tables align columns; bibliography
entries set small caps); any other ``style`` could draw over the page or load an image from
another host."""


def clean_html(fragment: str) -> str:
    """``fragment`` with every element, attribute and address outside the allow-lists
    removed (the text of a removed element stays, except of ``<script>`` and ``<style>``).
    Comments stay: Material's tags plugin finds its ``<!-- material/tags -->`` marker in them."""
    return nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=False,
        filter_style_properties=set(STYLE_PROPERTIES),
    )


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_IGNORED = re.compile(r"[\t\n\r]")  # a browser drops these anywhere in an address
_C0_AND_SPACE = "".join(map(chr, range(0x21)))  # and these at either end (WHATWG URL)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would read in ``url`` (a value, not HTML: decode entities first)
    in lower case, or ``None`` for a relative address. Tabs and newlines are dropped and
    controls trimmed first, as a browser does, so ``java\tscript:`` is ``javascript``."""
    decoded = _IGNORED.sub("", url).strip(_C0_AND_SPACE)
    match = _SCHEME.match(decoded)
    return match[1].lower() if match else None


def safe_url(url: str) -> bool:
    """Whether ``url`` may be a link: relative, or one of :data:`URL_SCHEMES`."""
    scheme = url_scheme(url)
    return scheme is None or scheme in URL_SCHEMES


META_TEXT = ("title", "description", "author", "subtitle")
"""Front-matter values Material prints as HTML (``{{ page.meta.title }}``, unescaped)."""


def escape_meta(meta: MutableMapping[str, Any]) -> None:
    """Escape, in place, the front-matter text the theme prints: ``title``, ``description``,
    ``author``, ``subtitle`` and the names in ``tags``. Values become :class:`Markup`, so a
    template's own ``| e`` does not escape them twice, and ``page.title`` is HTML text, as
    MkDocs' titles taken from a page's heading already are."""
    for name in META_TEXT:
        if isinstance(meta.get(name), str):
            meta[name] = _escaped(meta[name])
    if isinstance(meta.get("tags"), list):
        meta["tags"] = [_escaped(tag) if isinstance(tag, str) else tag for tag in meta["tags"]]


def _escaped(text: str) -> Markup:
    return text if isinstance(text, Markup) else escape(text)


class CleanHTML(Postprocessor):
    """Run :func:`clean_html` on a page's finished HTML: after Python-Markdown has put raw
    HTML back in (priority 30) and unescaped its own placeholders (10), so it sees every
    element and attribute a reader's browser will, whatever extension produced them."""

    def run(self, text: str) -> str:
        return clean_html(text)


class SafetyExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.postprocessors.register(CleanHTML(md), "safety", 0)


def makeExtension(**kwargs: object) -> SafetyExtension:
    return SafetyExtension(**kwargs)
