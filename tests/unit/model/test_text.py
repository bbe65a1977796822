import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.text import clean_line, clean_text, fold, strip_controls, words


def test_clean_line_removes_ansi_and_controls() -> None:
    assert clean_line("\x1b[31mred\x1b[0m title\x07") == "red title"
    assert clean_line("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b") == "alinkb"
    assert clean_line("tab\there\r\nnew") == "tab here new"
    assert clean_line("bidi\u202eevil") == "bidievil"
    assert clean_line("  spaced   out  ") == "spaced out"


def test_markup_is_left_as_text() -> None:
    assert clean_line("[bold red]x[/]") == "[bold red]x[/]"


def test_clean_text_keeps_paragraphs_and_joins_hard_wraps() -> None:
    assert clean_text("one\ntwo\r\n\r\nthree  \n\n\n\nfour") == "one two\n\nthree\n\nfour"


def test_words_fold_case_and_accents() -> None:
    assert words("Pre-training ÜBER Naïve café_x 3D") == [
        "pre",
        "training",
        "uber",
        "naive",
        "cafe",
        "x",
        "3d",
    ]
    assert fold("ScaleKD") == "scalekd"
    assert words("") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_fold_removes_every_combining_mark_exactly_as_the_full_class_does(text: str) -> None:
    """The diacritical-marks shortcut folds as NFKD + every mark with a combining class removed
    + casefold (the grapheme joiner U+034F, class 0, stays)."""
    decomposed = unicodedata.normalize("NFKD", text)
    expected = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert fold(text) == expected
    assert fold("Zoë Mu\u0308ller\u034f 1\u20dd e\u1dc0") == "zoe muller\u034f 1\u20dd e"


def _reference_clean_line(text: str) -> str:
    return " ".join(strip_controls(text, keep_newlines=False).split())


def _reference_clean_text(text: str) -> str:
    if "\n" not in text and "\r" not in text:
        return _reference_clean_line(text)
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    return "\n\n".join(p for p in (" ".join(p.split()) for p in re.split(r"\n\s*\n", text)) if p)


_SPACY = st.text(alphabet=st.sampled_from([" ", "\n", "\r", "\t", "\xa0", "\u2028", "\x1b", "a", "é", "b"]))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_SPACY, st.text(max_size=40)))
def test_cleaning_collapses_whitespace_as_splitting_and_joining_does(text: str) -> None:
    """The replacing shortcut for printable text gives what splitting into words and joining
    them gave, for lines and for paragraphs."""
    assert clean_line(text) == _reference_clean_line(text)
    assert clean_text(text) == _reference_clean_text(text)
    assert clean_text("  We study\n  hard-wrapped   text.\n\n \n Second  one. ") == (
        "We study hard-wrapped text.\n\nSecond one."
    )
