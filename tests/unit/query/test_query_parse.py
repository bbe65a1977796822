"""The query language's parser: every construct, and every error with its position."""

from __future__ import annotations

import pytest

from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.query.syntax import parse
from papershelf.query.tree import (
    And,
    Everything,
    Flag,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Range,
    Word,
    all_words,
    positive_words,
    replace_flag,
)
from papershelf.store.reading import ReadingState


def test_plain_words_are_an_and_of_prefixes() -> None:
    assert parse("") == Everything()
    assert parse("   ") == Everything()
    assert parse("Vision") == Word("vision")
    assert parse("vision transformer") == And((Word("vision"), Word("transformer")))
    # Words keep their old meaning: a hyphenated token is its words, punctuation alone is nothing.
    assert parse("pre-training") == And((Word("pre"), Word("training")))
    assert parse("Ünïcode --- !") == Word("unicode")
    assert parse("a - b") == And((Word("a"), Word("b")))
    assert parse("-") == Everything()


def test_phrases() -> None:
    assert parse('"language model"') == Phrase(("language", "model"))
    assert parse('"Pre-Training"') == Phrase(("pre", "training"))
    assert parse('"vision"') == Word("vision")  # one word: just a word
    assert parse('x "a b" y') == And((Word("x"), Phrase(("a", "b")), Word("y")))


def test_negation() -> None:
    assert parse("-diffusion") == Not(Word("diffusion"))
    assert parse('-"text to image"') == Not(Phrase(("text", "to", "image")))
    assert parse("-tag:survey") == Not(Prefix("tag", "survey"))
    assert parse("NOT diffusion") == Not(Word("diffusion"))
    assert parse("-(a | b)") == Not(Or((Word("a"), Word("b"))))
    assert parse("--x") == Word("x")  # "--" is punctuation, not a double negation


def test_or_binds_weaker_than_and() -> None:
    assert parse("a OR b") == Or((Word("a"), Word("b")))
    assert parse("a | b") == Or((Word("a"), Word("b")))
    assert parse("a|b") == Or((Word("a"), Word("b")))
    assert parse("a b OR c") == Or((And((Word("a"), Word("b"))), Word("c")))
    assert parse("a OR b OR c") == Or((Word("a"), Word("b"), Word("c")))
    assert parse("a or b") == And((Word("a"), Word("or"), Word("b")))  # lower case: a word
    assert parse("a AND b") == And((Word("a"), Word("b")))


def test_parentheses_group() -> None:
    assert parse("(ocr | vision) -survey") == And((Or((Word("ocr"), Word("vision"))), Not(Word("survey"))))
    assert parse("((a))") == Word("a")
    assert parse("(a b) c") == And((Word("a"), Word("b"), Word("c")))


def test_text_fields() -> None:
    assert parse("title:Scaling") == Word("scaling", "title")
    assert parse("abstract:ocr") == Word("ocr", "abstract")
    assert parse("author:müller") == Word("muller", "author")
    assert parse('title:"scaling law"') == Phrase(("scaling", "law"), "title")
    assert parse("title:pre-training") == And((Word("pre", "title"), Word("training", "title")))
    assert parse('title:(ocr | "x y")') == Or((Word("ocr", "title"), Phrase(("x", "y"), "title")))
    assert parse("TITLE:x") == Word("x", "title")


def test_prefix_fields() -> None:
    assert parse("tag:Vision") == Prefix("tag", "vision")
    assert parse('tag:"to read"') == Prefix("tag", "to read")
    assert parse("cat:cs.CL") == Prefix("cat", "cs.cl")
    assert parse("id:2409.04") == Prefix("id", "2409.04")


def test_flags() -> None:
    for name in ("starred", "unread", "read", "tagged", "watched"):
        assert parse(f"is:{name}") == Flag(name)
    assert parse("is:STARRED") == Flag("starred")
    assert parse("has:note") == Flag("note")


