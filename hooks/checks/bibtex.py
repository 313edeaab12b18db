"""The bibliography files: :class:`BibScanner`, a forgiving BibTeX reader that reports every
structural problem where it is (E060, E061; duplicate keys and fields are warnings, W062 and
W067, as in BibTeX), what the loader recovered from (W065, W066), CSL JSON/YAML files, and the
checks of the entries (fields their type needs, unsafe HTML).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hooks.checks.loading import _read, _Scan
from hooks.checks.report import _problem
from hooks.checks.text import Source, unsafe_html
from hooks.loader import Problem, display_path

# --------------------------------------------------------------------------- BibTeX

BIB_ENTRY_START = re.compile(r"^[ \t]*@", re.M)
BIB_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(]?)")
BIB_KEY = re.compile(r"\s*([^\s,{}()=\"#%']*)\s*(,?)")
BIB_NAME = re.compile(r"[A-Za-z_][\w.:+-]*")
BIB_WORD = re.compile(r"[\w.:+-]+")
BIB_NEXT_ENTRY = re.compile(r"@[ \t]*[A-Za-z]+\s*[{(]")
BIB_FIELD_START = re.compile(r"\n[ \t]*[A-Za-z_][\w-]*[ \t]*=[ \t]*[{\"]")
BIB_STRAY_FIELD = re.compile(r"^[ \t,]*[A-Za-z_][\w-]*\s*=", re.M)


@dataclass
class BibField:
    name: str
    value: str
    start: int  # offset of the field name
    value_start: int
    value_end: int


@dataclass
class BibEntry:
    key: str
    type: str
    start: int
    fields: dict[str, BibField] = field(default_factory=dict)


class _BibSyntax(Exception):
    def __init__(self, offset: int, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.offset, self.code, self.message, self.hint = offset, code, message, hint


CLOSE_HINT = "Add the missing '}' at the end of the value; each '{' needs a '}'."


class BibScanner:
    """A forgiving BibTeX reader that reports every structural problem with its line.

    pybtex stops at the first problem and often reports it where it gave up; this scanner
    locates unbalanced braces, missing commas and duplicate keys where they are, recovers at
    the next line starting with '@', and keeps the position of every field for other checks.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.entries: list[BibEntry] = []
        self.problems: list[Problem] = []

    def scan(self) -> BibScanner:
        text, pos = self.text, 0
        while True:
            at = text.find("@", pos)
            if at < 0:
                break
            try:
                pos = self._item(at)
            except _BibSyntax as error:
                self.problems.append(
                    self.source.problem(error.offset, error.code, error.message, error.hint)
                )
                pos = self._next_entry(at + 1)
        self._duplicates()
        return self

    def _next_entry(self, pos: int) -> int:
        following = BIB_ENTRY_START.search(self.text, pos)
        return following.end() - 1 if following else len(self.text)

    # The grammar, one item at a time ------------------------------------------------------

    def _item(self, at: int) -> int:
        text = self.text
        match = BIB_HEAD.match(text, at)
        if not match:
            raise _BibSyntax(
                at,
                "E060",
                "'@' must be followed by an entry type, e.g. @book{",
                "BibTeX reads every '@' outside an entry as the start of one; "
                "remove stray at-signs from comments.",
            )
        kind, opener = match.group(1).lower(), match.group(2)
        if not opener:
            raise _BibSyntax(
                at,
                "E060",
                f"'@{match.group(1)}' is read as the start of an entry, but no '{{' follows",
                "BibTeX reads every '@' as the start of an entry, even in a "
                "comment: write 'at' instead. Entries look like @book{key, ...}.",
            )
        closer = "}" if opener == "{" else ")"
        if kind in {"comment", "preamble"}:
            return self._skip_group(at, match.end() - 1)
        if kind == "string":
            return self._fields(BibEntry("", "string", at), match.end(), closer)
        key_match = BIB_KEY.match(text, match.end())
        assert key_match is not None
        key, comma = key_match.group(1), key_match.group(2)
        hint = "Entries start like this: @book{spade2020, (the key, then a comma)."
        if not key:
            raise _BibSyntax(at, "E060", f"@{kind} entry has no key", hint)
        entry = BibEntry(key, kind, at)
        self.entries.append(entry)
        if not comma and text[key_match.end() : key_match.end() + 1] != closer:
            raise _BibSyntax(
                key_match.start(1), "E060", f"missing comma after the key '{key}'", hint
            )
        return self._fields(entry, key_match.end(), closer)

    def _fields(self, entry: BibEntry, pos: int, closer: str) -> int:
        text, what = self.text, f"entry '{entry.key}'" if entry.key else f"@{entry.type}"
        while True:
            pos = self._space(pos)
            if pos >= len(text):
                raise self._unclosed(entry, what)
            if text[pos] == closer:
                return self._after_close(entry, pos + 1)
            name = BIB_NAME.match(text, pos)
            if not name:
                if text[pos] == "@" and self._line_start(pos):
                    raise self._unclosed(entry, what)
                raise _BibSyntax(
                    pos,
                    "E060",
                    f"in {what}: expected a field name, found '{text[pos]}'",
                    "Fields look like: title = {The Title}, (name, =, value, comma).",
                )
            field_name = name.group(0).lower()
            pos = self._space(name.end())
            if pos >= len(text) or text[pos] != "=":
                raise _BibSyntax(
                    name.start(),
                    "E060",
                    f"in {what}: field '{name.group(0)}' has no '=' after it",
                    "Fields look like: title = {The Title},",
                )
            value_start = self._space(pos + 1)
            pos, value = self._value(entry, what, value_start)
            if field_name in entry.fields:
                first = self.source.at(entry.fields[field_name].start)[0]
                self.problems.append(
                    self.source.problem(
                        name.start(),
                        "W067",
                        f"in {what}: field '{field_name}' appears twice; the first is used",
                        f"Keep one '{field_name}' line (the first is on line {first}).",
                    )
                )
            else:
                entry.fields[field_name] = BibField(
                    field_name, value, name.start(), value_start, pos
                )
            value_end, pos = pos, self._space(pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos < len(text) and text[pos] == "@" and self._line_start(pos):
                raise self._unclosed(entry, what)
            elif pos < len(text) and text[pos] != closer:
                raise _BibSyntax(
                    value_end,
                    "E060",
                    f"in {what}: missing comma after field '{field_name}'",
                    "End every field with a comma.",
                )

    def _unclosed(self, entry: BibEntry, what: str) -> _BibSyntax:
        """The entry never closes: blame the first field whose value swallowed later fields."""
        for bib_field in entry.fields.values():
            if BIB_FIELD_START.search(bib_field.value):
                return _BibSyntax(
                    bib_field.value_start,
                    "E061",
                    f"unbalanced braces in {what}: the value of '{bib_field.name}' is never closed",
                    CLOSE_HINT,
                )
        return _BibSyntax(
            entry.start,
            "E061",
            f"unbalanced braces: {what} is never closed",
            "Add the missing '}' at the end of the entry.",
        )

    def _value(self, entry: BibEntry, what: str, pos: int) -> tuple[int, str]:
        """Parse ``{...}``, ``"..."``, numbers and macros joined by ``#``."""
        text, parts = self.text, []
        while True:
            if pos >= len(text):
                raise self._unclosed(entry, what)
            if text[pos] in '{"':
                end = self._delimited(what, pos)
                parts.append(text[pos + 1 : end])
                pos = end + 1
            else:
                word = BIB_WORD.match(text, pos)
                if not word:
                    raise _BibSyntax(
                        pos,
                        "E060",
                        f"in {what}: a field value must be in braces",
                        "Write field = {value},",
                    )
                parts.append(word.group(0))
                pos = word.end()
            after = self._space(pos)
            if after < len(text) and text[after] == "#":
                pos = self._space(after + 1)
                continue
            return pos, "".join(parts)

    def _delimited(self, what: str, start: int) -> int:
        """Index of the '}' or '"' that closes the value starting at ``start``."""
        text, depth, i = self.text, 0, start
        quote = text[start] == '"'
        while i < len(text):
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0 and not quote:
                    return i
                if depth < 0:
                    raise _BibSyntax(
                        i,
                        "E061",
                        f"unbalanced braces in {what}: this '}}' has no matching '{{'",
                        "Remove the extra '}' or add its '{'.",
                    )
            elif char == '"' and quote and depth == 0 and i > start:
                return i
            elif char == "@" and self._line_start(i) and BIB_NEXT_ENTRY.match(text, i):
                break
            i += 1
        raise _BibSyntax(
            start,
            "E061",
            f"unbalanced braces in {what}: the value that starts here is never closed",
            CLOSE_HINT,
        )

    def _after_close(self, entry: BibEntry, pos: int) -> int:
        """After an entry closes, fields before the next '@' mean a '}' too many inside it."""
        following = self._next_entry(pos)
        if entry.key and BIB_STRAY_FIELD.search(self.text, pos, following):
            self.problems.append(
                self.source.problem(
                    pos - 1,
                    "E061",
                    f"this '}}' closes entry '{entry.key}' early: the fields after it are ignored",
                    "There is one '}' too many on this line; remove it.",
                )
            )
            return following
        return pos

    def _skip_group(self, at: int, open_at: int) -> int:
        depth, i, text = 0, open_at, self.text
        while i < len(text):
            if text[i] in "{(":
                depth += 1
            elif text[i] in "})":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise _BibSyntax(
            at,
            "E061",
            "unbalanced braces: this @comment or @preamble is never closed",
            "Add the missing '}'.",
        )

    def _space(self, pos: int) -> int:
        text = self.text
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
            elif text[pos] == "%":  # a comment to the end of the line
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end + 1
            else:
                break
        return pos

    def _line_start(self, pos: int) -> bool:
        start = self.text.rfind("\n", 0, pos) + 1
        return not self.text[start:pos].strip()

    def _duplicates(self) -> None:
        first: dict[str, BibEntry] = {}
        for entry in self.entries:
            folded = entry.key.casefold()
            if folded in first:
                line = self.source.at(first[folded].start)[0]
                self.problems.append(
                    self.source.problem(
                        entry.start,
                        "W062",
                        f"duplicate key '{entry.key}' (first defined on line {line}, "
                        "which is used, as BibTeX does)",
                        "Give each work one entry; if these are different works, "
                        "rename one key and the citations that mean it.",
                    )
                )
            else:
                first[folded] = entry


# --------------------------------------------------------------------------- the bibliography file


def _bibliography_paths(root: Path, setting: Any) -> list[Path]:
    paths = [setting] if isinstance(setting, (str, Path)) else list(setting or [])
    return [root / path for path in paths]


def _bibliographies(
    root: Path, paths: list[Path], cache_dir: Path | None, scan: _Scan, problems: list[Problem]
) -> tuple[BibScanner | None, Any]:
    """Check every bibliography file (``.bib`` through the scanner, CSL JSON/YAML through the
    loader) and return the scanner of the ``.bib`` file, if any, and all files as one."""
    scanner, loaded = None, []
    for path in paths:
        if path.suffix.lower() in {".json", ".yaml", ".yml"}:
            loaded.append(_csl_bibliography(root, path, cache_dir, scan, problems))
        else:
            this, bibliography = _bibliography(root, path, cache_dir, scan, problems)
            scanner = scanner or this
            loaded.append(bibliography)
    if len(loaded) == 1 or any(bibliography is None for bibliography in loaded):
        return scanner, loaded[0] if len(loaded) == 1 else None
    from hooks.bibliography import Bibliography

    combined = Bibliography.load_all(paths, cache_dir)
    for warning in combined.warnings[sum(len(b.warnings) for b in loaded) :]:  # across files
        problems.append(
            _problem(
                display_path(Path(warning.path), root),
                warning.line,
                1,
                "W062",
                warning.message,
                "Keep one entry per key: remove it from one of the files, or rename it.",
            )
        )
    return scanner, combined


CSL_WARNINGS = {
    "duplicate": ("W062", "Give each item its own id; Zotero's Better BibTeX keeps keys unique."),
    "missing-id": ("W068", 'Export again from Zotero, or give the item an "id".'),
}


def _csl_bibliography(
    root: Path, path: Path, cache_dir: Path | None, scan: _Scan, problems: list[Problem]
) -> Any:
    """A CSL JSON or YAML bibliography: its keys, warnings and the fields its types need."""
    shown = display_path(path, root)
    if not path.exists():
        problems.append(_problem(shown, 1, 1, "E003", "the bibliography file is missing", ""))
        return None
    from hooks.bibliography import Bibliography, BibliographyError, missing_fields

    try:
        loaded = Bibliography.load(path, cache_dir)
    except BibliographyError as error:
        problems.append(
            _problem(shown, error.line or 1, 1, "E060", error.message,
                     "Export the file again from Zotero (CSL JSON), or fix the line named.")
        )  # fmt: skip
        return None
    scan.bib_ready = True
    for key, entry in loaded.items():
        scan.keys.setdefault(key.casefold(), key)
        for name in missing_fields(entry):
            wanted = " or ".join(f"'{part}'" for part in name.split("/"))
            message = f"entry '{key}' (@{entry.type}) has no {wanted} field"
            hint = "Add it in Zotero if you can check it, and export again."
            problems.append(_problem(shown, entry.line, 1, "W063", message, hint))
    for warning in loaded.warnings:
        code, hint = CSL_WARNINGS.get(warning.kind, ("W062", ""))
        problems.append(_problem(shown, warning.line, 1, code, warning.message, hint))
    return loaded


def _bibliography(
    root: Path, path: Path, cache_dir: Path | None, scan: _Scan, problems: list[Problem]
) -> tuple[BibScanner | None, Any]:
    if not path.exists():
        problems.append(
            _problem(
                display_path(path, root),
                1,
                1,
                "E003",
                "the bibliography file is missing",
                "Every citation needs an entry in bibliography.bib.",
            )
        )
        return None, None
    source = _read(path, root, scan, problems)
    scan.files -= 1  # counted with the fixed files
    if source is None:
        return None, None
    scanner = BibScanner(source).scan()
    problems += scanner.problems
    broken = any(problem.level == "error" for problem in scanner.problems)
    for entry in scanner.entries:
        scan.keys.setdefault(entry.key.casefold(), entry.key)
        problems += unsafe_html_fields(source, entry)
        crossref = entry.fields.get("crossref")
        if crossref:
            scan.cited.add(crossref.value.strip().casefold())
    scan.bib_ready = True
    loaded = None
    try:
        from hooks.bibliography import Bibliography, BibliographyError
    except ImportError:
        return scanner, None
    try:
        loaded = Bibliography.load(path, cache_dir)
    except BibliographyError as error:
        if not broken:
            problems.append(
                _problem(
                    source.path,
                    error.line or 1,
                    1,
                    "E060",
                    error.message,
                    "See 'Citing a source' in CONTRIBUTING.md for the entry formats.",
                )
            )
    except Exception as error:  # pybtex raising something unexpected is still a bad file
        if not broken:
            problems.append(
                _problem(source.path, 1, 1, "E060", f"the bibliography cannot be read: {error}")
            )
    if loaded is not None and not broken:
        problems += _loader_warnings(source, loaded)
        problems += _missing_field_problems(source, scanner, loaded)
    return scanner, loaded


LOADER_WARNINGS = {
    "macro": (
        "W065",
        "Put the value in braces (journal = {Phys. Rev. A}) or define it with @string; "
        "month names and seasons (jan, january, spring) need no definition.",
    ),
    "crossref": (
        "W066",
        "Add the entry the crossref names, correct its key, or remove the crossref field.",
    ),
}
"""What the loader recovers from that the scanner cannot see, as check codes and hints (the
scanner itself reports duplicate keys and fields)."""


def _loader_warnings(source: Source, loaded: Any) -> Iterator[Problem]:
    for warning in loaded.warnings:
        if warning.kind in LOADER_WARNINGS:
            code, hint = LOADER_WARNINGS[warning.kind]
            yield _problem(source.path, warning.line, 1, code, warning.message, hint)


def unsafe_html_fields(source: Source, entry: BibEntry) -> Iterator[Problem]:
    for bib_field in entry.fields.values():
        yield from unsafe_html(
            source, source.text[bib_field.value_start : bib_field.value_end], bib_field.value_start
        )


def _missing_field_problems(source: Source, scanner: BibScanner, loaded: Any) -> Iterator[Problem]:
    try:
        from hooks.bibliography import missing_fields
    except ImportError:
        return
    where = {entry.key: entry.start for entry in scanner.entries}
    for key, entry in loaded.items():
        try:
            missing = missing_fields(entry)
        except Exception:
            continue
        for name in missing:
            wanted = " or ".join(f"'{part}'" for part in name.split("/"))
            yield source.problem(
                where.get(key, 0),
                "W063",
                f"entry '{key}' (@{entry.type}) has no {wanted} field",
                f"Add {wanted} if you can check it; if the work has none, say "
                "so in the entry's note field.",
            )
