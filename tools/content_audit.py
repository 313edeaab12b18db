"""Content figures and an overlap check for the lessons (issue 17's audit, repeatable).

``figures`` reports, per lesson, the words of prose (``Lesson.word_count``: body text without
facilitator blocks or citations), the citations in the body and how many different works they
cite; the project's floor is 1,500 words and 6 citations to 3 works. ``overlaps`` finds runs of
eight or more words that a lesson shares with the essay, the test for copied prose: a run
inside quotation marks is reported apart, since short quotations with a citation are allowed.
``sample`` draws citations at random with a fixed seed, for checking against their sources.

Run: ``.venv/bin/python tools/content_audit.py [--seed N --sample K] [ESSAY.txt]``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from hooks.citations import parse_citations
from hooks.loader import load_curriculum
from hooks.model import Curriculum

ROOT = Path(__file__).resolve().parent.parent
MIN_WORDS, MIN_CITATIONS, MIN_WORKS = 1_500, 6, 3
RUN = 8
WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")


@dataclass(frozen=True)
class Figures:
    lesson_id: str
    words: int
    citations: int
    works: int

    def meets_floor(self) -> bool:
        return (
            self.words >= MIN_WORDS and self.citations >= MIN_CITATIONS and self.works >= MIN_WORKS
        )


@dataclass(frozen=True)
class Overlap:
    lesson_id: str
    line: int
    words: str
    quoted: bool


def figures(curriculum: Curriculum) -> list[Figures]:
    rows = []
    for lesson in curriculum.ordered_lessons():
        cited = [key for citation in parse_citations(lesson.body) for key in citation.keys]
        rows.append(Figures(lesson.id, lesson.word_count, len(cited), len(set(cited))))
    return rows


def _tokens(text: str) -> list[tuple[str, int]]:
    """Lower-case words with their offsets (quotes and dashes normalised away)."""
    return [(m.group().replace("\u2019", "'"), m.start()) for m in WORD.finditer(text.lower())]


def _inside_quotes(text: str, start: int) -> bool:
    """Whether a span starts inside a quotation on its line (an unclosed quote before it)."""
    before = text[text.rfind("\n", 0, start) + 1 : start]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def overlaps(curriculum: Curriculum, essay: str, root: Path = ROOT) -> list[Overlap]:
    """Runs of RUN or more words a lesson (body and front matter) shares with the essay."""
    essay_words = [word for word, _ in _tokens(essay)]
    grams = {tuple(essay_words[i : i + RUN]) for i in range(len(essay_words) - RUN + 1)}
    found = []
    for lesson in curriculum.ordered_lessons():
        text = (root / lesson.path).read_text(encoding="utf-8")
        words = _tokens(text)
        i = 0
        while i <= len(words) - RUN:
            if tuple(w for w, _ in words[i : i + RUN]) not in grams:
                i += 1
                continue
            j = i + RUN
            while j < len(words) and tuple(w for w, _ in words[j - RUN + 1 : j + 1]) in grams:
                j += 1
            start = words[i][1]
            found.append(
                Overlap(
                    lesson.id,
                    text.count("\n", 0, start) + 1,
                    " ".join(w for w, _ in words[i:j]),
                    _inside_quotes(text, start),
                )
            )
            i = j
    return found


def sample(curriculum: Curriculum, seed: int, size: int) -> list[tuple[str, int, str, str]]:
    """``size`` citations drawn with ``seed``: (lesson, line, key, locator)."""
    every = []
    for lesson in curriculum.ordered_lessons():
        for citation in parse_citations(lesson.body):
            line = lesson.body_line + citation.line - 1
            for cite in citation.cites:
                locator = cite.locator.render() if cite.locator else ""
                every.append((lesson.id, line, cite.key, locator))
    return random.Random(seed).sample(every, size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("essay", nargs="?", type=Path, help="plain text of the essay")
    parser.add_argument("--seed", type=int, help="draw a random sample of citations")
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args(argv)
    curriculum = load_curriculum(ROOT).published()
    failing = 0
    for row in figures(curriculum):
        failing += not row.meets_floor()
        mark = "ok " if row.meets_floor() else "LOW"
        print(f"{mark} {row.lesson_id:24} {row.words:5} words {row.citations:3} citations"
              f" {row.works:3} works")  # fmt: skip
    if args.essay:
        runs = overlaps(curriculum, args.essay.read_text(encoding="utf-8"))
        unquoted = [run for run in runs if not run.quoted]
        print(f"{len(runs)} runs of {RUN}+ words shared with the essay, {len(unquoted)} unquoted")
        for run in runs:
            label = "quoted  " if run.quoted else "UNQUOTED"
            print(f"  {label} {run.lesson_id}:{run.line}: {run.words}")
        failing += len(unquoted)
    if args.seed is not None:
        print(f"seed {args.seed}:")
        for number, (lesson_id, line, key, locator) in enumerate(
            sample(curriculum, args.seed, args.sample), 1
        ):
            print(f"  {number:2}. {lesson_id}:{line} @{key}{', ' + locator if locator else ''}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
