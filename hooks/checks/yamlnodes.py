"""YAML as the checks need it: the composed nodes of a file (to find where a value is
written) and YAML syntax errors explained in plain words, at the place to fix them.
"""

from __future__ import annotations

import re

import yaml

from hooks.loader import compose

# --------------------------------------------------------------------------- YAML helpers


def _compose(text: str) -> yaml.Node | None:
    try:
        return compose(text)
    except Exception:  # the loader reports syntax errors; here we only want positions
        return None


def _scalars(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    """Every scalar (keys and values) under a node, in file order; comments excluded."""
    stack, seen, found = ([node] if node is not None else []), set(), []
    while stack:
        current = stack.pop()
        if id(current) in seen:  # aliases point back at nodes already visited
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            found.append(current)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return sorted(found, key=lambda scalar: scalar.start_mark.index)


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def expanded_size(node: yaml.Node | None, limit: int) -> int:
    """How many values ``node`` stands for once every alias (``*name``) is written out,
    counted up to ``limit + 1``: nine levels of nine-fold aliases are a few lines of YAML
    and 387 million values for whatever reads them next."""
    memo: dict[int, int] = {}

    def size(current: yaml.Node) -> int:
        if id(current) in memo:
            return memo[id(current)]
        memo[id(current)] = limit + 1  # until counted: a loop would count as too big
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(child) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in current.value)
        memo[id(current)] = min(total, limit + 1)
        return memo[id(current)]

    if node is None:
        return 0
    try:
        return size(node)
    except RecursionError:
        return limit + 1


def _bad_value(text: str, first_line: int) -> tuple[int, str] | None:
    """Find a value PyYAML parses but cannot build (``2025-13-45``, ``!!int x``)."""
    node = _compose(text)
    loader = yaml.SafeLoader("")
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except Exception as error:
                return first_line + current.start_mark.line, str(error) or type(error).__name__
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack.extend([value, key])
    return None


# --------------------------------------------------------------------------- YAML syntax errors

QUOTE_HINT = (
    "If a value contains a colon (:) or starts with a quote, wrap the whole value in double quotes."
)


def explain_yaml_error(text: str, error: yaml.MarkedYAMLError) -> tuple[int, int, str, str]:
    """(0-based line, 0-based column, message, hint) in plain words for a YAML syntax error."""
    problem, context = error.problem or "", error.context or ""
    mark, start = error.problem_mark, error.context_mark
    lines = text.split("\n")
    line, column = (mark.line, mark.column) if mark else (0, 0)
    here = lines[line] if line < len(lines) else ""
    field = re.match(r"^(\s*(?:-\s+)?[\w-]+:[ \t]+)(.*?)\s*$", here)

    def quoted() -> str:
        if not field:
            return QUOTE_HINT
        value = field.group(2).replace("\\", "\\\\").replace('"', '\\"')
        return f'Put the whole value in double quotes: {field.group(1).strip()} "{value}"'

    if "mapping values are not allowed" in problem:
        if field and column > len(field.group(1)) - 1:
            return (
                line,
                column,
                (
                    "YAML syntax error: this value contains a colon (:), so it "
                    "reads as the start of another field"
                ),
                quoted(),
            )
        return (
            line,
            column,
            ("YAML syntax error: this line is indented more than the field above it"),
            "Line it up with the fields above, using spaces.",
        )
    if "'\\t'" in problem or "\\t" in problem:
        return line, column, "YAML syntax error: a tab character", "Indent with spaces, never tabs."
    if "cannot start any token" in problem or "undefined alias" in problem:
        return (
            line,
            column,
            (f"YAML syntax error: a value cannot start with '{here[column : column + 1]}'"),
            quoted(),
        )
    if "quoted scalar" in context and start:
        return (
            start.line,
            start.column,
            "YAML syntax error: this quotation mark is never closed",
            (
                "Close it at the end of the value. Inside double quotes, write a "
                'quotation mark as \\" or use curly quotes “ ”.'
            ),
        )
    if (
        problem.startswith("expected ',' or")
        and problem.endswith("but got ':'")
        and (start is None or start.line == line)
    ):
        return (
            line,
            column,
            ("YAML syntax error: a value inside [ ] or { } contains a colon (:)"),
            (
                "Put that value in double quotes, e.g. {kind: input, "
                'minutes: 15, title: "Mutual aid: a history"}.'
            ),
        )
    if problem.startswith("expected ',' or ']'") and start:
        return (
            start.line,
            start.column,
            "YAML syntax error: this list is never closed with ']'",
            "Put ']' after the last item, and commas between items.",
        )
    if problem.startswith("expected ',' or '}'") and start:
        return (
            start.line,
            start.column,
            "YAML syntax error: this '{' is never closed with '}'",
            "Put '}' at the end, and commas between the 'name: value' pairs.",
        )
    if "found '<scalar>'" in problem and start and start.line == line:
        return (
            line,
            column,
            ("YAML syntax error: a quotation mark inside a quoted value ends it early"),
            (
                "Inside double quotes write a quotation mark as "
                '\\" or use curly quotes “ ”; inside single quotes '
                "write an apostrophe as ''."
            ),
        )
    unclosed = _unclosed_quote(lines, line)
    if unclosed is not None and (
        "expected <block end>" in problem or "could not find expected ':'" in problem
    ):
        return (
            unclosed[0],
            unclosed[1],
            "YAML syntax error: this quotation mark is not closed on its line",
            (
                "Close the quote at the end of the value. Inside double quotes, write a "
                'quotation mark as \\" or use curly quotes “ ”.'
            ),
        )
    if "expected <block end>" in problem:
        return (
            line,
            column,
            "YAML syntax error: this line is not lined up with the lines above it",
            (
                "Fields at the same level, and items of the same list, must start in "
                "the same column. Use spaces."
            ),
        )
    if "could not find expected ':'" in problem:
        at = start or mark
        return (
            (
                at.line,
                at.column,
                "YAML syntax error: this line is not 'field: value'",
                "Add the missing colon, or if this line continues the text above, indent it "
                "like that text or put the whole value in double quotes.",
            )
            if at
            else (line, column, "YAML syntax error: a line is not 'field: value'", QUOTE_HINT)
        )
    return line, column, f"YAML syntax error: {problem or context}", QUOTE_HINT


def _unclosed_quote(lines: list[str], before: int) -> tuple[int, int] | None:
    """The last line before ``before`` whose value opens a double quote it does not close
    (legal YAML, but in these files almost always a mistake that swallows the next lines)."""
    for number in range(min(before, len(lines) - 1), -1, -1):
        opening = re.match(r'^\s*(?:-\s+)?(?:[\w-]+:\s+)?(")', lines[number])
        if opening and len(re.findall(r'(?<!\\)"', lines[number])) % 2 == 1:
            return number, opening.start(1)
    return None
