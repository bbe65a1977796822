"""BibTeX as people write it: real libraries (tests/fixtures/README.md names their origin)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.latex import to_unicode
from papershelf.model import Paper, date_number
from papershelf.sources import SourceError, load_file, parse_records, parse_text
from papershelf.sources.bibtex import dump_bibtex, parse_bibtex

FIXTURES = Path(__file__).parents[2] / "fixtures"
SCRIPT = str(Path(sys.executable).parent / "papershelf")


def papers_of(name: str) -> list[Paper]:
    return load_file(FIXTURES / name)


def by_key_start(papers: list[Paper], title: str) -> Paper:
    return next(p for p in papers if p.title.startswith(title))


def test_accents_and_latex_are_decoded_in_a_real_publication_list() -> None:
    papers = papers_of("jabref_authors.bib")
    assert len(papers) == 60
    names = {name for p in papers for name in p.authors}
    assert {"Håkan Johansson", "Jesús Grajal", "Miguel A. Sánchez Marcos"} <= names
    # Math stays LaTeX (shown as Unicode by papershelf.latex); nothing else is left as source.
    texts = [re.sub(r"\$[^$]*\$|\\\(.*?\\\)", "", p.title) for p in papers] + sorted(names)
    assert not [t for t in texts if "\\" in t or "{" in t or "}" in t]
    radix = by_key_start(papers, "Pipelined Radix")
    assert radix.title == "Pipelined Radix-2${}^{\\mbox{k}}$ Feedforward FFT Architectures"  # was \(…\)
    assert to_unicode(radix.title) == "Pipelined Radix-2ᵏ Feedforward FFT Architectures"
    cordic = by_key_start(papers, "CORDIC")
    assert cordic.title == "CORDIC II: A New Improved CORDIC Algorithm"  # protecting braces gone
    assert cordic.venue == "IEEE Trans. on Circuits and Systems"
    assert cordic.doi == "10.1109/TCSII.2015.2483422"


def test_issue_examples_decode() -> None:
    (paper,) = parse_text(
        r"""@article{x,
  title = {{\"u}ber {\L}odz, Garc\'{\i}a, Erd{\H{o}}s and pages 1--2},
  author = {Mart\'in Abadi and J\"urgen Schmidhuber and {\L}ukasz Kaiser and Erd\H{o}s, Paul},
  year = 2017,
}""",
        "x.bib",
    )
    assert paper.title == "über Łodz, García, Erdős and pages 1–2"
    assert paper.authors == ("Martín Abadi", "Jürgen Schmidhuber", "Łukasz Kaiser", "Paul Erdős")


def test_complex_jabref_library() -> None:
    papers = papers_of("jabref_complex.bib")
    bostrom = by_key_start(papers, "Extending XP practices")
    assert bostrom.authors[:3] == ("Gustav Boström", "Jaana Wäyrynen", "Marine Bodén")
    assert bostrom.venue
    assert bostrom.venue.startswith("SESS '06: Proceedings")
    complex_names = by_key_start(papers, "Article with complex Authornames")
    assert complex_names.authors[0] == "Eric von Hippel"


def test_a_doi_written_as_a_resolver_link_is_the_doi() -> None:
    papers = papers_of("jabref_complex.bib")  # doi = {http://doi.acm.org/10.1145/…}, {http://dx.doi.org/…}
    bostrom = by_key_start(papers, "Extending XP practices")
    assert bostrom.doi == "10.1145/1137627.1137631"
    assert bostrom.url == "https://doi.org/10.1145/1137627.1137631"
    login = by_key_start(papers, "The trouble with login")
    assert (login.doi, login.url) == (
        "10.1007/s00779-005-0347-6",
        "https://doi.org/10.1007/s00779-005-0347-6",
    )
    assert all(p.doi.startswith("10.") for p in papers if p.doi)


def test_year_and_month_give_a_date_at_their_precision() -> None:
    papers = papers_of("jabref_authors.bib")
    assert all(p.published for p in papers)  # every entry has a year: every paper a date
    cordic = by_key_start(papers, "CORDIC")
    assert (cordic.published, cordic.date_precision) == ("2016", "year")
    assert date_number(cordic.published) == 20160101  # year:2016 matches, sorts with 2016
    (cesar,) = papers_of("bibtexparser_article_with_strings.bib")
    assert (cesar.published, cesar.date_precision) == ("2013-01", "month")  # month = jan (a macro)
    (named,) = parse_text("@misc{a, title={T}, year={2019}, month={September}}", "a.bib")
    assert named.published == "2019-09"
    (numbered,) = parse_text("@misc{a, title={T}, year={2019}, month={11}}", "a.bib")
    assert numbered.published == "2019-11"
    (bad,) = parse_text("@misc{a, title={T}, year={20171}, month={13}}", "a.bib")
    assert bad.published is None  # no invented date from nonsense


def test_string_macros_concatenation_and_crossref_give_the_venue() -> None:
    (cesar,) = papers_of("bibtexparser_article_with_strings.bib")
    assert cesar.authors == ("Jean César",)  # author = jean # " " # cesar
    assert cesar.venue == "Nice Journal"  # journal = nice_journal
    (cool,) = papers_of("bibtexparser_features2.bib")
    assert cool.authors == ("John Doe",)
    assert cool.venue == "My International Conference"  # booktitle = myconf
    child, _parent = parse_text(
        """@inproceedings{child, title = {A Paper}, author = {A. Author}, crossref = {conf}}
@proceedings{conf, title = {Proceedings of the Conference}, year = {2015}, month = may}
""",
        "c.bib",
    )
    assert child.venue == "Proceedings of the Conference"
    assert child.published == "2015-05"


def test_an_entry_without_title_is_skipped_with_its_line_and_the_rest_is_read() -> None:
    text = (FIXTURES / "jabref_authors.bib").read_text()
    text += "\n@misc{WOO-20,\n  author = {Woo, A.},\n  year = {2020}\n}\n\n@misc{broken, title={x}\n"
    text += "\n@misc{after, title = {Read after the broken one}}\n"
    items = parse_records(text, "pubs.bib")
    errors = [i for i in items if isinstance(i, SourceError)]
    papers = [i for i in items if isinstance(i, Paper)]
    assert len(papers) == 61
    assert papers[-1].title == "Read after the broken one"
    messages = [str(e) for e in errors]
    start = text[: text.index("@misc{WOO-20")].count("\n") + 1
    assert messages[0] == f"pubs.bib:{start}: entry 'WOO-20' has no title"
    assert f"pubs.bib:{start + 5}: malformed BibTeX" in messages[1]
    skipped: list[SourceError] = []
    assert len(parse_text(text, "pubs.bib", skipped.append)) == 61
    assert len(skipped) == 2


def test_a_file_with_nothing_usable_is_an_error() -> None:
    with pytest.raises(SourceError, match="no usable BibTeX entry"):
        parse_bibtex("@misc{a, author = {X}}\n", "a.bib")


def test_venue_doi_and_partial_dates_are_exported_back() -> None:
    papers = papers_of("jabref_authors.bib")[:5]
    text = dump_bibtex(papers)
    assert "journal = {IEEE Trans. on Circuits and Systems}" in text
    assert "doi = {10.1109/TCSII.2015.2483422}" in text
    back = [p for p in parse_bibtex(text) if isinstance(p, Paper)]
    assert [(p.title, p.venue, p.published, p.doi, p.authors) for p in back] == [
        (p.title, p.venue, p.published, p.doi, p.authors) for p in papers
    ]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], check=False, capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def test_add_imports_the_rest_and_reports_the_bad_entry(tmp_path: Path) -> None:
    bib = tmp_path / "pubs.bib"
    bib.write_text(
        (FIXTURES / "jabref_authors.bib").read_text() + "\n@misc{WOO-20,\n  author = {Woo, A.}\n}\n"
    )
    added = run("add", str(bib))
    assert added.returncode == 0, added.stderr
    # 60 entries, two of them "Arithmetic" (2010 and 2013 editions): one title key, one paper.
    assert "59 new, 0 updated, 1 unchanged, 1 malformed" in added.stdout
    assert "entry 'WOO-20' has no title" in added.stderr
    listed = run("list", "year:2015", "--format", "jsonl")
    assert listed.returncode == 0, listed.stderr
    found = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(found) == 5
    assert {p["published"] for p in found} == {"2015"}
    newest = run("list", "--sort", "date", "--format", "jsonl", "--limit", "1")
    assert json.loads(newest.stdout)["published"] == "2016"


def test_only_a_file_with_nothing_usable_exits_2(tmp_path: Path) -> None:
    bib = tmp_path / "none.bib"
    bib.write_text("@misc{a,\n  author = {X}\n}\n")
    result = run(str(bib), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no usable BibTeX entry" in result.stderr


def test_opening_a_file_says_which_entry_was_skipped(tmp_path: Path) -> None:
    bib = tmp_path / "pubs.bib"
    bib.write_text("@misc{ok, title = {Fine}, year = 2001}\n\n@misc{WOO-20,\n  author = {Woo, A.}\n}\n")
    out = tmp_path / "out.jsonl"
    result = run(str(bib), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"papershelf: {bib}:3: entry 'WOO-20' has no title (skipped)\n"
    (line,) = out.read_text().splitlines()
    assert json.loads(line)["published"] == "2001"
