"""Render any .bib through biblatex-chicago (notes) and our formatter; count identical notes.

    .venv/bin/python bench/compare_biblatex_chicago.py BIB [BIB...] [--diff] [--keep DIR]

biblatex-chicago (David Fussell's CMOS 17 package for biblatex, ``texlive-bibtex-extra`` in
Debian) is the reference implementation of the Manual in TeX. For each entry of a type our
style has a form for, a first note (no locator) and a short note (locator 12) are typeset by
``pdflatex`` + ``biber`` + ``pdflatex``: every key cited once, then every key again, so no
citation directly follows one of the same work (no "Ibid."). Each note sits alone on its own
very wide page, so ``pdftotext`` gives it back as one line. Our side is :class:`Chicago`'s
full and short notes, both compared as plain text (italics dropped, spaces collapsed,
ligatures unfolded). Needs TeX (pdflatex, biber, biblatex-chicago) and poppler's pdftotext on
PATH; nothing TeX writes is kept unless ``--keep`` names a folder.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hooks.bibliography import Bibliography  # noqa: E402
from hooks.chicago import Chicago, parse_locator  # noqa: E402
from hooks.chicago.entry import canonical  # noqa: E402
from hooks.chicago.style import FAMILIES  # noqa: E402

DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[american]{babel}
\usepackage{csquotes}
\usepackage[notes,backend=biber,compresspages]{biblatex-chicago}
\addbibresource{%(bib)s}
\pdfpagewidth=300cm \pdfpageheight=20cm
\textwidth=290cm \textheight=15cm \hoffset=-1in \voffset=-1in
\oddsidemargin=5mm \topmargin=5mm \headheight=0pt \headsep=0pt
\hyphenpenalty=10000 \exhyphenpenalty=10000 \pagestyle{empty}
\begin{document}
%(body)s
\end{document}
"""


def plain(text: str) -> str:
    """Both sides as comparable text: no markup, ligatures unfolded, one space."""
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def biblatex_notes(bib: Path, keys: list[str], keep: Path | None) -> dict[str, tuple[str, str]]:
    """First and short note per key, from one TeX run (one note per page)."""
    work = Path(tempfile.mkdtemp(prefix="bbx-chicago-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(bib, work / "refs.bib")
    cites = [f"Text.\\autocite{{{k}}}\\clearpage" for k in keys]
    cites += [f"Text.\\autocite[12]{{{k}}}\\clearpage" for k in keys]
    (work / "notes.tex").write_text(DOCUMENT % {"bib": "refs.bib", "body": "\n".join(cites)})
    run = {"cwd": work, "capture_output": True, "text": True}
    latex = ["pdflatex", "-interaction=nonstopmode", "notes.tex"]
    subprocess.run(latex, **run)  # type: ignore[call-overload]
    subprocess.run(["biber", "--quiet", "notes"], **run)  # type: ignore[call-overload]
    subprocess.run(latex, **run)  # type: ignore[call-overload]
    if not (work / "notes.pdf").exists():
        raise SystemExit(f"pdflatex made no PDF; see {work / 'notes.log'}")
    subprocess.run(["pdftotext", "-enc", "UTF-8", "notes.pdf", "notes.txt"], **run, check=True)  # type: ignore[call-overload]
    pages = (work / "notes.txt").read_text(encoding="utf-8").split("\f")
    texts = []
    for page in pages[: 2 * len(keys)]:
        lines = [line for line in page.splitlines() if line.strip()]
        note = " ".join(lines[1:])  # line 1 is "Text.1"; the footnote follows
        texts.append(plain(re.sub(r"^\d+\.?\s*", "", note)))
    if keep is None:
        shutil.rmtree(work)
    texts += [""] * (2 * len(keys) - len(texts))
    return {k: (texts[i], texts[len(keys) + i]) for i, k in enumerate(keys)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bibs", type=Path, nargs="+")
    parser.add_argument("--diff", action="store_true", help="print every differing pair")
    parser.add_argument("--keep", type=Path, help="keep the TeX run in this folder")
    args = parser.parse_args()
    for tool in ("pdflatex", "biber", "pdftotext"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found: install TeX Live (biblatex-chicago) and poppler")
    totals = {"full": [0, 0], "short": [0, 0]}
    for path in args.bibs:
        bib = Bibliography.load(path)
        keys = [k for k in bib if canonical(bib[k]).type in FAMILIES]
        skipped = len(bib) - len(keys)
        theirs = biblatex_notes(path, keys, args.keep)
        chicago = Chicago("chicago-17")
        counts = {"full": [0, 0], "short": [0, 0]}
        for key in keys:
            ours = (
                plain(chicago.full_note(bib[key])),
                plain(chicago.short_note(bib[key], parse_locator("12")[0])),
            )
            for form, a, b in zip(("full", "short"), ours, theirs[key], strict=True):
                same = a == b
                counts[form][0 if same else 1] += 1
                totals[form][0 if same else 1] += 1
                if not same and args.diff:
                    print(f"{key} [{form}]\n  ours:    {a}\n  biblatex: {b}")
        print(
            f"{path.name}: {len(keys)} entries ({skipped} of other types skipped); "
            f"first notes {counts['full'][0]} identical, {counts['full'][1]} differ; "
            f"short notes {counts['short'][0]} identical, {counts['short'][1]} differ"
        )
    if len(args.bibs) > 1:
        print(
            f"all: first notes {totals['full'][0]}/{sum(totals['full'])}, "
            f"short notes {totals['short'][0]}/{sum(totals['short'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
