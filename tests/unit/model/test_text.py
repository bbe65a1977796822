from papershelf.text import clean_line, clean_text, fold, words


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
