"""MkDocs event functions. Each stays thin: the work lives in :mod:`hooks.site`.

``mkdocs.yml`` lists this file under ``hooks:``. Zensical ignores hooks, so nothing that a page
needs in order to render correctly (citations, glossary tooltips) happens here: those are
Markdown extensions. Hooks only glue the site together (generated pages, navigation, packets,
the search index).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from hooks.safety import escape_meta
from hooks.search import index_site, index_site_soon
from hooks.site import SiteBuild

_build: SiteBuild | None = None
_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"  # previews show drafts and skip packets; builds never


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    _build = SiteBuild.start(config, serving=_serving)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None
    return _build.add_generated_files(files, config)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    assert _build is not None
    return _build.remember_compiled_templates(env)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    escape_meta(page.meta)  # Material prints the title, description and tags unescaped
    return markdown


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any
) -> dict[str, Any]:
    assert _build is not None
    page.edit_url = _build.edit_url(page)
    return context


def on_post_build(config: MkDocsConfig) -> None:
    if _serving:  # the preview reloads at once; its search index follows in the background
        index_site_soon(Path(config.site_dir))
    else:
        index_site(Path(config.site_dir))
    if _build is not None:
        _build.finish()


def on_build_error(error: Exception) -> None:
    if _build is not None:
        _build.discard_scratch()
