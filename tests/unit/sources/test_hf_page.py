from pathlib import Path

import pytest

from papershelf.model import Paper
from papershelf.sources import SourceError, parse_text
from papershelf.sources.hf_page import parse_hf_page

SHARED_SAMPLE = Path(__file__).resolve().parents[4] / "shared" / "data" / "daily-papers-pretraining.txt"


def by_title(papers: list[Paper], prefix: str) -> Paper:
    (paper,) = [p for p in papers if p.title.startswith(prefix)]
    return paper


def test_bundled_copy_is_the_shared_sample(sample_path: Path) -> None:
    if not SHARED_SAMPLE.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert sample_path.read_bytes() == SHARED_SAMPLE.read_bytes()


def test_sample_has_54_papers_in_page_order(sample_papers: list[Paper]) -> None:
    assert len(sample_papers) == 54
    assert sample_papers[0].title == "UNIT: Unifying Image and Text Recognition in One Vision Encoder"
    assert sample_papers[1].title == "Rethinking Supervised Pre-training for Better Downstream Transferring"
    assert sample_papers[-1].title == "Inverse Scaling: When Bigger Isn't Better"
    assert len({p.key for p in sample_papers}) == 54


def test_no_page_chrome_is_a_paper(sample_papers: list[Paper]) -> None:
    titles = {p.title for p in sample_papers}
    for chrome in ("new", "Subscribe", "Daily Papers", "Feb 5", "Get trending papers in your email inbox!"):
        assert chrome not in titles
    assert not any(t.startswith("byAK") for t in titles)


def test_first_paper_fields(sample_papers: list[Paper]) -> None:
    unit = sample_papers[0]
    assert unit.abstract.startswith("Currently, vision encoder models like Vision Transformers")
    assert unit.abstract.endswith("without compromising its core image recognition capabilities.")
    assert unit.author_count == 7
    assert unit.organization is None
    assert unit.published == "2024-09-06"
    assert unit.upvotes == 0
    assert unit.byline == "7 authors"
    assert unit.source == "hf-page"


def test_upvotes_follow_the_date(sample_papers: list[Paper]) -> None:
    emulator = by_title(sample_papers, "An Emulator for Fine-Tuning")
    assert (emulator.published, emulator.upvotes, emulator.author_count) == ("2023-10-19", 1, 5)
    assert by_title(sample_papers, "InfiMM-WebMath-40B").upvotes == 4
    assert by_title(sample_papers, "Inverse Scaling").author_count == 27


def test_organisation_line_replaces_author_count(sample_papers: list[Paper]) -> None:
    minimax = by_title(sample_papers, "Towards Scalable Pre-training of Visual Tokenizers")
    assert minimax.organization == "MiniMaxAI MiniMax"
    assert minimax.author_count is None
    assert minimax.published == "2025-12-15"
    assert minimax.upvotes == 4
    assert minimax.byline == "MiniMaxAI MiniMax"


def test_papers_without_meta_block_still_load(sample_papers: list[Paper]) -> None:
    bare = [p for p in sample_papers if p.published is None]
    assert [p.title for p in bare] == [
        "Value-Based Pre-Training with Downstream Feedback",
        "FineInstructions: Scaling Synthetic Instructions to Pre-Training Scale",
    ]
    for paper in bare:
        assert paper.abstract
        assert paper.upvotes == 0
        assert paper.author_count is None
    # The paper after each bare one is intact.
    after = sample_papers[sample_papers.index(bare[0]) + 1]
    assert after.title == "When Do We Not Need Larger Vision Models?"
    assert (after.author_count, after.published, after.upvotes) == (5, "2024-03-19", 2)


def test_line_endings_bom_spaces_and_blank_lines_change_nothing(
    sample_path: Path, sample_papers: list[Paper]
) -> None:
    text = sample_path.read_text(encoding="utf-8")
    messy = "\ufeff" + "\r\n".join(line + "   " for line in text.split("\n")).replace(
        "\r\n\r\n", "\r\n\r\n\r\n\r\n"
    )
    assert parse_text(messy, "messy.txt") == sample_papers


def test_hard_wrapped_abstract_is_joined() -> None:
    text = (
        "Daily Papers\n\nFeb 5\n\nA Title\n\n"
        "first half of the\nabstract here\n\n  • 2 authors\n·\nJan 2, 2024 3\n"
    )
    (paper,) = parse_hf_page(text, "wrapped.txt")
    assert paper.abstract == "first half of the abstract here"
    assert (paper.author_count, paper.published, paper.upvotes) == (2, "2024-01-02", 3)


def test_untrusted_title_keeps_markup_and_loses_escapes() -> None:
    text = "Feb 5\n\n[bold red]x[/] \x1b[31mred\x1b[0m\n\nabstract\n"
    (paper,) = parse_hf_page(text, "evil.txt")
    assert paper.title == "[bold red]x[/] red"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "empty", None),
        ("Daily Papers\n\nFeb 5\n", "no papers found", None),
        ("Feb 5\n\nTitle\n\nAbstract\n\nLonely title\n", "has no abstract", 7),
        ("Feb 5\n\n  • 3 authors\n·\nJan 1, 2024\n", "author/date block", 3),
    ],
)
def test_bad_pages_name_file_and_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(SourceError) as info:
        parse_text(text, "page.txt")
    assert message in str(info.value)
    assert info.value.source == "page.txt"
    assert info.value.line == line
