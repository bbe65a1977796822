"""Every key of the reader in one table: the bindings, where each key acts, the footer, the help
screen and the command palette are all made from it.

A row's ``where`` says when its key acts (``check_action`` of the screen applies it):

- ``"not typing"``: anywhere but in the filter box, where the key is ordinary text;
- ``"anywhere"``: also while typing in the filter box;
- ``"filter"``: only in the filter box; ``"list"``: only on the paper list; ``"detail"``: only in
  the detail pane.

Rows of ``owner`` "list" and "detail" are the paper list's and the detail pane's own bindings.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Action:
    id: str  # the binding id: what config.toml's [keys] remaps
    keys: str  # the default keys, comma-separated
    action: str  # the action run ("toggle_star" runs action_toggle_star)
    label: str  # the footer's word
    help: str  # the help screen's line
    where: str = "not typing"
    footer: int | None = None  # place in the footer; None: not shown there
    palette: tuple[str, str] | None = None  # (title, help) in the command palette
    owner: str = "screen"  # "screen", or the widget owning the binding: "list", "detail"
    numbered: bool = False  # one binding per view number 1-9 ("{n}" in id, keys, action, label)

    def bindings(self) -> list[Binding]:
        numbers = range(1, 10) if self.numbered else (None,)
        return [
            Binding(
                self.keys.format(n=n),
                self.action.format(n=n),
                self.label.format(n=n),
                show=self.footer is not None,
                id=self.id.format(n=n),
                # Every key acts the moment the app reads it, before a later key of a burst (a
                # paste, tmux send-keys) is routed: "/scal" typed at once lands in the filter
                # box instead of starring a paper with "s".
                priority=True,
            )
            for n in numbers
        ]

    @property
    def action_name(self) -> str:
        """The action without its arguments (``recall_view(1)`` -> ``recall_view``)."""
        return self.action.split("(", 1)[0]


ACTIONS: tuple[Action, ...] = (
    Action("list.down", "j,down", "cursor_down", "Down", "Next paper", owner="list"),
    Action("list.up", "k,up", "cursor_up", "Up", "Previous paper", owner="list"),
    Action("list.first", "g,home", "first", "First", "First paper", owner="list"),
    Action("list.last", "G,end", "last", "Last", "Last paper", owner="list"),
    Action("list.page_down", "pagedown", "page_down", "Page down", "Page down", owner="list"),
    Action("list.page_up", "pageup", "page_up", "Page up", "Page up", owner="list"),
    Action("detail.scroll_down", "j", "scroll_down", "Scroll down", "", owner="detail"),
    Action("detail.scroll_up", "k", "scroll_up", "Scroll up", "", owner="detail"),
    Action(
        "list.open", "enter", "open", "Read", "Read the abstract (marks the paper read)", "list", footer=1
    ),
    Action(
        "detail.back", "escape", "back", "Back to list", "Back from the abstract to the list", "detail", 4
    ),
    Action("paper.star", "s", "toggle_star", "Star", "Star / unstar", footer=5),
    Action("paper.tags", "t", "edit_tags", "Tags", "Edit tags (comma-separated)", footer=6),
    Action("paper.read", "r", "toggle_read", "Read/unread", "Mark read / unread", footer=7),
    Action(
        "paper.note",
        "n",
        "edit_note",
        "Note",
        "Write a note on the paper (shown in the detail pane)",
        footer=11,
        palette=("Note", "write a note on the highlighted paper (n)"),
    ),
    Action(
        "paper.open_page",
        "o",
        "open_page",
        "Open",
        "Open the paper's page in the browser (arXiv, else its source)",
        footer=10,
        palette=("Open the paper's page", "in the browser: arXiv, else Hugging Face or the source (o)"),
    ),
    Action(
        "paper.open_pdf",
        "p",
        "open_pdf",
        "PDF",
        "Open the PDF: the downloaded copy in the system viewer, else in the browser",
        palette=("Open the PDF", "the downloaded copy in the viewer, else in the browser (p)"),
    ),
    Action(
        "paper.download",
        "d",
        "download",
        "Download",
        "Download the PDF into the papers directory (progress in the status line)",
        palette=("Download the PDF", "into the papers directory; has:pdf finds downloaded papers (d)"),
    ),
    Action(
        "paper.copy_link",
        "y",
        "copy_link",
        "Copy link",
        "Copy the link",
        palette=("Copy the link", "to the clipboard (y)"),
    ),
    Action(
        "paper.copy_bibtex",
        "Y",
        "copy_bibtex",
        "Copy BibTeX",
        "Copy a BibTeX entry",
        palette=("Copy a BibTeX entry", "to the clipboard (Y)"),
    ),
    Action(
        "list.mark_all_read",
        "A",
        "mark_all_read",
        "All read",
        "Mark every paper in view read (asks first)",
        palette=("Mark all read", "every paper in view, after asking (A)"),
    ),
    Action(
        "state.undo",
        "ctrl+z",
        "undo",
        "Undo",
        "Undo the last star, tag, read, note or mark-all (100 steps)",
        footer=12,
        palette=("Undo", "the last star, tag, read mark, note or mark-all (ctrl+z)"),
    ),
    Action(
        "list.export",
        "E",
        "export",
        "Export",
        "Export the visible or starred papers (BibTeX, RIS, Markdown, CSV, JSONL)",
        palette=("Export…", "the visible or starred papers: BibTeX, RIS, Markdown, CSV, JSON Lines (E)"),
    ),
    Action(
        "view.stats",
        "ctrl+t",
        "stats",
        "Stats",
        "Statistics of the view: per month, tags, counts",
        "anywhere",
        palette=("Statistics", "papers per month, top tags, counts for the view (ctrl+t)"),
    ),
    Action(
        "filter.focus",
        "slash",
        "focus_filter",
        "Filter",
        'Filter: words, "phrases", -not, OR, title: author: tag: is: year: upvotes:',
        "anywhere",
        footer=8,
    ),
    Action(
        "filter.clear",
        "escape",
        "clear_filter",
        "Clear filter",
        "In the filter: clear it (again: back to the list)",
        "filter",
        footer=3,
    ),
    Action(
        "filter.done",
        "enter",
        "leave_filter",
        "Done",
        "In the filter: back to the list, filter kept",
        "filter",
        footer=2,
    ),
    Action(
        "filter.starred", "asterisk", "toggle_starred_only", "★ only", "Show starred papers only (toggle)"
    ),
    Action("filter.unread", "u", "toggle_unread_only", "Unread only", "Show unread papers only (toggle)"),
    Action(
        "view.sort",
        "S",
        "cycle_sort",
        "Sort",
        "Sort: as loaded, newest, most upvoted, title, unread first, for you, best match, most cited",
        footer=9,
    ),
    Action(
        "view.like",
        "m",
        "more_like",
        "Like",
        "More like this: the view ordered by likeness to the paper (escape: back)",
        palette=("More like this", "order the view by likeness to the highlighted paper (m)"),
    ),
    Action("view.unlike", "escape", "end_like", "Back", "", "like"),
    Action(
        "view.save",
        "ctrl+s",
        "save_view",
        "Save view",
        "Save the filter and sort as a view (named)",
        "anywhere",
    ),
    Action(
        "view.{n}",
        "{n}",
        "recall_view({n})",
        "View {n}",
        "Recall view 1 (2-9 likewise; the palette lists them)",
        numbered=True,
    ),
    Action("library.refetch", "R", "refetch", "Refetch", "Library: fetch its sources again", footer=13),
    Action("app.help", "question_mark", "help", "Help", "This help", footer=14),
    Action("app.quit", "q", "quit", "Quit", "Quit", footer=15),
)


def bindings(owner: str) -> list[Binding]:
    """The bindings of ``owner`` ("screen", "list", "detail"): footer keys first, in footer order."""
    rows = [a for a in ACTIONS if a.owner == owner]
    rows.sort(key=lambda a: (a.footer is None, a.footer or 0))  # stable: the rest keep table order
    return [binding for row in rows for binding in row.bindings()]


def help_rows() -> list[tuple[str, str]]:
    """(binding id, what it does) in the help screen's order (rows without a text are left out)."""
    return [(a.id.format(n=1), a.help) for a in ACTIONS if a.help]


def where(action_name: str) -> str | None:
    """Where the screen's action acts (see the module's docstring), or None if not in the table."""
    return _WHERE.get(action_name)


def palette() -> list[tuple[str, str, str]]:
    """(title, help, action) of the actions the command palette lists."""
    return [(a.palette[0], a.palette[1], a.action) for a in ACTIONS if a.palette is not None]


_WHERE = {a.action_name: a.where for a in ACTIONS if a.owner == "screen"}
