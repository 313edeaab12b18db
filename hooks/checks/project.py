"""``check_project``: read every source, run the checks of each file, then the checks across
files (citation keys against the bibliography, unused entries and glossary terms, prerequisite
cycles, file names), with the site's pages and anchors that links may point at.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from markdown.extensions.toc import slugify

from hooks.checks.bibtex import BibScanner, _bibliographies, _bibliography_paths
from hooks.checks.characters import bidi_problems, covered_characters, glyph_problems
from hooks.checks.codes import GENERATED_PAGES, LESSON_TEMPLATE_ANCHORS, UNKNOWN_KEY_HINT
from hooks.checks.loading import (
    _clarify_empty,
    _LessonText,
    _load,
    _read,
    _read_lesson,
    _refine,
    _Scan,
)
from hooks.checks.markdown import Site, anchors_of, markdown_problems
from hooks.checks.report import Report, _problem
from hooks.checks.text import (
    Lines,
    Source,
    _key_offset,
    find_citations,
    mask_code,
    remote_resources,
    unsafe_html,
)
from hooks.checks.yamlnodes import (
    _compose,
    _get,
    _items,
    _scalar,
    _scalars,
    expanded_size,
    explain_yaml_error,
)
from hooks.loader import Problem, SourceError, display_path, parse_yaml, read_text
from hooks.model import NOCITE_KEY, Curriculum

FONTS = Path("docs") / "assets" / "fonts"

# --------------------------------------------------------------------------- the project


def check_project(root: Path | str, settings: Mapping[str, Any] | None = None) -> Report:
    """Check everything under ``root`` and return every problem found (never raises for bad
    input).

    ``settings`` may give ``bibliography`` (a path or a list: ``.bib``, CSL ``.json`` or CSL
    ``.yaml`` files; default ``bibliography.bib``) and ``cache_dir`` (default
    ``.cache/bibliography``; ``None`` turns the on-disk cache off), both relative to ``root``.
    """
    root = Path(root)
    settings = dict(settings or {})
    scan = _Scan(root)
    report = Report()
    problems: list[Problem] = []

    curriculum = _load(root, problems)
    problems = _clarify_empty(root, problems)
    lesson_paths = sorted((root / "curriculum" / "lessons").glob("*.md"))
    docs = root / "docs"
    doc_paths = (
        sorted(path for path in docs.rglob("*.md") if path.is_file()) if docs.is_dir() else []
    )
    bib_paths = _bibliography_paths(root, settings.get("bibliography", "bibliography.bib"))
    cache_setting = settings.get("cache_dir", ".cache/bibliography")
    cache_dir = root / cache_setting if cache_setting else None

    bib_source, report.bibliography = _bibliographies(root, bib_paths, cache_dir, scan, problems)
    lessons = [_read_lesson(path, root, scan) for path in lesson_paths]
    pages = [_read(path, root, scan, problems) for path in doc_paths]
    site = _site(root, docs, doc_paths, pages, lessons, curriculum)

    problems = _refine(problems, lessons, root)
    if any(problem.code == "E040" for problem in problems):
        scan.complete = False  # a mistyped key term would make its glossary term look unused
    for lesson in lessons:
        if lesson is not None:
            problems += _lesson_problems(lesson, scan, site)
    for path, page in zip(doc_paths, pages, strict=True):
        if page is not None:
            problems += _page_problems(page, path.relative_to(docs).as_posix(), scan, site)
    problems += _yaml_file_problems(root / "curriculum" / "glossary.yml", root, scan, "glossary")
    problems += _yaml_file_problems(root / "curriculum" / "course.yml", root, scan, "course")
    problems += _character_problems(root, bib_source, lessons, pages)
    problems += _stylesheet_problems(root, docs)
    problems += _citation_problems(scan)
    problems += _prerequisite_cycles(curriculum, lessons)
    problems += _unused(scan, bib_source, report.bibliography, root)
    if curriculum is not None:
        problems += _file_name_problems(curriculum)

    unreadable = {lesson.source.path for lesson in lessons if lesson and lesson.node is None}
    report.problems = _unique(_without_follow_on(problems, unreadable))
    report.curriculum = curriculum
    report.files = (
        scan.files
        + sum(1 for path in bib_paths if path.exists())
        + sum((root / "curriculum" / name).exists() for name in ("course.yml", "glossary.yml"))
    )
    return report


def _without_follow_on(problems: Iterable[Problem], unreadable: set[str]) -> Iterator[Problem]:
    """Drop the warnings of lessons whose front matter cannot be parsed: without it the checker
    cannot tell a draft from a published lesson (so every TODO looked like a slip), and the
    YAML error is the one thing to fix first."""
    for problem in problems:
        if problem.level != "warning" or problem.path not in unreadable:
            yield problem


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    seen: dict[tuple[Any, ...], Problem] = {}
    for problem in problems:
        seen.setdefault(
            (problem.path, problem.line, problem.column, problem.code, problem.message), problem
        )
    return sorted(seen.values(), key=lambda p: (p.path, p.line, p.column, p.code))


# --------------------------------------------------------------------------- per-file checks


def _lesson_problems(lesson: _LessonText, scan: _Scan, site: Site) -> Iterator[Problem]:
    source, text = lesson.source, lesson.source.text
    page = f"lessons/{lesson.lesson_id}.md"
    published = (_scalar(_get(lesson.node, "status")) or "published") != "draft"
    nocite = {id(node): node for node in _scalars(_get(lesson.node, "nocite"))}
    for scalar in _scalars(lesson.node):
        start = lesson.front_start + scalar.start_mark.index
        raw = text[start : lesson.front_start + scalar.end_mark.index]
        yield from unsafe_html(source, raw, start, scalar.value)
        yield from remote_resources(source, raw, start)
        if id(scalar) in nocite:
            _collect_nocite(scan, source, raw, start)
        else:
            _collect_yaml_citations(scan, source, scalar.value, raw, start)
        if published:
            yield from _todo(source, raw, start)
    yield from _agenda_activity_problems(lesson)
    keyed = [(reading, "key", "reading") for reading in _items(_get(lesson.node, "readings"))]
    keyed.append((_get(lesson.node, "next_reading"), "key", "reading"))
    keyed += [(handout, "source", "source") for handout in _items(_get(lesson.node, "handouts"))]
    for item, field_name, kind in keyed:
        key_node = _get(item, field_name)
        key = _scalar(key_node)
        if key_node is not None and key:
            offset = lesson.front_start + key_node.start_mark.index
            scan.citation_sites.append((source, offset, key, kind, "", ""))
    masked = mask_code(text)
    body = masked[lesson.body_start :]
    yield from unsafe_html(source, body, lesson.body_start)
    yield from remote_resources(source, body, lesson.body_start)
    _collect_citations(scan, source, text[lesson.body_start :], lesson.body_start)
    if published:
        yield from _todo(source, body, lesson.body_start)
    yield from markdown_problems(source, masked, lesson.body_start, len(masked), page, site, 1)


def _agenda_activity_problems(lesson: _LessonText) -> Iterator[Problem]:
    """Check each agenda segment's ``activity:`` against the lesson's activities where the
    reference is written: an unknown id (with the closest defined one) and minutes that
    disagree (a facilitator would read one time on the run sheet and another on the card)."""
    activities: dict[str, yaml.Node] = {}
    for activity in _items(_get(lesson.node, "activities")):
        identifier = _scalar(_get(activity, "id"))
        if identifier:
            activities.setdefault(identifier, activity)
    given: dict[str, list[yaml.Node]] = {}
    for segment in _items(_get(lesson.node, "agenda")):
        reference = _get(segment, "activity")
        name = _scalar(reference)
        if reference is None or not name:
            continue
        if name in activities:
            given.setdefault(name, []).append(segment)
            continue
        guess = difflib.get_close_matches(name, list(activities), n=1)
        defined = ", ".join(f"'{known}'" for known in activities) or "none"
        yield lesson.source.problem(
            lesson.front_start + reference.start_mark.index,
            "E021",
            f"agenda segment {_scalar(_get(segment, 'title'))!r} names activity '{name}',"
            " which this lesson does not define",
            f"Did you mean '{guess[0]}'?"
            if guess
            else f"Use the 'id:' of one of the lesson's activities (defined: {defined}).",
        )
    for name, segments in given.items():
        planned_node = _get(activities[name], "minutes")
        planned = _minutes(planned_node)
        nodes = [_get(segment, "minutes") for segment in segments]
        minutes = [_minutes(node) for node in nodes]
        if planned_node is None or planned is None or nodes[0] is None:
            continue
        if None in minutes or sum(value or 0 for value in minutes) == planned:
            continue
        line, _ = lesson.source.at(lesson.front_start + planned_node.start_mark.index)
        yield lesson.source.problem(
            lesson.front_start + nodes[0].start_mark.index,
            "W022",
            f"the agenda gives activity '{name}' {' + '.join(map(str, minutes))} minutes,"
            f" but the activity says {planned} (line {line})",
            "Make the agenda segment's minutes and the activity's 'minutes:' agree.",
        )


def _minutes(node: yaml.Node | None) -> int | None:
    value = _scalar(node)
    return int(value) if value is not None and value.isdigit() else None


def _todo(source: Source, text: str, start: int) -> Iterator[Problem]:
    for match in re.finditer(r"\bTODO\b", text):
        yield source.problem(
            start + match.start(),
            "W080",
            "placeholder 'TODO' in a published lesson",
            "Finish the text, or set 'status: draft' until it is ready.",
        )


def _page_problems(page: Source, name: str, scan: _Scan, site: Site) -> Iterator[Problem]:
    masked = mask_code(page.text)
    start = 0
    if page.text.startswith("---\n"):
        closing = re.compile(r"^---[ \t]*$", re.M).search(page.text, 4)
        if closing:
            start = closing.end()
            yield from _page_front_matter_problems(page, page.text[4 : closing.start()])
    yield from unsafe_html(page, masked[start:], start)
    yield from remote_resources(page, masked[start:], start)
    _collect_citations(scan, page, page.text[start:], start)
    yield from markdown_problems(page, masked, start, len(masked), name, site, 0)


PAGE_FIELDS: dict[str, tuple[type, str]] = {
    "title": (str, "a line of text"),
    "description": (str, "a line of text"),
    "subtitle": (str, "a line of text"),
    "template": (str, "a template's file name"),
    "status": (str, "a word"),
    "icon": (str, "an icon name"),
    "tags": (list, "a list of words"),
    "hide": (list, "a list of words (navigation, toc, footer, ...)"),
    "search": (dict, "a set of 'field: value' lines (exclude, boost)"),
}
"""The front-matter fields of a hand-written page that MkDocs and Material read, and what each
must hold: anything else crashed the build far from the page (or silently did nothing)."""
MAX_FRONT_MATTER_VALUES = 10_000
"""A page's front matter holds a few values; aliases that expand past this are a YAML bomb."""


