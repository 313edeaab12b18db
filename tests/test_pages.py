"""Pieces of hooks/pages.py that the site tests do not reach with the real curriculum."""

from __future__ import annotations

from hooks.pages import environment, theme_label


def test_a_theme_written_as_a_slug_reads_as_words() -> None:
    assert theme_label("mutual-aid") == "Mutual aid"
    assert theme_label("strategy") == "Strategy"


def test_a_theme_written_as_words_keeps_its_capitals() -> None:
    assert theme_label("Black Panther Party") == "Black Panther Party"
    assert theme_label("Repression and co-optation") == "Repression and co-optation"


def test_lesson_pages_label_their_themes() -> None:
    template = environment().from_string("{{ tag | theme_label | yaml_str }}")
    assert template.render(tag="labor-history") == '"Labor history"'
