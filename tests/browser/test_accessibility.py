"""Accessibility: axe-core on every page, in the light and the dark scheme.

axe runs once per page and scheme with the WCAG 2.0/2.1/2.2 A and AA rules and axe's
best-practice rules; collapsed facilitator notes are opened first so their text is checked too.
Besides every page as it loads, five states are audited: search results open (on a desktop
and on a phone), the mobile drawer open, a glossary tooltip and a note tooltip shown.
Violations fail the test; no rule is disabled.
A summary (rules run, pages, incomplete checks) goes to test-artifacts/browser/axe.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browserkit import DRAWER_BUTTON, MOBILE, full_track, goto, search

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BEST_PRACTICE = ["best-practice"]
SCHEMES = {"light": "default", "dark": "slate"}

# Starts axe without waiting for it, so several tabs (separate renderer processes) audit at
# once; FINISH_AXE then collects the summary.
START_AXE = """tags => {
    window.__axeResult = axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    }).then(result => {
        const ids = list => list.map(rule => rule.id);
        return {
            ran: [...ids(result.passes), ...ids(result.violations), ...ids(result.incomplete),
                  ...ids(result.inapplicable)],
            incomplete: ids(result.incomplete),
            violations: result.violations.map(rule => ({
                id: rule.id, impact: rule.impact, tags: rule.tags,
                nodes: rule.nodes.slice(0, 5).map(node => ({
                    target: node.target.join(' '), summary: node.failureSummary})),
            })),
        };
    });
}"""
FINISH_AXE = "() => window.__axeResult"
TABS_PER_SCHEME = 2


def start_audit(page: Any, axe_js: Path) -> None:
    page.add_script_tag(path=str(axe_js))
    page.evaluate(START_AXE, WCAG + BEST_PRACTICE)


def open_all_details(page: Any) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def _search_open(page: Any) -> None:
    goto(page, "", wait_until="load")
    search(page, "mutual aid")


def _drawer_open(page: Any) -> None:
    goto(page, f"lessons/{full_track()[0]}/", wait_until="load")
    page.locator(DRAWER_BUTTON).click()
    page.wait_for_function("document.getElementById('__drawer').checked")
    page.wait_for_timeout(300)  # let the slide-in transition finish before colours are read


def _glossary_tooltip(page: Any) -> None:
    goto(page, f"lessons/{full_track()[0]}/", wait_until="load")
    page.locator("article p abbr, article li abbr").first.hover()
    page.locator(".md-tooltip2--active").first.wait_for(state="visible")


def _note_tooltip(page: Any) -> None:
    goto(page, f"lessons/{full_track()[0]}/", wait_until="load")
    page.locator("article a.footnote-ref").first.hover()
    page.locator(".md-tooltip2--active").first.wait_for(state="visible")


STATES: dict[str, tuple[dict[str, Any], Callable[[Any], None]]] = {
    "search results open": ({}, _search_open),
    "search results open on a phone": (MOBILE, _search_open),
    "mobile drawer open": (MOBILE, _drawer_open),
    "glossary tooltip shown": ({}, _glossary_tooltip),
    "note tooltip shown": ({}, _note_tooltip),
}


def audit_pages(
    browser: Any, base_url: str, pages: list[str], axe_js: Path
) -> dict[tuple[str, str], dict[str, Any]]:
    """Audit every page in both schemes, a few tabs at a time."""
    contexts, tabs = [], []
    for scheme in SCHEMES:
        context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}, color_scheme=scheme
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        tabs += [(scheme, context.new_page()) for _ in range(TABS_PER_SCHEME)]
    jobs = {scheme: list(pages) for scheme in SCHEMES}
    results: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        while any(jobs.values()):
            running = [(scheme, tab, jobs[scheme].pop(0)) for scheme, tab in tabs if jobs[scheme]]
            for _, tab, path in running:
                tab.goto(path, wait_until="commit")
            for scheme, tab, _ in running:
                tab.wait_for_load_state("load")
                tab.evaluate("document.fonts.ready")
                assert tab.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
                open_all_details(tab)
                start_audit(tab, axe_js)
            for scheme, tab, path in running:
                results[(scheme, path or "/")] = tab.evaluate(FINISH_AXE)
    finally:
        for context in contexts:
            context.close()
    return results


@pytest.fixture(scope="session")
def axe_results(
    browser: Any, base_url: str, pages: list[str], axe_js: Path, artifacts: Path
) -> dict[tuple[str, str], dict[str, Any]]:
    results = audit_pages(browser, base_url, pages, axe_js)
    for scheme in SCHEMES:
        for state, (options, prepare) in STATES.items():
            context = browser.new_context(
                base_url=base_url,
                **{"viewport": {"width": 1280, "height": 900}, **options},
                color_scheme=scheme,
            )
            context.set_default_timeout(30_000)
            page = context.new_page()
            prepare(page)
            start_audit(page, axe_js)
            results[(scheme, state)] = page.evaluate(FINISH_AXE)
            context.close()

    ran = sorted({rule for result in results.values() for rule in result["ran"]})
    summary = {
        "rules_run": len(ran),
        "rules": ran,
        "audits": len(results),
        "pages": len(pages),
        "schemes": list(SCHEMES),
        "states": list(STATES),
        "incomplete": sorted(
            {
                f"{rule} ({key[0]}, {key[1]})"
                for key, r in results.items()
                for rule in r["incomplete"]
            }
        ),
        "violations": {
            f"{key[0]} {key[1]}": r["violations"] for key, r in results.items() if r["violations"]
        },
    }
    (artifacts / "axe.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return results


def violations(
    results: dict[tuple[str, str], dict[str, Any]], wanted: Callable[[list[str]], bool]
) -> dict[str, list[dict[str, Any]]]:
    return {
        f"{scheme} {where}": found
        for (scheme, where), result in results.items()
        if (found := [rule for rule in result["violations"] if wanted(rule["tags"])])
    }


# Best-practice findings that come from Material's own script, not from this site's pages or
# templates, and that a block override cannot reach: Material appends glossary tooltips to
# <body>, outside every landmark ('region'). Matched by rule and element, so anything else
# fails.
MATERIAL_RUNTIME = {
    "region": "#__tooltip2_",
}


def _known(rule: dict[str, Any]) -> bool:
    marker = MATERIAL_RUNTIME.get(rule["id"])
    return bool(marker) and all(marker in node["target"] for node in rule["nodes"])


def test_axe_finds_no_violation_on_any_page_in_either_scheme(
    axe_results: dict[tuple[str, str], dict[str, Any]], pages: list[str]
) -> None:
    """WCAG 2.2 AA (A and AA rules of WCAG 2.0, 2.1 and 2.2) everywhere, and axe's best
    practice everywhere except the known Material findings above, in the interactive states.
    One test, so that however pytest-xdist distributes tests, axe runs once per session."""
    assert len(axe_results) == len(SCHEMES) * (len(pages) + len(STATES))
    ran = {rule for result in axe_results.values() for rule in result["ran"]}
    print(f"axe ran {len(ran)} rules in {len(axe_results)} audits")
    assert len(ran) > 50, "axe ran suspiciously few rules"

    wcag = violations(axe_results, lambda tags: bool(set(tags) & set(WCAG)))
    practice = violations(axe_results, lambda tags: not set(tags) & set(WCAG))
    practice = {
        where: unknown
        for where, rules in practice.items()
        if (
            unknown := rules
            if where.split(" ", 1)[1] not in STATES
            else [rule for rule in rules if not _known(rule)]
        )
    }
    assert {"wcag": wcag, "best-practice": practice} == {"wcag": {}, "best-practice": {}}