def _page_front_matter_problems(page: Source, front: str) -> Iterator[Problem]:
    """Check a ``docs/*.md`` page's front matter as the build will read it, so a mistake is
    reported at its line by ``make check`` rather than by MkDocs without one."""
    try:
        yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        line, column, message, hint = explain_yaml_error(front, error)
        yield _problem(page.path, 2 + line, column + 1, "E000", message, hint)
        return
    except yaml.YAMLError:
        pass  # parse_yaml reports it, at the first line
    try:
        data, node = parse_yaml(front, page.path, first_line=2)
    except SourceError as error:
        yield from error.problems
        return
    if data is None:
        return
    hint = "Front matter is 'field: value' lines, e.g. 'title: About'."
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        yield _problem(page.path, 2, 1, "E001", "front matter must be 'field: value' lines", hint)
        return
    for key_node, value_node in node.value:
        line = 2 + key_node.start_mark.line
        name = str(key_node.value)
        values = expanded_size(value_node, MAX_FRONT_MATTER_VALUES)
        if values > MAX_FRONT_MATTER_VALUES:
            yield _problem(
                page.path,
                line,
                key_node.start_mark.column + 1,
                "E001",
                f"'{name}' expands to over {MAX_FRONT_MATTER_VALUES:,} values through YAML "
                "aliases (*name)",
                "Write the value out; a page's front matter needs no aliases.",
            )
            continue
        expected = PAGE_FIELDS.get(name)
        value = data.get(key_node.value)
        if expected is None or value is None:
            continue
        kind, wanted = expected
        scalar = (str, int, float)
        well_formed = (
            isinstance(value, scalar)
            if kind is str
            else isinstance(value, kind)
            and (kind is not list or all(isinstance(item, scalar) for item in value))
        )
        if not well_formed:
            yield _problem(
                page.path,
                line,
                key_node.start_mark.column + 1,
                "E001",
                f"'{name}' must be {wanted}",
                "MkDocs and Material read this field; see their documentation for its form.",
            )


