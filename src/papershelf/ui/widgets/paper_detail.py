"""The detail pane: the highlighted paper's title, byline, date, upvotes, citations, tags, the
downloaded PDF's path and the abstract."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from papershelf.latex import to_unicode
from papershelf.model import Paper
from papershelf.query.highlight import match_spans
from papershelf.sources.s2_batch import Citations
from papershelf.store.reading import PaperState
from papershelf.ui.actions import bindings

MATCH_STYLE = "bold underline"


def _highlighted(text: str, highlight: tuple[str, ...]) -> Text:
    """``text`` as plain Text, with the words the filter matched in the highlight style."""
    out = Text(text)
    for start, end in match_spans(text, highlight):
        out.stylize(MATCH_STYLE, start, end)
    return out


def _meta(
    paper: Paper, state: PaperState, watched: bool, pdf: Path | None, citations: Citations | None
) -> Text:
    """The byline, the facts line and the labelled fields under the title."""
    lines = Text()
    if paper.byline:
        lines.append(paper.byline)
        lines.append("\n")
    facts = [paper.published or "no date", f"▲ {paper.upvotes} upvote{'s' if paper.upvotes != 1 else ''}"]
    if paper.arxiv_id:
        facts.append(f"arXiv:{paper.arxiv_id}")
    if paper.comments:
        facts.append(f"{paper.comments} comment{'s' if paper.comments != 1 else ''}")
    if citations is not None:
        cited = f"cited {citations.count:,}"
        facts.append(cited + (f" ({citations.influential:,} influential)" if citations.influential else ""))
    facts.append("read" if state.read else "unread")
    if watched:
        facts.append("on your watch list")
    lines.append(" · ".join(facts), "dim")
    for label, value in (
        ("categories", " ".join(paper.categories)),
        ("comment", paper.note),
        ("code", paper.github),
        ("doi", paper.doi),
        ("venue", citations.venue if citations is not None else None),
        ("pdf", str(pdf) if pdf is not None else None),
    ):
        if value:
            lines.append(f"\n{label}: ", "dim")
            lines.append(value)
    return lines


class PaperDetail(VerticalScroll, can_focus=True):
    """Scrollable view of one paper. All paper text is shown as plain ``Text``, never markup."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("detail")  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-meta")
        yield Static(id="detail-tags")
        yield Static(id="detail-note")
        yield Static(id="detail-abstract")

    shown_highlight: tuple[str, ...] = ()
    shown_key: str | None = None

    def show(
        self,
        paper: Paper | None,
        state: PaperState,
        highlight: tuple[str, ...] = (),
        *,
        watched: bool = False,
        pdf: Path | None = None,
        citations: Citations | None = None,
    ) -> None:
        """Display ``paper`` (None: nothing matches) with its reading ``state``."""
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        tags = self.query_one("#detail-tags", Static)
        note = self.query_one("#detail-note", Static)
        abstract = self.query_one("#detail-abstract", Static)
        self.shown_key = paper.key if paper is not None else None
        if paper is None:
            title.update(Text("No paper selected"))
            for widget in (meta, tags, note, abstract):
                widget.update(Text())
            note.display = False
            return
        heading = Text()
        if state.starred:
            heading.append("★ ", "bold yellow")
        heading.append(_highlighted(to_unicode(paper.title), highlight))
        self.shown_highlight = highlight
        title.update(heading)

        meta.update(_meta(paper, state, watched, pdf, citations))

        tag_text = Text()
        for i, tag in enumerate(state.tags):
            if i:
                tag_text.append(" ")
            tag_text.append(f" {tag} ", "reverse")
        tags.update(tag_text)
        tags.display = bool(state.tags)
        note_text = Text()
        if state.note:
            note_text.append("Your note  ", "bold")
            note_text.append("(n edits)\n", "dim")
            note_text.append(state.note)
        note.update(note_text)
        note.display = bool(state.note)
        abstract.update(
            _highlighted(to_unicode(paper.abstract), highlight) if paper.abstract else Text("(no abstract)")
        )
        self.scroll_home(animate=False)
