"""LaTeX shown as Unicode, and the repair of pasted page text whose backslashes were lost."""

from __future__ import annotations

import pytest

from papershelf.latex import to_unicode
from papershelf.model import Paper


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        # real LaTeX
        ("a $\\times$ b", "a × b"),
        ("$\\alpha$-decay and $\\beta$", "α-decay and β"),
        ("$x^2$ and $x_i$", "x² and xᵢ"),
        ("$\\mathcal{O}(n \\log n)$", "𝒪(n \\log n)"),
        ("A $\\rightarrow$ B, $\\sim$3, $\\leq$ 5, $\\approx 2$", "A → B, ~3, ≤ 5, ≈ 2"),
        ("$10^{-3}$ and $2^{10}$", "10⁻³ and 2¹⁰"),
        ("$\\mathbb{R}^d$", "ℝᵈ"),
        ("$\\frac{1}{2}$", "1/2"),
        ("\\textbf{bold} and \\emph{this}", "bold and this"),
        ("12\\% better, R\\&D", "12% better, R&D"),
        ("costs \\$5", "costs $5"),
        ("$\\Phi$ and \\Psi", "Φ and Ψ"),
        # pasted page text: the backslashes are gone
        ("weight decay is 30times larger", "weight decay is 30× larger"),
        ("5.17times less data", "5.17× less data"),
        ("ImageNet 256times256", "ImageNet 256×256"),
        ("a merely sim0.6 point decrease", "a merely ~0.6 point decrease"),
        ("(5.7\\% rightarrow 25.4\\% on MATH)", "(5.7% → 25.4% on MATH)"),
        ("risk of mathcal{O}(mathcal{C_Phi/m})", "risk of 𝒪(𝒞_Phi/m)"),
        ("10^{19} to 10^{22} FLOPs", "10¹⁹ to 10²² FLOPs"),
        ("Scaling on Scales (S^2)", "Scaling on Scales (S²)"),
        ("critical textit{O}bstacles", "critical Obstacles"),
        ("when m gg n", "when m ≫ n"),
        ("3.2pm0.1 points", "3.2±0.1 points"),
    ],
)
def test_conversions(source: str, shown: str) -> None:
    assert to_unicode(source) == shown


@pytest.mark.parametrize(
    "prose",
    [
        "sometimes, three times, at times, times of day, timestamp",
        "simple, similar, simulation, simultaneously, sim card, Sims",
        "a small llama, all ll, egg gg, eggs",
        "at 3pm meetings, pm2.5 levels",
        "the arrow pointed right, textbooks, mathematics, emphasis",
        "x^y in prose stays? (no digit after the caret)",
        "Microsoft's Phi and C_Phi",
        "G_{stack} keeps its subscript",
        "$5 and $6 dollars",  # two dollar signs that are money, not math
    ],
)
def test_ordinary_words_stay(prose: str) -> None:
    assert to_unicode(prose) == prose


def test_display_only_the_search_keeps_the_source(sample_papers: list[Paper]) -> None:
    page = next(p for p in sample_papers if "30times" in p.abstract)
    assert "30× larger" in to_unicode(page.abstract)
    assert "30times" in page.abstract