def _collect_source_key(scan: _Scan, source: Source, node: yaml.Node | None) -> None:
    """Remember a ``source:`` key (course or glossary term) for the citation checks."""
    if _scalar(node):
        scan.citation_sites.append(
            (source, node.start_mark.index, str(_scalar(node)), "source", "", "")  # type: ignore[union-attr]
        )


def _yaml_file_problems(path: Path, root: Path, scan: _Scan, kind: str) -> Iterator[Problem]:
    try:
        text = read_text(path, root)
    except Exception:
        return  # the loader reported it
    source = Source(display_path(path, root), text, Lines(text))
    node = _compose(text)
    for scalar in _scalars(node):
        start, end = scalar.start_mark.index, scalar.end_mark.index
        yield from unsafe_html(source, text[start:end], start, scalar.value)
        yield from remote_resources(source, text[start:end], start)
        _collect_yaml_citations(scan, source, scalar.value, text[start:end], start)
    if kind == "course":
        _collect_source_key(scan, source, _get(node, "source"))
        return
    slugs: list[tuple[str, int]] = []
    for item in _items(node):
        _collect_source_key(scan, source, _get(item, "source"))
        slug_node = _get(item, "slug")
        if _scalar(slug_node):
            slugs.append((str(_scalar(slug_node)), slug_node.start_mark.index))  # type: ignore[union-attr]
    if scan.complete:
        for slug, offset in slugs:
            if slug not in scan.used_terms:
                yield source.problem(
                    offset,
                    "W041",
                    f"glossary term '{slug}' is not a key term of any lesson",
                    "Add it to the 'key_terms' of the lessons that teach it, or "
                    "remove it from the glossary.",
                )


