"""Render any .bib side by side with Pandoc's CSL output and count identical / differing notes.

    bench/.venv/bin/python bench/compare_pandoc.py BIB --csl STYLE.csl [--pandoc PATH] [--diff]

For each entry, a full note (no locator) and a short note (locator 12) are made by our
formatter (hooks.chicago) and by Pandoc's citeproc with the given CSL style (the CMOS 17 one:
``chicago-notes-bibliography-17th-edition.csl`` from citation-style-language/styles). Pandoc
comes from the ``pypandoc-binary`` wheel, a bench-only dependency (bench/requirements.txt),
never a runtime one. Notes are compared as plain text (italics dropped, spaces collapsed).
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hooks.bibliography import Bibliography  # noqa: E402
from hooks.chicago import Chicago, parse_locator  # noqa: E402


def _plain(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\s+", " ", text).strip()


def pandoc_notes(bib: Path, keys: list[str], csl: Path, pandoc: str) -> dict[str, tuple[str, str]]:
    """Full and short note per key from one Pandoc run: every key cited once, then every key
    again with a locator (so no citation directly follows one of the same work)."""
    first = "\n\n".join(f"Text.[@{k}]" for k in keys)
    later = "\n\n".join(f"Text.[@{k}, 12]" for k in keys)
    markdown = first + "\n\n" + later + "\n"
    out = subprocess.run(
        [pandoc, "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc",
         "--bibliography", str(bib), "--csl", str(csl), "-M", "suppress-bibliography=true"],
        input=markdown, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    notes = dict(re.findall(r"^\[(\d+)\] (.*)$", out, re.M))
    texts = [_plain(notes.get(str(i + 1), "")) for i in range(2 * len(keys))]
    return {k: (texts[i], texts[len(keys) + i]) for i, k in enumerate(keys)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bib", type=Path)
    parser.add_argument("--csl", type=Path, required=True)
    parser.add_argument("--pandoc", default="")
    parser.add_argument("--diff", action="store_true", help="print every differing pair")
    args = parser.parse_args()
    pandoc = args.pandoc
    if not pandoc:
        import pypandoc  # bench-only

        pandoc = pypandoc.get_pandoc_path()
    bib = Bibliography.load(args.bib)
    keys = list(bib)
    theirs = pandoc_notes(args.bib, keys, args.csl, pandoc)
    chicago = Chicago("chicago-17")
    same = differ = 0
    for key in keys:
        ours = (
            _plain(chicago.full_note(bib[key])),
            _plain(chicago.short_note(bib[key], parse_locator("12")[0])),
        )
        for form, a, b in zip(("full", "short"), ours, theirs[key], strict=True):
            if a == b:
                same += 1
            else:
                differ += 1
                if args.diff:
                    print(f"{key} [{form}]\n  ours:   {a}\n  pandoc: {b}")
    print(f"{args.bib.name}: {len(keys)} entries, {same} notes identical, {differ} differ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
