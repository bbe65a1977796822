"""The detail pane: the highlighted paper's title, byline, date, upvotes, citations, tags, the
downloaded PDF's path and the abstract."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from papershelf.latex import to_unicode
from papershelf.model import Paper
from papershelf.query.highlight import match_spans
from papershelf.sources.s2_batch import Citations
from papershelf.store.reading import PaperState
from papershelf.ui.actions import bindings

MATCH_STYLE = "bold underline"
# The most of an abstract (or a note) drawn and highlighted: a few screens' worth, far above any
# real abstract, so that an absurd one costs milliseconds per keystroke, not seconds.
SHOWN_CHARACTERS = 20_000


def _bounded(text: str, highlight: tuple[str, ...], *, latex: bool = True) -> Text:
    """The first :data:`SHOWN_CHARACTERS` of ``text`` (LaTeX shown as Unicode when ``latex``),
    highlighted, with a note saying how long it is when it goes on."""
    shown = text[:SHOWN_CHARACTERS]
    out = _highlighted(to_unicode(shown) if latex else shown, highlight)
    if len(text) > SHOWN_CHARACTERS:
        out.append(f"\n\n… showing the first {SHOWN_CHARACTERS:,} of {len(text):,} characters", "dim italic")
    return out


def _highlighted(text: str, highlight: tuple[str, ...]) -> Text:
    """``text`` as plain Text, with the words the filter matched in the highlight style."""
    out = Text(text)
    for start, end in match_spans(text, highlight):
        out.stylize(MATCH_STYLE, start, end)
    return out


def _meta(
    paper: Paper, state: PaperState, watched: bool, pdf: Path | None, citations: Citations | None
) -> Text:
    """Byline, facts (date, upvotes, id, comments, read) and the labelled fields the source kept."""
    lines = Text()
    if paper.byline:
        lines.append(paper.byline)
        lines.append("\n")
    date = paper.published or "no date"
    if not paper.published and citations is not None and citations.year:
        date = f"{citations.year} (year from Semantic Scholar)"
    facts = [date, f"▲ {paper.upvotes} upvote{'s' if paper.upvotes != 1 else ''}"]
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
    stars = f" (★ {paper.github_stars})" if paper.github and paper.github_stars is not None else ""
    for label, value in (
        # (with no authors, the byline is the organisation)
        ("organisation", paper.organization if paper.authors else None),
        ("venue", paper.venue or (citations.venue if citations is not None else None)),
        ("arXiv listing", paper.announce_label),
        ("categories", " ".join(paper.categories)),
        ("comment", paper.note),
        ("code", f"{paper.github}{stars}" if paper.github else None),
        ("project page", paper.project_page),
        ("AI keywords", ", ".join(paper.ai_keywords)),
        ("doi", paper.doi),
        ("pdf", str(pdf) if pdf is not None else None),
    ):
        if value:
            lines.append(f"\n{label}: ", "dim")
            lines.append(value)
    return lines


def _abstract(paper: Paper, highlight: tuple[str, ...]) -> Text:
    """The abstract, then Hugging Face's machine-written summary, marked as such."""
    body = _bounded(paper.abstract, highlight) if paper.abstract else Text("(no abstract)")
    if paper.ai_summary:
        body.append("\n\nAI summary (Hugging Face, machine-written): ", "dim italic")
        body.append(_bounded(paper.ai_summary, highlight))
    return body


def _why_text(why: tuple[float, list[tuple[str, float]]] | None) -> Text:
    """``for you: +1.25 · why: robot, grasping, @levine`` (author words marked with @)."""
    if why is None:
        return Text()
    score, weighing = why
    text = Text("\nfor you: ", "dim")
    text.append(f"{score:+.2f}", "bold")
    if weighing:
        text.append(" · why: ", "dim")
        text.append(", ".join(word for word, _ in weighing))
    return text


@dataclass(frozen=True, slots=True)
class Shown:
    """What the detail pane shows: a paper (None: nothing matches), its reading state, the words
    to highlight and the facts beside it."""

    paper: Paper | None
    state: PaperState
    highlight: tuple[str, ...] = ()
    watched: bool = False
    why: tuple[float, list[tuple[str, float]]] | None = None
    pdf: Path | None = None
    citations: Citations | None = None


class PaperDetail(VerticalScroll, can_focus=True):
    """Scrollable view of one paper. All paper text is shown as plain ``Text``, never markup."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("detail")  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-meta")
        yield Static(id="detail-tags")
        yield Static(id="detail-note")
        yield Static(id="detail-abstract")

    # Handed down by the screen with data_bind; every assignment redraws (and scrolls to the top).
    shown: reactive[Shown | None] = reactive(None, always_update=True, init=False, repaint=False)

    @property
    def shown_key(self) -> str | None:
        shown = self.shown
        return None if shown is None or shown.paper is None else shown.paper.key

    @property
    def shown_highlight(self) -> tuple[str, ...]:
        shown = self.shown
        return () if shown is None or shown.paper is None else shown.highlight

    def watch_shown(self, shown: Shown | None) -> None:
        if shown is not None and self.is_mounted:
            self._draw(shown)

    def _draw(self, shown: Shown) -> None:
        """Display the paper (None: nothing matches) with its reading state."""
        paper, state, highlight = shown.paper, shown.state, shown.highlight
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        tags = self.query_one("#detail-tags", Static)
        note = self.query_one("#detail-note", Static)
        abstract = self.query_one("#detail-abstract", Static)
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
        title.update(heading)

        meta.update(_meta(paper, state, shown.watched, shown.pdf, shown.citations) + _why_text(shown.why))

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
            note_text.append(_bounded(state.note, (), latex=False))
        note.update(note_text)
        note.display = bool(state.note)
        abstract.update(_abstract(paper, highlight))
        self.scroll_home(animate=False)
