# ruff: noqa: RUF001  (locators use en dashes, as lessons write them)
"""Write a synthetic curriculum project for the benchmarks (fixed random seed).

    .venv/bin/python bench/generate.py DEST --lessons 100 --entries 1000

DEST becomes a complete project: ``mkdocs.yml`` (copied from this repository), a ``hooks``
symlink to this repository's ``hooks/`` (so ``hooks/mkdocs_hooks.py`` and the theme overrides
resolve; Python imports ``hooks`` from the installed package), ``curriculum/course.yml`` with
three tracks, ``curriculum/glossary.yml``, N lessons in ``curriculum/lessons/``, a
``bibliography.bib`` of M entries and ``docs/`` (the two hand-written pages the navigation
names, and the self-hosted font assets).

Each lesson has real front matter that validates (objectives, readings, an agenda that adds
up, an activity, discussion questions, key terms, tags, a prerequisite), about 1,500 words of
body text in five ``##`` sections, exactly 10 bracketed citations (some with two sources, some
repeating a work so short notes appear), two ordinary footnotes and a facilitator box. Every
bibliography entry is cited at least once and every glossary term is listed by a lesson, so
``check_project`` reports nothing and ``mkdocs build --strict`` passes.

The bibliography mixes books, articles, chapters, web pages, reports, podcast episodes and
theses, with LaTeX accents in names (``Jos{\\'e}``, ``Ng{\\~u}g{\\~\\i}``) and ``\\emph`` in
titles (the names and title words come from ``bench/bench_bibliography.py``).
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_bibliography import PUBLISHERS, WORDS, people, title  # noqa: E402

SEED = 42
SIZES = [(10, 100), (100, 1000), (1000, 5000)]
"""(lessons, bibliography entries) measured by ``bench/run.py``."""

TERMS = [
    ("mutual aid", "People pooling resources, skills and care to meet one another's needs."),
    ("reciprocal solidarity", "Support that flows both ways between groups in struggle."),
    ("mass organization", "An organization open to everyone affected by a shared problem."),
    ("popular power", "The capacity of ordinary people to decide and act together."),
    ("direct action", "Acting on a problem yourselves instead of asking others to act."),
    ("dual power", "Building institutions of our own alongside and against existing ones."),
    ("strike fund", "Money workers pool so that a strike can last."),
    ("tenant union", "Renters organized together to bargain with a landlord."),
    ("harm reduction", "Meeting people where they are to reduce the damage of a practice."),
    ("base building", "Patient work to win the trust and participation of many people."),
    ("social insertion", "Taking part in everyday struggles as one participant among others."),
    ("political education", "Studying together to understand and change our conditions."),
    ("collective care", "Sharing the work of looking after one another within a group."),
    ("direct aid", "Help given straight to people in need, without conditions."),
    ("survival program", "A service that meets urgent needs while building organization."),
    ("general assembly", "A meeting where everyone present can speak and decide."),
    ("affinity group", "A small group of people who trust each other and act together."),
    ("worker cooperative", "A business owned and run by the people who work in it."),
    ("community fridge", "A public fridge where anyone can leave or take food."),
    ("federation", "Groups that keep their autonomy and coordinate as equals."),
    ("solidarity economy", "Ways of producing and sharing that put people before profit."),
    ("charity", "Help that flows one way, from those who have to those who lack."),
    ("organizing", "Working with people so together they become a force for change."),
    ("campaign", "A planned series of actions aimed at winning a concrete demand."),
]
TAGS = ["organizing", "mutual-aid", "history", "solidarity", "strategy", "care", "labor", "housing"]
TOPICS = [
    "Tenants",
    "Strike Funds",
    "Food Sharing",
    "Disaster Relief",
    "Study Circles",
    "Care Networks",
    "Workplace Committees",
    "Neighborhood Assemblies",
    "Cooperatives",
    "Bail Funds",
]
NOUNS = [
    "neighbors", "workers", "tenants", "volunteers", "organizers", "members", "families",
    "committees", "networks", "assemblies", "unions", "collectives", "meetings", "campaigns",
    "landlords", "bosses", "officials", "donors", "pantries", "clinics", "schools", "cities",
]  # fmt: skip
VERBS = [
    "build", "share", "organize", "discuss", "defend", "plan", "fund", "support", "question",
    "challenge", "join", "record", "map", "count", "invite", "train", "protect", "demand",
]  # fmt: skip
ADJECTIVES = [
    "local", "patient", "careful", "open", "regular", "shared", "urgent", "small", "large",
    "democratic", "reciprocal", "practical", "slow", "public", "weekly", "new", "older",
]  # fmt: skip
LINKS = [
    "because", "while", "although", "so that", "whenever", "after", "before", "until", "since",
]  # fmt: skip
# Citation brackets of one lesson: (index into the lesson's own keys, locator) per source.
# Indices wrap when a lesson has fewer than ten keys of its own; repeats give short notes and
# the two back-to-back citations of source 0 give the "same source as the note before" form.
CITATION_PATTERN: list[list[tuple[int, str]]] = [
    [(0, "16")],
    [(1, "")],
    [(2, "45–50"), (3, "")],
    [(0, "22")],
    [(0, "23")],
    [(4, "chap. 2")],
    [(5, ""), (6, "101")],
    [(7, "12")],
    [(8, "")],
    [(9, "n. 4")],
]
PREFIXES = {2: "see ", 6: ""}
SECTIONS = 5
PARAGRAPHS_PER_SECTION = 3
SENTENCES_PER_PARAGRAPH = 7


@dataclass(frozen=True)
class Project:
    root: Path
    lessons: int
    entries: int
    lesson_ids: tuple[str, ...]
    words: int  # body words of all lessons together
    citations: int  # bracketed citations in all lessons together


# --------------------------------------------------------------------------- bibliography


def bib_entry(rng: random.Random, i: int) -> str:
    """One entry of a type the checker knows, with every field that type needs."""
    kind = ("book", "article", "incollection", "online", "report", "audio", "thesis")[i % 7]
    date = str(rng.randint(1900, 2024))
    fields: dict[str, str] = {"title": title(rng)}
    if kind == "book":
        fields |= {
            "author": people(rng, rng.randint(1, 3)),
            "publisher": rng.choice(PUBLISHERS),
            "location": "New York",
            "date": date,
        }
    elif kind == "article":
        fields |= {
            "author": people(rng, rng.randint(1, 4)),
            "journaltitle": "Journal of {" + rng.choice(WORDS).capitalize() + "} Studies",
            "volume": str(rng.randint(1, 80)),
            "number": str(rng.randint(1, 6)),
            "pages": f"{rng.randint(1, 300)}--{rng.randint(301, 600)}",
            "date": date,
            "doi": f"10.1000/j.{i}",
        }
    elif kind == "incollection":
        fields |= {
            "author": people(rng, 1),
            "editor": people(rng, 2),
            "booktitle": title(rng),
            "publisher": rng.choice(PUBLISHERS),
            "location": "Oakland, CA",
            "pages": f"{rng.randint(1, 50)}--{rng.randint(51, 99)}",
            "date": date,
        }
    elif kind == "online":
        fields |= {
            "author": people(rng, 1),
            "organization": "Example Collective",
            "url": f"https://example.org/post/{i}",
            "date": f"{date}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        }
    elif kind == "report":
        fields |= {
            "author": "{Example Workers Center}",
            "institution": "Example Workers Center",
            "location": "Chicago",
            "date": date,
            "url": f"https://example.org/r{i}.pdf",
        }
    elif kind == "audio":
        fields |= {
            "author": people(rng, 1),
            "series": "The Example Podcast",
            "type": "podcast",
            "number": str(rng.randint(1, 300)),
            "date": date,
            "url": f"https://example.org/podcast/{i}",
        }
    else:
        fields |= {
            "author": people(rng, 1),
            "type": "phdthesis",
            "institution": "University of S{\\~a}o Paulo",
            "date": date,
        }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@{kind}{{{bib_key(i)},\n{body}\n}}\n"


def bib_key(i: int) -> str:
    return f"key{i:05d}"


def bibliography(entries: int, seed: int = SEED) -> str:
    rng = random.Random(seed)
    return "% Synthetic bibliography for the benchmarks (bench/generate.py).\n\n" + "\n".join(
        bib_entry(rng, i) for i in range(entries)
    )


# --------------------------------------------------------------------------- prose


def sentence(rng: random.Random, terms: list[str]) -> str:
    words = [
        rng.choice(ADJECTIVES).capitalize(),
        rng.choice(NOUNS),
        rng.choice(VERBS),
        rng.choice(ADJECTIVES),
        rng.choice(NOUNS),
        rng.choice(LINKS),
        "the",
        rng.choice(NOUNS),
        rng.choice(VERBS),
        "their",
        rng.choice(ADJECTIVES),
        rng.choice(NOUNS),
    ]
    if rng.random() < 0.3:
        words += ["through", rng.choice(terms)]
    if rng.random() < 0.3:
        words += ["and", rng.choice(VERBS), "the", rng.choice(NOUNS), "together"]
    return " ".join(words)


def citation_markdown(slot: int, keys: list[str]) -> str:
    items = []
    for position, (index, locator) in enumerate(CITATION_PATTERN[slot]):
        prefix = PREFIXES.get(slot, "") if position == 0 else ""
        key = keys[index % len(keys)]
        items.append(f"{prefix}@{key}, {locator}" if locator else f"{prefix}@{key}")
    return "[" + "; ".join(items) + "]"


def lesson_body(rng: random.Random, keys: list[str], terms: list[str]) -> str:
    """Five sections; citations spread over the paragraphs; two author's footnotes."""
    slots = SECTIONS * PARAGRAPHS_PER_SECTION
    cite_at = {round(i * slots / len(CITATION_PATTERN)): i for i in range(len(CITATION_PATTERN))}
    parts: list[str] = []
    paragraph = 0
    for section in range(SECTIONS):
        parts.append(f"## {rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} {section + 1}")
        notes = []
        for _ in range(PARAGRAPHS_PER_SECTION):
            sentences = [sentence(rng, terms) for _ in range(SENTENCES_PER_PARAGRAPH)]
            if paragraph in cite_at:
                where = rng.randrange(SENTENCES_PER_PARAGRAPH)
                sentences[where] += " " + citation_markdown(cite_at[paragraph], keys)
            if paragraph in (4, 10):
                label = f"aside-{len(notes) + 1 + (paragraph // 10)}"
                sentences[-1] += f"[^{label}]"
                notes.append(
                    f"[^{label}]: An aside from the authors: {sentence(rng, terms).lower()}."
                )
            parts.append(". ".join(sentences) + ".")
            paragraph += 1
        parts.extend(notes)
        if section == 2:
            parts.append(
                '!!! facilitator "Likely difficulties"\n'
                f"    {sentence(rng, terms)}. {sentence(rng, terms)}."
            )
    return "\n\n".join(parts) + "\n"


