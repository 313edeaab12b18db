"""Glue between the curriculum model and MkDocs: generated pages, navigation and edit links.

One :class:`SiteBuild` lives for one build (``mkdocs serve`` starts a new one on every rebuild).
It loads and checks the sources first, so bad input stops the build with ``file:line`` messages
before any page is written.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from hooks.cachefile import cache_not_written, write_atomically
from hooks.check_cache import checked
from hooks.checks import format_problem
from hooks.formatted import Formatted
from hooks.model import Curriculum
from hooks.pages import PageBuilder
from hooks.references import References

log = logging.getLogger("mkdocs.plugins.curriculum")
PACKET_CACHE = ".cache/packets"
CHECKS_CACHE = ".cache/checks"
TEMPLATE_CACHE = ".cache/templates"


class BuildStopped(PluginError):
    """Raised with every located problem; MkDocs prints it without a traceback."""


@dataclass
class SiteBuild:
    root: Path
    curriculum: Curriculum
    references: References
    repository: str
    pages: PageBuilder
    serving: bool = False
    scratch: list[Path] = field(default_factory=list)  # folders to delete after the build

    @classmethod
    def start(cls, config: MkDocsConfig, *, serving: bool = False) -> SiteBuild:
        """Check the sources and set up the build. ``serving`` (``mkdocs serve``): a preview
        shows draft lessons and skips packets; a published build leaves drafts out."""
        root = Path(config.config_file_path).resolve().parent
        resolve_extension_paths(config, root)
        settings = citation_settings(config)
        report = checked(root, settings, root / CHECKS_CACHE)
        for warning in report.warnings:
            log.warning(format_problem(warning))
        if report.errors:
            raise BuildStopped(
                "the curriculum has problems; fix them and build again:\n"
                + "\n".join(f"  {format_problem(problem)}" for problem in report.errors)
            )
        assert report.curriculum is not None and report.bibliography is not None
        curriculum = report.curriculum if serving else report.curriculum.published()
        if not curriculum.lessons:
            log.info("no lesson is published yet (all are drafts): the site has no sessions")
        references = References(
            report.bibliography,
            settings.get("edition", "chicago-17"),
            bool(settings.get("headline", False)),
        )
        config.nav = navigation(curriculum, config.nav)
        pages = PageBuilder(
            curriculum=curriculum,
            cite_entry=references.entry_html,
            cited_keys=references.cited_keys,
            all_keys=lambda: list(references.bibliography),
        )
        repository = config.extra.get("source_repository", "")
        return cls(root, curriculum, references, repository, pages, serving)

    def add_generated_files(self, files: Files, config: MkDocsConfig) -> Files:
        for name, path in self.build_packets().items():
            files.append(File.generated(config, f"packets/{name}", abs_src_path=str(path)))
        generated = {
            "index.md": self.pages.home(),
            "glossary.md": self.pages.glossary(self.references.markdown_citation),
            "tags.md": self.pages.tags(),
        }
        cited_pages: dict[str, tuple[str, str]] = {}
        listed: dict[str, tuple[str, list[str]]] = {}
        for lesson in self.curriculum.ordered_lessons():
            markdown = self.pages.lesson(lesson)
            generated[f"lessons/{lesson.id}.md"] = markdown
            cited_pages[f"lessons/{lesson.id}/"] = (lesson.meta.title, markdown)
            if keys := self.pages.listed_keys(lesson):
                listed[f"lessons/{lesson.id}/"] = (lesson.meta.title, keys)
        cited_pages["glossary/"] = ("Glossary", generated["glossary.md"])
        for track in self.curriculum.course.tracks:
            generated[f"tracks/{track.id}.md"] = self.pages.track(track)
        for file in files.documentation_pages():
            if file.abs_src_path and file.src_uri not in generated:
                markdown = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
                cited_pages[file.url] = (page_title(markdown, file.name), markdown)
        generated["bibliography.md"] = self.pages.bibliography(
            self.references.bibliography_page_entries(cited_pages, listed)
        )
        for src_uri, content in generated.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src_uri, content=content))
        return files

    def build_packets(self) -> dict[str, Path]:
        """Render (or reuse from the cache) every packet; the pages then link them."""
        default = "off" if self.serving else "on"  # a live preview must rebuild in a second
        if os.environ.get("PACKETS", default).lower() in {"0", "off", "no", "false"}:
            log.info("packets: skipped (make build renders them; PACKETS=on to preview them)")
            return {}
        from hooks.packets import PacketError, build_all  # WeasyPrint: only when packets are on

        cache = self.root / PACKET_CACHE
        try:
            write_atomically(cache / ".writable", b"")
        except OSError as error:  # a read-only checkout: render every packet afresh, aside
            cache_not_written(cache / ".writable", error)
            cache = Path(tempfile.mkdtemp(prefix="curriculum-packets-"))
            self.scratch.append(cache)
        try:
            result = build_all(
                self.curriculum, self.root, cache / "published", cache, workers=os.cpu_count() or 2
            )
        except PacketError as error:
            raise BuildStopped(f"a packet could not be made:\n  {error}") from None
        self.pages.packets = result.links
        return result.files

    def remember_compiled_templates(self, env: Environment) -> Environment:
        """Keep the theme's compiled templates in ``.cache/templates``: MkDocs compiles them
        afresh for every build, which is a good part of a live-preview rebuild. Jinja checks
        each template's source, so an edited template is compiled again."""
        folder = self.root / TEMPLATE_CACHE
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return env  # a read-only checkout still builds, just without the cache
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    def finish(self) -> None:
        """After a successful build: keep this build's formatted citations for the next, and
        delete the packets rendered aside (MkDocs has copied them into the site)."""
        Formatted.save_all()
        self.discard_scratch()

    def discard_scratch(self) -> None:
        """Delete the folders this build rendered aside (after it, or when it failed)."""
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)
        self.scratch.clear()

    def edit_url(self, page: Page) -> str | None:
        """Point 'edit this page' at the file a contributor really edits."""
        if not self.repository:
            return None
        src = page.file.src_uri
        if src.startswith("lessons/"):
            lesson = self.curriculum.lessons.get(src.removeprefix("lessons/").removesuffix(".md"))
            path = lesson.path if lesson else None
        elif src.startswith("tracks/") or src == "index.md":
            path = "curriculum/course.yml"
        elif src == "glossary.md":
            path = "curriculum/glossary.yml"
        elif src == "bibliography.md":
            path = "bibliography.bib"
        elif page.file.generated_by:
            path = None
        else:
            path = f"docs/{src}"
        return f"{self.repository.rstrip('/')}/edit/main/{path}" if path else None


