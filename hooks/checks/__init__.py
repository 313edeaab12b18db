"""Check every source file of the curriculum and report each problem with its file, line and column.

``check_project(root)`` is the one entry point. It runs the loader (front matter, course,
glossary) and then the checks the model cannot express: citations against ``bibliography.bib``,
the glossary, Markdown links, headings and admonitions, unsafe HTML, and the structure of the
BibTeX file itself. It never raises for bad input: every problem, however malformed the file,
comes back as a :class:`~hooks.loader.Problem` in the :class:`Report`.

The build (``hooks/site.py``) calls it first and stops on errors; contributors run it as
``make check`` or ``curriculum check``. Codes and what to do about them are listed in
:data:`CODES` and explained in ``CONTRIBUTING.md``.

The checks are split by concern; each module imports only those above it in this list:

- :mod:`~hooks.checks.codes`: :data:`CODES` (every code, its level and meaning) and the names,
  anchors and hints several checks share.
- :mod:`~hooks.checks.report`: :class:`Report`, and printing a problem for people
  (:func:`format_problem`) or as a GitHub annotation (:func:`github_annotation`).
- :mod:`~hooks.checks.text`: offsets to ``line:column`` (:class:`Lines`, :class:`Source`),
  masking code (:func:`mask_code`), citations in any text (:func:`find_citations`) and unsafe
  HTML (:func:`unsafe_html`).
- :mod:`~hooks.checks.markdown`: links, images, headings, admonition boxes, and the anchors of
  the site's pages (:class:`Site`).
- :mod:`~hooks.checks.yamlnodes`: finding values in composed YAML, and YAML syntax errors
  explained in plain words (:func:`explain_yaml_error`).
- :mod:`~hooks.checks.loading`: running the loader and making its problems precise, and reading
  each lesson and page for the checks.
- :mod:`~hooks.checks.bibtex`: :class:`BibScanner` and the checks of the bibliography file.
- :mod:`~hooks.checks.project`: :func:`check_project` itself, the checks of each lesson, page and
  YAML file, and the checks across files (citation keys, unused entries and glossary terms,
  prerequisite cycles, file names).
"""

from __future__ import annotations

from hooks.checks.bibtex import BibEntry, BibField, BibScanner, unsafe_html_fields
from hooks.checks.codes import ADMONITIONS, CODES
from hooks.checks.markdown import Site, anchors_of, heading_text, markdown_problems
from hooks.checks.project import check_project
from hooks.checks.report import Report, format_problem, github_annotation
from hooks.checks.text import Citation, Lines, Source, find_citations, mask_code, unsafe_html
from hooks.checks.yamlnodes import explain_yaml_error

__all__ = [
    "ADMONITIONS",
    "CODES",
    "BibEntry",
    "BibField",
    "BibScanner",
    "Citation",
    "Lines",
    "Report",
    "Site",
    "Source",
    "anchors_of",
    "check_project",
    "explain_yaml_error",
    "find_citations",
    "format_problem",
    "github_annotation",
    "heading_text",
    "markdown_problems",
    "mask_code",
    "unsafe_html",
    "unsafe_html_fields",
]