def lesson_id(i: int) -> str:
    return f"lesson-{i + 1:04d}"


def lesson_markdown(
    rng: random.Random, i: int, keys: list[str], term_slugs: list[str], terms: list[str]
) -> str:
    lid = lesson_id(i)
    topic = TOPICS[i % len(TOPICS)]
    tags = [TAGS[i % len(TAGS)], TAGS[(i + 3) % len(TAGS)]]
    prerequisite = f"[{lesson_id(i - 1)}]" if i % 10 else "[]"
    quoted = [f'"{sentence(rng, terms)}."' for _ in range(12)]
    return f"""---
id: {lid}
title: "Session {i + 1}: {topic} and {rng.choice(ADJECTIVES).capitalize()} Organizing"
summary: >-
  {sentence(rng, terms)}. {sentence(rng, terms)}.
status: published
duration: 90
objectives:
  - {quoted[0]}
  - {quoted[1]}
  - {quoted[2]}
questions:
  - {quoted[3][:-2]}?"
  - {quoted[4][:-2]}?"
key_terms: [{", ".join(term_slugs)}]
readings:
  - key: {keys[0]}
    locator: "pp. 1–20"
    required: true
    minutes: 20
    access: library
  - key: {keys[1 % len(keys)]}
    locator: ""
    required: false
    minutes: 10
    access: open
    url: "https://example.org/reading/{lid}"
agenda:
  - {{kind: opening, minutes: 10, title: "Check-in", prompt: {quoted[5]}}}
  - {{kind: experience, minutes: 15, title: "Go-round on {topic.lower()}", prompt: {quoted[6]}}}
  - {{kind: input, minutes: 15, title: "Short talk", script: {quoted[7]}}}
  - {{kind: activity, minutes: 25, title: "Activity", activity: map-{lid}}}
  - {{kind: discussion, minutes: 20, title: "Discussion"}}
  - {{kind: closing, minutes: 5, title: "Key points and next reading"}}
discussion_questions:
  opening: [{quoted[5][:-2]}?", {quoted[6][:-2]}?"]
  analysis: [{quoted[7][:-2]}?", {quoted[8][:-2]}?"]
  application: [{quoted[9][:-2]}?", {quoted[10][:-2]}?"]
activities:
  - id: map-{lid}
    title: "Map the {topic.lower()} around you"
    minutes: 25
    grouping: small-groups
    materials: ["large paper", "markers"]
    instructions: |
      1. **Draw (5 minutes).** {sentence(rng, terms)}.
      2. **Fill it in (10 minutes).** {sentence(rng, terms)}.
      3. **Report back (10 minutes).** {sentence(rng, terms)}.
    facilitator_guidance: |
      {sentence(rng, terms)}.
key_points: [{quoted[0]}, {quoted[1]}, {quoted[2]}]
next_reading: {{key: {keys[0]}, locator: "pp. 1–20"}}
exit_question: {quoted[3]}
timing_advice: {quoted[11]}
content_notes: []
prerequisites: {prerequisite}
tags: [{", ".join(tags)}]
authors: ["Benchmark generator"]
license: CC-BY-SA-4.0
---

{lesson_body(rng, keys, terms)}"""


