"""Every code the checks report, and the names, anchors and hints several checks share.

:data:`CODES` is the list ``CONTRIBUTING.md`` explains; a problem's level (error or warning)
always comes from it.
"""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "E000": ("error", "YAML syntax error"),
    "E001": ("error", "a field is missing, has the wrong type or an invalid value"),
    "E002": ("error", "unknown field (often a typo)"),
    "E003": ("error", "the file cannot be read as text (binary, not UTF-8, or empty)"),
    "E004": ("error", "two lessons, or two tracks, use the same id"),
    "W005": ("warning", "a lesson's file name differs from its id"),
    "E010": ("error", "a track or a prerequisite names a lesson that does not exist"),
    "E011": ("error", "prerequisites go round in a circle"),
    "E012": ("error", "a lesson comes before its prerequisite in a track"),
    "E020": ("error", "the agenda's minutes do not add up to the duration"),
    "E021": ("error", "an agenda segment names an activity the lesson does not define"),
    "W022": ("warning", "an activity's minutes differ from its agenda segment's"),
    "E030": ("error", "a citation uses a key that is not in bibliography.bib"),
    "E031": ("error", "a reading's or the next reading's key is not in bibliography.bib"),
    "E032": (
        "error",
        "a glossary term's, a handout's or the course's source is not in bibliography.bib",
    ),
    "W033": ("warning", "an @word close to a bibliography key, but not one (it prints as written)"),
    "W034": ("warning", "a citation written in a form the site cannot read (it prints as written)"),
    "E040": ("error", "a key term is not in the glossary"),
    "W041": ("warning", "a glossary term that no lesson lists in key_terms"),
    "E050": ("error", "an unknown or wrongly capitalised admonition (box) name"),
    "E051": ("error", "an admonition (box) with no indented text under it"),
    "E060": ("error", "malformed BibTeX"),
    "E061": ("error", "unbalanced braces in BibTeX"),
    "W062": ("warning", "two bibliography entries use the same key (the first is used)"),
    "W063": ("warning", "a bibliography entry lacks a field its type needs"),
    "W064": ("warning", "a bibliography entry that nothing cites"),
    "W065": ("warning", "an undefined @string macro in the bibliography (read as empty)"),
    "W066": ("warning", "a crossref to an entry that does not exist (ignored)"),
    "W067": ("warning", "a field given twice in one bibliography entry (the first is used)"),
    "W068": ("warning", "an item without an id in a CSL bibliography (skipped)"),
    "E070": ("error", "unsafe HTML or a javascript: address"),
    "E071": ("error", "a picture, video, style or font loaded from another host"),
    "E072": ("error", "an invisible bidirectional control character"),
    "E073": ("error", "a character none of the bundled fonts can print"),
    "W080": ("warning", "placeholder text (TODO) left in a published lesson"),
    "A101": ("error", "a link to a page or file that does not exist"),
    "A102": ("error", "a link to a section (#anchor) that does not exist"),
    "A103": ("warning", "an image without a description (alt text)"),
    "A104": ("warning", "link text that does not say where the link goes"),
    "A105": ("warning", "an http:// link (use https://)"),
    "A110": ("warning", "a heading skips a level"),
    "A111": ("warning", "a top-level (#) heading inside a lesson"),
}
"""Every code ``check_project`` can report: code -> (level, what it means)."""

ADMONITIONS = ("facilitator", "note", "example", "quote", "tip", "warning", "content-note")
"""Admonition (box) names lessons and pages may use, exactly as written (lower case)."""

UNINFORMATIVE = {
    "click here",
    "here",
    "link",
    "this link",
    "this page",
    "read more",
    "more",
    "click",
    "this",
}

LESSON_TEMPLATE_ANCHORS = {
    # Headings that hooks/templates/lesson.md.j2 writes around the lesson body.
    "what-you-will-learn",
    "framing-questions",
    "before-the-session-readings",
    "discussion-questions",
    "opening-questions",
    "analysis-questions",
    "application-questions",
    "activity",
    "activities",
    "primary-sources",
    "key-points",
    "closing",
    "key-terms",
    "facilitator-notes",
    "session-plan",
    "sources",
}
GENERATED_PAGES = ("index.md", "glossary.md", "tags.md", "bibliography.md")
"""Pages hooks/site.py writes itself (besides lessons/ID.md and tracks/ID.md)."""

UNKNOWN_KEY_HINT = (
    "No entry in bibliography.bib has this key (the name after '@book{', '@online{' ...). "
    "Check the spelling, or add an entry for the work (CONTRIBUTING.md, 'Citing a source')."
)
