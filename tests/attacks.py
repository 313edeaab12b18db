"""Attacks on the site's output, shared by tests/test_safety.py and the browser test: put
script payloads into every field that reaches a page or a packet, build the site without the
raw-markup check (E070, which would stop the build first), and find what a browser would run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tinyhtml5
import yaml

from hooks.safety import url_scheme

ROOT = Path(__file__).resolve().parent.parent
LESSON = "curriculum/lessons/care-work.md"

# Each payload tries to run `alert(N)`; N says which attack got through.
ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda markup: markup,
    "entities": lambda markup: (
        markup.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("=", "&#61;")
    ),
    "numeric": lambda markup: re.sub(r'[<>"=]', lambda m: f"&#{ord(m[0])};", markup),
}
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    'x"><svg/onload=alert(2)>',
    "<script>alert(3)</script>",
    "<details/open/ontoggle=alert(4)>",
)
BODY_ATTACKS = """
![pic](data:,x){ onerror="alert(11)" }

A paragraph with a handler.
{: onclick="alert(12)" }

## A heading with a handler { onclick="alert(13)" }

[entity scheme](&#106;avascript:alert(14)) and <a href="java&#9;script:alert(15)">tab</a>
and <a href="java
script:alert(16)">newline</a> and <a href="JaVaScRiPt:alert(17)">case</a>.

<details/open/ontoggle=alert(18)><summary>s</summary>d</details>
"""
URL_ATTACKS = {
    "reading url breaking out into attr_list": 'https://a.example/){ onmouseover="alert(21)" }(',
    "reading url javascript": "javascript:alert(22)",
    "reading url entity": "&#106;avascript:alert(23)",
}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href"}


def payload(encoding: str) -> str:
    return " ".join(ENCODINGS[encoding](markup) for markup in PAYLOADS)


def attack(project: Path, encoding: str) -> None:
    """Put the payloads into every field of a lesson, the course, the glossary and the
    bibliography that reaches a page or a packet."""
    bad = payload(encoding)
    lesson = project / LESSON
    _, front, body = lesson.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    meta["title"] = f"Care {bad}"
    meta["summary"] = f"Summary {bad}"
    meta["objectives"][0] = f"Define {bad}"
    meta["questions"][0] = f"Who {bad}?"
    meta["readings"][0].update(locator=f"p. 1 {bad}", note=f"Note {bad}")
    meta["readings"][0]["url"] = URL_ATTACKS["reading url breaking out into attr_list"]
    meta["readings"][1]["url"] = URL_ATTACKS["reading url javascript"]
    meta["readings"][2]["url"] = URL_ATTACKS["reading url entity"]
    meta["agenda"][1]["title"] = f"Pairs {bad}"
    meta["discussion_questions"]["opening"][0] = f"Opening {bad}?"
    activity = meta["activities"][0]
    activity.update(title=f"Audit {bad}", instructions=f"Do it {bad}")
    activity["materials"] = [f"Paper {bad}"]
    activity["facilitator_guidance"] = f"Guide {bad}"
    meta["timing_advice"] = f"Cut {bad}"
    meta["content_notes"] = [f"harm {bad}"]
    meta["tags"] = [f"care {bad}"]
    meta["authors"] = [f"Author {bad}"]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    lesson.write_text(f"---\n{front}---\n{body}\n{BODY_ATTACKS}\n", encoding="utf-8")

    course_path = project / "curriculum/course.yml"
    course = yaml.safe_load(course_path.read_text(encoding="utf-8"))
    course.update(title=f"Course {bad}", subtitle=f"Sub {bad}", description=f"About {bad}")
    course["tracks"][0].update(title=f"Track {bad}", description=f"Track about {bad}")
    course_path.write_text(yaml.safe_dump(course, sort_keys=False, allow_unicode=True))

    glossary_path = project / "curriculum/glossary.yml"
    glossary = yaml.safe_load(glossary_path.read_text(encoding="utf-8"))
    glossary[0]["definition"] = f"Pooling {bad}"
    glossary[1]["term"] = f"{glossary[1]['term']} {bad}"
    glossary_path.write_text(yaml.safe_dump(glossary, sort_keys=False, allow_unicode=True))

    bib = project / "bibliography.bib"
    text = bib.read_text(encoding="utf-8")
    text = text.replace(
        "url          = {https://www.blackrosefed.org/blog/},",
        "url          = {java{}script:alert(31)},",
        1,
    )
    text = text.replace(
        "title        = {Survival of the Organized: Critical",
        "title        = {Survival <img src=x onerror=alert(32)> of the Organized: Critical",
        1,
    )
    bib.write_text(text, encoding="utf-8")


def build_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Build ``project`` in this process, without the checks' raw-markup errors."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import hooks.site

    real = hooks.site.checked

    def without_markup_errors(*args, **kwargs):
        report = real(*args, **kwargs)
        report.problems = [p for p in report.problems if p.code not in {"E070", "A101"}]
        return report

    monkeypatch.setattr(hooks.site, "checked", without_markup_errors)
    monkeypatch.setenv("PACKETS", "off")
    monkeypatch.chdir(project)
    site = project / "site-out"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)
    config.plugins._current_plugin = None
    build(config)
    return site


def elements(html: str) -> Iterator[object]:
    return tinyhtml5.parse(html).iter()


def unsafe_in(html: str) -> list[str]:
    """Everything in a page that would run a script or follow an unsafe link."""
    found = []
    for element in elements(html):
        tag = str(element.tag).rpartition("}")[2]
        for name, value in element.attrib.items():
            name = str(name).rpartition("}")[2].lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                urls = value.split(",") if name == "srcset" else [value]
                found += [f"<{tag} {name}={u!r}>" for u in urls if not _page_safe(u.strip())]
        if tag == "script" and "alert(" in (element.text or ""):
            found.append(f"<script>{element.text}</script>")
        if tag in {"iframe", "object", "embed"}:
            found.append(f"<{tag}>")
    return found


def _page_safe(url: str) -> bool:
    return url_scheme(url) in {None, "https", "http", "mailto"} or url.startswith("data:image/")
