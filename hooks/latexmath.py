# ruff: noqa: RUF001  (Unicode look-alikes are the point of this module)
"""LaTeX math in titles (``$\\chi\\acute{\\omega}$``, ``{${'}$}``) as the Unicode it stands for.

Titles use math mode for Greek words, primes used as apostrophes, degrees and the like; none of
it needs a math renderer, only the characters. Anything not known keeps its letters, never the
backslashes and braces.
"""

from __future__ import annotations

import re
import unicodedata

# fmt: off
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "rho": "ρ",
    "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
}
_SYMBOLS = {
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥",
    "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "infty": "∞", "circ": "°",
    "rightarrow": "→", "to": "→", "leftarrow": "←", "leftrightarrow": "↔", "ldots": "…",
    "cdots": "⋯", "prime": "′", "degree": "°", "partial": "∂", "sum": "∑", "int": "∫",
    "sqrt": "√", "in": "∈", "ell": "ℓ", "hbar": "ℏ", "star": "⋆", "ast": "∗", "%": "%",
    "S": "§", "dagger": "†", "mathrm": "", "mathit": "", "mathbf": "", "text": "",
    "textrm": "", "mathsf": "", "mathtt": "", "mathcal": "", "operatorname": "",
}
_ACCENTS = {
    "acute": "\u0301", "grave": "\u0300", "hat": "\u0302", "tilde": "\u0303", "bar": "\u0304",
    "breve": "\u0306", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c", "vec": "\u20d7",
}
# fmt: on
_TOKEN = re.compile(r"\\([A-Za-z]+|.)\s*|(\{|\})|([^\\{}]+)")


def decode_math(math: str) -> str:
    """The text of a math-mode span (without its ``$``), in Unicode."""
    out: list[str] = []
    accent: str | None = None
    depth_at_accent = -1
    depth = 0
    for m in _TOKEN.finditer(math):
        command, brace, text = m.groups()
        if brace == "{":
            depth += 1
            continue
        if brace == "}":
            depth -= 1
            if accent and depth == depth_at_accent:
                out.append(accent)
                accent = None
            continue
        piece = ""
        if command is not None:
            if command in _ACCENTS:
                accent, depth_at_accent = _ACCENTS[command], depth
                continue
            piece = _GREEK.get(command) or _SYMBOLS.get(
                command, command if len(command) == 1 else ""
            )
        elif text is not None:
            piece = text.replace("'", "\u2019").replace("^", "").replace("_", "")
        if accent and piece and depth == depth_at_accent:  # \acute o: accent on one character
            piece, accent = piece[0] + accent + piece[1:], None
        out.append(piece)
    return unicodedata.normalize("NFC", "".join(out)).strip()