def navigation(curriculum: Curriculum, configured: Any) -> list[Any]:
    """Build the navigation from course.yml, keeping hand-written entries that follow.
    Titles are escaped: the theme prints navigation titles as HTML."""
    tracks = curriculum.course.tracks
    full = max(tracks, key=lambda track: len(track.lessons)) if tracks else None
    in_full = curriculum.track_lessons(full) if full else []
    lessons = [{escape(lesson.meta.title): f"lessons/{lesson.id}.md"} for lesson in in_full]
    extra = [
        {escape(lesson.meta.title): f"lessons/{lesson.id}.md"}
        for lesson in curriculum.ordered_lessons()
        if full is None or lesson.id not in full.lessons
    ]
    track_pages = [{escape(track.title): f"tracks/{track.id}.md"} for track in tracks]
    return [
        {"Home": "index.md"},
        {"Tracks": track_pages},
        {"Sessions": grouped(lessons + extra)},
        {"Glossary": "glossary.md"},
        {"Bibliography": "bibliography.md"},
        {"Themes": "tags.md"},
        *(configured or []),
    ]


SESSIONS_PER_GROUP = 20
"""A longer course lists its sessions in numbered groups of this size. With Material's
``navigation.prune`` each page then carries only its own group's links: a flat list of hundreds
of sessions is unusable in a phone's menu and makes every page repeat all of it."""


def grouped(sessions: list[dict[str, str]]) -> list[dict[str, Any]]:
    """``sessions`` as they are, or in runs of :data:`SESSIONS_PER_GROUP` ("Sessions 1-20",
    with an en dash)."""
    size = SESSIONS_PER_GROUP
    if len(sessions) <= size:
        return sessions
    return [
        {
            f"Sessions {start + 1}\u2013{min(start + size, len(sessions))}": sessions[
                start : start + size
            ]
        }
        for start in range(0, len(sessions), size)
    ]


EXTENSION_PATHS: dict[str, dict[str, str]] = {
    "hooks.citations": {"bibliography": "bibliography.bib", "cache_dir": ".cache/bibliography"},
    "hooks.glossary": {"glossary": "curriculum/glossary.yml"},
}
"""The options of the project's Markdown extensions that name a file or folder, with their
defaults (as in the extensions)."""


def resolve_extension_paths(config: MkDocsConfig, root: Path) -> None:
    """Make the extensions' paths absolute against ``root``, the folder of ``mkdocs.yml``, as
    MkDocs does for ``docs_dir``: Python-Markdown would read them against the current folder,
    so ``mkdocs build -f elsewhere/mkdocs.yml`` would not find the glossary. Runs before any
    page is converted (each page gets a new Markdown instance from ``mdx_configs``)."""
    for extension, defaults in EXTENSION_PATHS.items():
        if extension not in config.markdown_extensions:
            continue
        options = config.mdx_configs.setdefault(extension, {})
        for name, default in defaults.items():
            value = options.get(name, default)
            if value:  # '' turns a cache off
                options[name] = str(root / value)


def citation_settings(config: MkDocsConfig) -> dict[str, Any]:
    """The citation extension's options from mkdocs.yml: one place configures both."""
    return dict(config.mdx_configs.get("hooks.citations", {}))


def page_title(markdown: str, fallback: str) -> str:
    match = re.search(r"^title:\s*(.+)$", markdown, re.M) or re.search(r"^# (.+)$", markdown, re.M)
    return match[1].strip().strip("\"'") if match else fallback
