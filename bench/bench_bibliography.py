"""Time loading a synthetic 5,000-entry bibliography, cold (parse) and warm (disk cache).

    .venv/bin/python bench/bench_bibliography.py [ENTRIES]

Writes the .bib and the cache into a temporary folder, then runs each load in a fresh Python
process so neither the process memo nor warmed imports flatter the numbers. The warm load
should stay under 100 ms for 5,000 entries.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIVEN = [
    "Dean",
    "Silvia",
    "Mariame",
    "Frantz",
    "Rosa",
    "Angela",
    "Walter",
    "Ruth",
    "Jos{\\'e}",
    'J{\\"u}rgen',
    "Ng{\\~u}g{\\~\\i}",
    "Fran{\\c{c}}oise",
    "{\\O}ystein",
]
FAMILY = [
    "Spade",
    "Federici",
    "Kaba",
    "Fanon",
    "Luxemburg",
    "Davis",
    "Rodney",
    "Gilmore",
    "Mari{\\'a}tegui",
    "Habermas",
    "wa Thiong'o",
    "Corr{\\^e}a",
    "{\\v{S}}t{\\v{e}}p{\\'a}n",
]
WORDS = [
    "organizing", "mutual", "aid", "solidarity", "crisis", "labor", "power", "movement",
    "capital", "state", "abolition", "struggle", "history", "theory", "practice",
]  # fmt: skip
PUBLISHERS = ["Verso", "PM Press", "Haymarket Books", "Pluto Press", "AK Press"]

TIMER = """
import sys, time
from hooks.bibliography import Bibliography
start = time.perf_counter()
bib = Bibliography.load(sys.argv[1], sys.argv[2])
print(f"{(time.perf_counter() - start) * 1000:.1f} {len(bib)}")
"""


def title(rng: random.Random) -> str:
    text = " ".join(rng.sample(WORDS, 5)).capitalize()
    if rng.random() < 0.3:
        text = "{" + text.split()[0] + "} " + " ".join(text.split()[1:])
    if rng.random() < 0.2:
        text += " \\emph{" + rng.choice(WORDS) + "} -- " + rng.choice(WORDS)
    return text


def people(rng: random.Random, count: int) -> str:
    return " and ".join(f"{rng.choice(FAMILY)}, {rng.choice(GIVEN)}" for _ in range(count))


def load_time(bib: Path, cache: Path) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", TIMER, str(bib), str(cache)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    from generate import bibliography  # not at the top: generate.py imports this module

    with tempfile.TemporaryDirectory() as tmp:
        bib, cache = Path(tmp) / "synthetic.bib", Path(tmp) / "cache"
        bib.write_text(bibliography(count), encoding="utf-8")
        size = bib.stat().st_size / 1024
        cold, loaded = load_time(bib, cache)
        warm = min(load_time(bib, cache)[0] for _ in range(5))
        print(f"{loaded} entries ({size:.0f} KB)")
        print(f"cold load (pybtex parse + write cache): {cold:8.1f} ms")
        print(f"warm load (cache hit, best of 5):       {warm:8.1f} ms")
        if warm >= 100:
            print("warm load is over the 100 ms budget", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