def glossary_yaml() -> str:
    lines = ["# Synthetic glossary for the benchmarks (bench/generate.py).", ""]
    for slug, (term, definition) in zip(term_slugs(), TERMS, strict=True):
        lines += [
            f"- slug: {slug}",
            f"  term: {term}",
            f"  definition: >-\n    {definition}",
            f"  source: {bib_key(0)}",
            "",
        ]
    return "\n".join(lines)


def term_slugs() -> list[str]:
    return [term.replace(" ", "-") for term, _ in TERMS]


def course_yaml(ids: list[str]) -> str:
    def listing(selected: list[str]) -> str:
        return "\n".join(f"      - {lid}" for lid in selected)

    core = ids[::4]
    return f"""title: "Synthetic Benchmark Course"
subtitle: "{len(ids)} generated sessions"
description: >-
  A generated curriculum used only to measure the toolchain at scale.
source: {bib_key(0)}
start_time: "18:30"
tracks:
  - id: full-course
    title: "Full course"
    description: >-
      Every generated session in order.
    lessons:
{listing(ids)}
  - id: core
    title: "Core sessions"
    description: >-
      Every fourth session.
    lessons:
{listing(core)}
  - id: intro
    title: "Introduction"
    description: >-
      The first session on its own.
    lessons:
{listing(ids[:1])}
"""