def _character_problems(
    root: Path,
    bib: BibScanner | None,
    lessons: list[_LessonText | None],
    pages: list[Source | None],
) -> Iterator[Problem]:
    """Bidirectional controls in any source; characters the fonts lack in the sources that
    packets print (hand-written pages are site-only: a browser falls back to the reader's
    fonts)."""
    printed = [lesson.source for lesson in lessons if lesson is not None]
    for name in ("course.yml", "glossary.yml"):
        path = root / "curriculum" / name
        text = _quiet_read(path, root)
        printed.append(Source(display_path(path, root), text, Lines(text)))
    if bib is not None:
        printed.append(bib.source)
    covered = covered_characters(root / FONTS)
    for source in printed:
        yield from bidi_problems(source)
        yield from glyph_problems(source, covered)
    for page in pages:
        if page is not None:
            yield from bidi_problems(page)


def _stylesheet_problems(root: Path, docs: Path) -> Iterator[Problem]:
    """Stylesheets under docs/ that import or load anything from another host."""
    for path in sorted(docs.rglob("*.css")) if docs.is_dir() else []:
        if path.is_file():
            text = _quiet_read(path, root)
            yield from remote_resources(Source(display_path(path, root), text, Lines(text)), text)


def _collect_citations(scan: _Scan, source: Source, text: str, start: int) -> None:
    for citation in find_citations(text):
        scan.citation_sites.append(
            (
                source,
                start + citation.start,
                citation.key,
                citation.kind,
                citation.reason,
                citation.hint,
            )
        )


