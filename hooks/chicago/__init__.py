"""Chicago notes-bibliography (CMOS 17, or 18 with ``edition: chicago-18``).

The package, by concern: :mod:`.entry` maps BibTeX/biblatex/Better BibTeX fields into one
vocabulary; :mod:`.terms` holds CMOS terms and biblatex's localisation keys; :mod:`.names`,
:mod:`.dates`, :mod:`.titles` and :mod:`.locators` format one kind of datum each;
:mod:`.punctuation` is the one joiner; :mod:`.style` has one template per entry type and form.
"""

from hooks.chicago.dates import format_date
from hooks.chicago.locators import LOCATOR_TERMS, Locator, page_range, parse_locator
from hooks.chicago.punctuation import join, punctuate, quoted
from hooks.chicago.style import _STYLES, EDITIONS, Chicago, Edition, Form, NoteItem, style
from hooks.chicago.titles import shorten

__all__ = [  # _STYLES: the shared instances, which bench/run.py clears between runs
    "EDITIONS",
    "LOCATOR_TERMS",
    "_STYLES",
    "Chicago",
    "Edition",
    "Form",
    "Locator",
    "NoteItem",
    "format_date",
    "join",
    "page_range",
    "parse_locator",
    "punctuate",
    "quoted",
    "shorten",
    "style",
]