ABOUT = """---
title: About
description: About this synthetic benchmark site.
---

# About

This site was generated by `bench/generate.py` to measure the toolchain.
"""
GUIDE = """---
title: Facilitator guide
description: A placeholder facilitator guide for the benchmark site.
---

# Facilitator guide

Read each session before you run it, and keep to time.
"""


def generate_project(dest: Path, lessons: int, entries: int, seed: int = SEED) -> Project:
    """Write the project into ``dest`` (which must be empty or missing)."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    (dest / "bibliography.bib").write_text(bibliography(entries, seed), encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    hooks = dest / "hooks"
    if not hooks.exists():
        hooks.symlink_to(ROOT / "hooks", target_is_directory=True)
    docs = dest / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets", dirs_exist_ok=True)
    (docs / "about.md").write_text(ABOUT, encoding="utf-8")
    (docs / "facilitator-guide.md").write_text(GUIDE, encoding="utf-8")
    folder = dest / "curriculum" / "lessons"
    folder.mkdir(parents=True, exist_ok=True)
    per_lesson = max(1, math.ceil(entries / lessons))
    slugs, names = term_slugs(), [term for term, _ in TERMS]
    ids, words, citations = [], 0, 0
    for i in range(lessons):
        keys = [bib_key((i * per_lesson + j) % entries) for j in range(per_lesson)]
        chosen = [slugs[(3 * i + j) % len(slugs)] for j in range(3)]
        text = lesson_markdown(rng, i, keys, chosen, names)
        body = text.split("\n---\n", 1)[1]
        words += len(body.split())
        citations += body.count("[@") + body.count("[see @")
        ids.append(lesson_id(i))
        (folder / f"{lesson_id(i)}.md").write_text(text, encoding="utf-8")
    if lessons * 3 < len(slugs):
        raise ValueError(f"need at least {math.ceil(len(slugs) / 3)} lessons to use every term")
    if lessons * len(CITATION_PATTERN) < entries and per_lesson > 10:
        raise ValueError("more than 10 entries per lesson: some would never be cited")
    (dest / "curriculum" / "course.yml").write_text(course_yaml(ids), encoding="utf-8")
    (dest / "curriculum" / "glossary.yml").write_text(glossary_yaml(), encoding="utf-8")
    return Project(dest, lessons, entries, tuple(ids), words, citations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--lessons", type=int, default=10)
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    project = generate_project(args.dest, args.lessons, args.entries, args.seed)
    print(
        f"{project.lessons} lessons ({project.words / project.lessons:.0f} body words,"
        f" {project.citations / project.lessons:.0f} citations each),"
        f" {project.entries} entries -> {project.root}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