def _collect_nocite(scan: _Scan, source: Source, raw: str, start: int) -> None:
    """The keys of ``nocite`` must exist like any citation's; ``@*`` cites every entry."""
    for m in NOCITE_KEY.finditer(raw):
        key = m.group(1) or m.group(2)
        if key == "*":
            scan.cite_all = True
        else:
            scan.citation_sites.append((source, start + m.start(), key, "nocite", "", ""))


def _collect_yaml_citations(scan: _Scan, source: Source, value: str, raw: str, start: int) -> None:
    """Citations in a YAML value, located in the file (the value may be folded or quoted)."""
    if "@" not in value:
        return
    cursor = 0
    for citation in find_citations(value):
        at = _key_offset(raw, citation.key, cursor, len(raw))
        cursor = at + 1
        scan.citation_sites.append(
            (source, start + at, citation.key, citation.kind, citation.reason, citation.hint)
        )


# --------------------------------------------------------------------------- across files


def _citation_problems(scan: _Scan) -> Iterator[Problem]:
    for source, offset, key, kind, reason, hint in scan.citation_sites:
        known = scan.keys.get(key.casefold())
        if kind == "narrative":
            if known == key:  # "@spade2020 argues": the author's name and a note
                scan.cited.add(key.casefold())
                continue
            guess = known or next(
                iter(difflib.get_close_matches(key, list(scan.keys.values()), n=1, cutoff=0.8)),
                None,
            )
            if guess and scan.bib_ready:  # a typo of a key, not a handle or a mention
                scan.cited.add(guess.casefold())
                yield source.problem(
                    offset,
                    "W033",
                    f"'@{key}' is not a key in the bibliography, so it prints as written",
                    f"Did you mean @{guess}? Write @{guess} (the author's name and a note) "
                    f"or [@{guess}, 16]; write \\@ for a literal at-sign.",
                )
            continue
        if kind == "malformed":
            yield source.problem(
                offset,
                "W034",
                f"this looks like a citation but cannot be read as one ({reason}), "
                "so it prints as written",
                hint,
            )
            continue
        if known == key:
            scan.cited.add(key.casefold())
            continue
        if not scan.bib_ready:
            continue
        if known:
            hint = f"Keys are case-sensitive: write '{known}'."
            scan.cited.add(known.casefold())
        else:
            guess = difflib.get_close_matches(key, list(scan.keys.values()), n=1, cutoff=0.6)
            hint = f"Did you mean '{guess[0]}'?" if guess else UNKNOWN_KEY_HINT
            if guess:  # the entry is meant to be cited: do not also call it unused
                scan.cited.add(guess[0].casefold())
        if kind == "reading":
            yield source.problem(
                offset, "E031", f"reading key '{key}' is not in bibliography.bib", hint
            )
        elif kind == "source":
            yield source.problem(offset, "E032", f"source '{key}' is not in bibliography.bib", hint)
        else:
            yield source.problem(offset, "E030", f"unknown citation key '@{key}'", hint)


def _unused(scan: _Scan, scanner: BibScanner | None, loaded: Any, root: Path) -> Iterator[Problem]:
    if scanner is None or not scan.complete or scan.cite_all:
        return
    if any(problem.level == "error" for problem in scanner.problems):
        return
    for entry in scanner.entries:
        if entry.key.casefold() not in scan.cited:
            yield scanner.source.problem(
                entry.start,
                "W064",
                f"entry '{entry.key}' is not cited anywhere",
                "Cite it in a lesson or page, or remove it.",
            )


