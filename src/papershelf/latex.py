"""LaTeX in titles and abstracts, shown as Unicode: ``$\\times$`` -> ×, ``\\alpha`` -> α, ``x^2`` -> x².

Two kinds of input:

* Real LaTeX (arXiv, BibTeX): ``$...$`` math and backslash macros. A backslash macro is never
  prose, so every known one is converted wherever it is; ``^``/``_`` scripts only inside math.
* Page text pasted from Hugging Face, where the backslashes are gone: "30times larger",
  "sim0.6 point", "5.7\\% rightarrow 25.4\\%", "mathcal{O}", "10^{19}". Only spellings no
  English word has are repaired (see :data:`REPAIRS`): ``times`` right after a digit, ``sim``
  right before one, ``pm`` between digits, the arrow names as whole words, ``mathcal{..}``-style
  groups, ``^`` followed by a digit or a braced group. "sometimes", "three times", "simple" and
  "similar" stay as they are.

:func:`to_unicode` is for display only: the stored text (and so the search) keeps the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

SYMBOLS = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # operators and relations
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "sim": "~", "approx": "≈",
    "simeq": "≃", "cong": "≅", "equiv": "≡", "neq": "≠", "ne": "≠", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "ll": "≪", "gg": "≫", "propto": "∝", "infty": "∞", "partial": "∂",
    "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "sqrt": "√", "circ": "∘", "oplus": "⊕",
    "otimes": "⊗", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪",
    "cap": "∩", "forall": "∀", "exists": "∃", "neg": "¬", "wedge": "∧", "vee": "∨",
    "emptyset": "∅", "ldots": "…", "cdots": "⋯", "dots": "…", "star": "⋆", "dagger": "†",
    "top": "⊤", "perp": "⊥", "mid": "∣", "|": "‖", "prime": "′", "ell": "ℓ", "hbar": "ℏ",
    # arrows
    "rightarrow": "→", "to": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺",
    "longrightarrow": "⟶", "longleftarrow": "⟵", "mapsto": "↦", "uparrow": "↑",
    "downarrow": "↓",
    # escapes
    "%": "%", "&": "&", "#": "#", "_": "_", "$": "$", "{": "{", "}": "}", ",": " ", ";": " ",
    "quad": " ", "qquad": "  ", "!": "", " ": " ",
}  # fmt: skip

_SUPERSCRIPT = dict(
    zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ", strict=True)
)
_SUBSCRIPT = dict(zip("0123456789+-=()aeiojrxnmt", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₒⱼᵣₓₙₘₜ", strict=True))


def _alphabet(
    base: int, digits: int | None = None, exceptions: dict[str, str] | None = None
) -> dict[str, str]:
    """Mathematical alphanumeric letters starting at ``base`` (A-Z then a-z)."""
    table = {chr(ord("A") + i): chr(base + i) for i in range(26)}
    table |= {chr(ord("a") + i): chr(base + 26 + i) for i in range(26)}
    if digits is not None:
        table |= {str(d): chr(digits + d) for d in range(10)}
    table |= exceptions or {}
    return table


_CALLIGRAPHIC = _alphabet(
    0x1D49C,
    exceptions={"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
                "e": "ℯ", "g": "ℊ", "o": "ℴ"},
)  # fmt: skip
_BLACKBOARD = _alphabet(
    0x1D538, 0x1D7D8, {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
)
_FRAKTUR = _alphabet(0x1D504, exceptions={"C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"})
_FONTS: dict[str, dict[str, str] | None] = {
    "mathcal": _CALLIGRAPHIC,
    "mathscr": _CALLIGRAPHIC,
    "mathbb": _BLACKBOARD,
    "mathfrak": _FRAKTUR,
    # plain styles: the braces go, the text stays
    "mathbf": None, "mathrm": None, "mathit": None, "mathsf": None, "mathtt": None,
    "boldsymbol": None, "bm": None, "text": None, "textbf": None, "textit": None, "textrm": None,
    "texttt": None, "textsc": None, "emph": None, "operatorname": None, "mbox": None,
}  # fmt: skip

# A braced group with at most one level of nested braces.
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"


def _script(text: str, table: dict[str, str], mark: str) -> str:
    """``text`` in super/subscript characters, or ``^{text}`` / ``_{text}`` when one is missing."""
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}{{{text}}}"


def _font(name: str, inner: str) -> str:
    table = _FONTS[name]
    inner = _convert_macros(inner)
    return inner if table is None else "".join(table.get(c, c) for c in inner)


def _repaired_font(name: str, inner: str) -> str:
    """A stripped ``mathcal{C_Phi/m}``: the font for the leading letters ("𝒞_Phi/m"), since
    where the backslashes and braces of the rest went cannot be known."""
    head = re.match(r"[A-Za-z]*", inner)
    letters = head.group() if head else ""
    return _font(name, letters) + inner[len(letters) :] if letters else inner


_FONT_RE = re.compile(r"\\?(" + "|".join(sorted(_FONTS, key=len, reverse=True)) + r")\s*" + _GROUP)
_FRAC_RE = re.compile(r"\\[dt]?frac\s*" + _GROUP + r"\s*" + _GROUP)
_MACRO_RE = re.compile(r"\\([A-Za-z]+|[%&#_${},;! |])")
_SUP_RE = re.compile(r"\^(?:" + _GROUP + r"|(\w))")
_SUB_RE = re.compile(r"_(?:" + _GROUP + r"|(\w))")


def _convert_macros(text: str) -> str:
    text = _FONT_RE.sub(lambda m: _font(m.group(1), m.group(2)), text)
    text = _FRAC_RE.sub(lambda m: f"{_convert_macros(m.group(1))}/{_convert_macros(m.group(2))}", text)

    def macro(match: re.Match[str]) -> str:
        name = match.group(1)
        return SYMBOLS.get(name, match.group(0))

    return _MACRO_RE.sub(macro, text)


def _math(inner: str) -> str:
    """The inside of ``$...$``: macros, fonts, scripts; spacing of macro words tidied."""
    inner = _convert_macros(inner)
    inner = _SUP_RE.sub(
        lambda m: _script(m.group(1) if m.group(1) is not None else m.group(2), _SUPERSCRIPT, "^"), inner
    )
    inner = _SUB_RE.sub(
        lambda m: _script(m.group(1) if m.group(1) is not None else m.group(2), _SUBSCRIPT, "_"), inner
    )
    return inner.replace("{", "").replace("}", "")


# Pandoc's rule: "$" opens math when a non-space follows it and closes when a non-space precedes
# it; a digit right after the closing "$" means money ("$5 and $6"), unless the inside is
# clearly math ("$\\sim$3").
_INLINE_MATH = re.compile(r"\$\$(.+?)\$\$|(?<!\\)\$(?=\S)(.+?)(?<=\S)(?<!\\)\$(?=(\d)?)", re.DOTALL)


def _inline_math(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return _math(match.group(1))
    inner = match.group(2)
    if match.group(3) and not any(c in inner for c in "\\^_"):
        return match.group(0)
    return _math(inner)


# Repairs of page text whose backslashes were stripped: (pattern, replacement). Each one only
# matches spellings that no English word has.
REPAIRS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(?<=\d)times(?=\d|\b)"), "×"),  # 30times, 256times256; never "three times"
    (re.compile(r"\bsim(?=\s?\d)"), "~"),  # sim0.6; never "simple", "similar"
    (re.compile(r"(?<=\d)pm(?=\d)"), "±"),  # 3.2pm0.1
    (
        re.compile(r"\b(rightarrow|leftarrow|Rightarrow|Leftarrow|leftrightarrow|longrightarrow|mapsto)\b"),
        lambda m: SYMBOLS[m.group(1)],
    ),
    (re.compile(r"(?<=\b\w )(gg|ll)(?= \w\b)"), lambda m: SYMBOLS[m.group(1)]),  # m gg n
    (
        re.compile(r"\b(mathcal|mathbb|mathfrak|mathscr|textit|textbf|emph)" + _GROUP),
        lambda m: _repaired_font(m.group(1), m.group(2)),
    ),
    (
        re.compile(r"(?<=\w)\^(?:\{([0-9+\-]+)\}|([0-9]))"),
        lambda m: _script(m.group(1) or m.group(2), _SUPERSCRIPT, "^"),
    ),
]  # fmt: skip

_TRIGGER = re.compile(r"[\\$^]|times|sim|pm|arrow|mapsto|gg|ll|math|text|emph")


@lru_cache(maxsize=4096)
def to_unicode(text: str) -> str:
    """``text`` with its LaTeX shown as Unicode (see the module docs); other text unchanged."""
    if not _TRIGGER.search(text):
        return text
    if "$" in text:
        text = _INLINE_MATH.sub(_inline_math, text)
    if "\\" in text:
        text = _convert_macros(text)
    for pattern, replacement in REPAIRS:
        text = pattern.sub(replacement, text)
    return text