def test_years_dates_and_upvotes() -> None:
    assert parse("year:2024") == Range("date", 20240101, 20241231)
    assert parse("year:2023..2025") == Range("date", 20230101, 20251231)
    assert parse("year:2023..") == Range("date", 20230101, None)
    assert parse("year:..2023") == Range("date", None, 20231231)
    assert parse("year:>=2023") == Range("date", 20230101, None)
    assert parse("year:>2023") == Range("date", 20231232, None)
    assert parse("year:<2023") == Range("date", None, 20230100)
    assert parse("year:<=2023") == Range("date", None, 20231231)
    assert parse("after:2024-06-01") == Range("date", 20240601, None)
    assert parse("after:2024-06") == Range("date", 20240601, None)
    assert parse("after:2024") == Range("date", 20240101, None)
    assert parse("before:2025-01") == Range("date", None, 20250100)
    assert parse("before:2025-01-15") == Range("date", None, 20250114)
    assert parse("upvotes:>=3") == Range("upvotes", 3, None)
    assert parse("upvotes:>3") == Range("upvotes", 4, None)
    assert parse("upvotes:<3") == Range("upvotes", None, 2)
    assert parse("upvotes:<=3") == Range("upvotes", None, 3)
    assert parse("upvotes:=3") == Range("upvotes", 3, 3)
    assert parse("upvotes:3") == Range("upvotes", 3, 3)
    assert parse("upvotes:1..10") == Range("upvotes", 1, 10)
    assert Range("upvotes", 1, 10).contains(10)
    assert not Range("upvotes", 1, 10).contains(11)


def test_the_issue_example() -> None:
    text = 'is:unread (vision | "visual tokenizer") year:2024.. upvotes:>=3 -diffusion'
    assert parse(text) == And(
        (
            Flag("unread"),
            Or((Word("vision"), Phrase(("visual", "tokenizer")))),
            Range("date", 20240101, None),
            Range("upvotes", 3, None),
            Not(Word("diffusion")),
        )
    )


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ('vision "open', "missing closing quote", 8),
        ("upvotes:>=abc", "'abc' is not a whole number", 9),
        ("upvotes:", "'upvotes:' needs a value", 1),
        ("upvotes:>=", "needs a number", 9),
        ("upvotes:..", "a range needs at least one end", 9),
        ("upvotes:5..2", "empty range 5..2", 9),
        ("a foo:bar", "unknown field 'foo:'", 3),
        ("http://example.org", "unknown field 'http:'", 1),
        ("a OR", "'OR' needs a term on both sides", 3),
        ("OR a", "'OR' needs a term on both sides", 1),
        ("a | | b", "'|' needs a term on both sides", 3),
        ("a AND", "'AND' needs a term on both sides", 3),
        ("(a b", "missing ')'", 1),
        ("a b)", "')' without a matching '('", 4),
        ("()", "empty parentheses", 1),
        ("title:", "'title:' needs a value", 1),
        ("title: x", "'title:' needs a value", 1),
        ("title:---", "'title:' needs a word", 1),
        ('title:""', "empty phrase", 1),
        ("title:(cat:cs)", "takes only words and phrases", 1),
        ("is:nice", "unknown 'is:nice'", 4),
        ("has:nothing", "unknown 'has:nothing'", 5),
        ("year:24", "'24' is not a year", 6),
        ("after:2024-13", "no month 13", 7),
        ("before:2024-02-40", "no day 40", 8),
        ("after:June", "is not a date", 7),
        ("x NOT", "'NOT' needs a word, phrase or field after it", 3),
    ],
)
def test_errors_say_what_and_where(text: str, message: str, column: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.position == column - 1
    assert f"(column {column})" in str(caught.value)
    query = Query(text)
    assert query.error is not None
    assert query.error_position == column - 1


def test_what_the_tree_asks_for() -> None:
    tree = parse('vision -diffusion title:"scaling law" author:lee | tag:x')
    assert positive_words(tree) == ("vision", "scaling", "law", "lee")
    assert all_words(tree) == ("vision", "diffusion", "scaling", "law", "lee")
    assert replace_flag(parse("is:watched -x"), "watched", Word("w")) == And((Word("w"), Not(Word("x"))))


def test_query_combines_text_and_toggles() -> None:
    assert Query().is_empty
    assert Query("-").is_empty
    assert Query("a", starred_only=True, unread_only=True).tree == And(
        (Word("a"), Flag("starred"), Not(Flag("read")))
    )
    assert Context(ReadingState()).resolve(Query("is:watched").tree) == Or(())  # no watch list: nothing
    watch = parse("author:lee | diffusion")
    assert Context(ReadingState(), watch).resolve(Query("is:watched").tree) == watch
    assert Query("is:watched").tree == Flag("watched")  # the watch list is not part of a query or view