def _prerequisite_cycles(
    curriculum: Curriculum | None, lessons: list[_LessonText | None]
) -> Iterator[Problem]:
    graph: dict[str, list[str]] = {}
    where: dict[str, _LessonText] = {}
    for lesson in lessons:
        if lesson is None:
            continue
        needs = [
            str(_scalar(item))
            for item in _items(_get(lesson.node, "prerequisites"))
            if _scalar(item)
        ]
        graph[lesson.lesson_id] = needs
        where[lesson.lesson_id] = lesson
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        path = _cycle_from(start, graph)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            lesson = where[start]
            node = _get(lesson.node, "prerequisites")
            offset = lesson.front_start + (node.start_mark.index if node is not None else 0)
            yield lesson.source.problem(
                offset,
                "E011",
                "prerequisites form a circle: " + " -> ".join([*path, path[0]]),
                "A lesson cannot (indirectly) be its own prerequisite; "
                "remove one of these prerequisites.",
            )


def _cycle_from(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        for following in graph.get(current, []):
            if following == start:
                return path
            if following not in seen and following in graph:
                seen.add(following)
                stack.append((following, [*path, following]))
    return None


def _file_name_problems(curriculum: Curriculum) -> Iterator[Problem]:
    for lesson in curriculum.lessons.values():
        stem = Path(lesson.path).stem
        if stem != lesson.id:
            yield _problem(
                lesson.path,
                2,
                1,
                "W005",
                f"the file is named '{stem}.md' but the lesson id is '{lesson.id}'",
                f"Rename the file to '{lesson.id}.md' so people can find it.",
            )


# --------------------------------------------------------------------------- the site


def _site(
    root: Path,
    docs: Path,
    doc_paths: list[Path],
    pages: list[Source | None],
    lessons: list[_LessonText | None],
    curriculum: Curriculum | None,
) -> Site:
    anchors: dict[str, set[str] | None] = {name: None for name in GENERATED_PAGES}
    for path, page in zip(doc_paths, pages, strict=True):
        anchors[path.relative_to(docs).as_posix()] = (
            anchors_of(mask_code(page.text)) if page else None
        )
    for path in (root / "curriculum" / "lessons").glob("*.md"):
        anchors.setdefault(f"lessons/{path.stem}.md", None)
    for lesson in lessons:
        if lesson is None:
            continue
        ids = set(LESSON_TEMPLATE_ANCHORS)
        ids |= anchors_of(mask_code(lesson.source.text)[lesson.body_start :])
        title = _scalar(_get(lesson.node, "title"))
        if title:
            ids.add(slugify(title, "-"))
        for activity in _items(_get(lesson.node, "activities")):
            if _scalar(_get(activity, "id")):
                ids.add(f"activity-{_scalar(_get(activity, 'id'))}")
        for term in _items(_get(lesson.node, "key_terms")):
            if _scalar(term):
                ids.add(f"term-{_scalar(term)}")
        anchors[f"lessons/{lesson.lesson_id}.md"] = ids
    glossary = _compose(_quiet_read(root / "curriculum" / "glossary.yml", root))
    if isinstance(glossary, yaml.SequenceNode):
        anchors["glossary.md"] = {"glossary"} | {
            str(_scalar(_get(item, "slug")))
            for item in _items(glossary)
            if _scalar(_get(item, "slug"))
        }
    any_track = True
    if curriculum is not None:
        any_track = False
        for track in curriculum.course.tracks:
            anchors[f"tracks/{track.id}.md"] = None
    return Site(docs, anchors, any_track)


def _quiet_read(path: Path, root: Path) -> str:
    try:
        return read_text(path, root)
    except Exception:
        return ""
