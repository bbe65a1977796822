"""The ``?`` help screen: every key, as currently bound (remapped keys show their new key)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from papershelf.ui.actions import help_rows

# (binding id, what it does) in the order the help lists them. The keys come from the live
# bindings, so a keymap that remaps an id is reflected here.
HELP_ROWS: tuple[tuple[str, str], ...] = tuple(help_rows())


class HelpScreen(ModalScreen[None]):
    """Lists ``HELP_ROWS`` with the keys bound to each id on the given classes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, binding_owners: Sequence[type[DOMNode]]) -> None:
        super().__init__()
        self.binding_owners = binding_owners

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(self._table(), id="help-table")

    def key_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every row of the help, keys as currently bound."""
        keys = self._keys_by_id()
        return [(keys.get(binding_id, "—"), description) for binding_id, description in HELP_ROWS]

    def _table(self) -> Table:
        table = Table(title="papershelf keys", box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim", no_wrap=True)
        for (keys, description), (binding_id, _) in zip(self.key_rows(), HELP_ROWS, strict=True):
            table.add_row(Text(keys), Text(description), Text(binding_id))
        table.caption = "escape closes · remap a key by its id in config.toml [keys]"
        return table

    def _keys_by_id(self) -> dict[str, str]:
        keymap = self.app._keymap
        keys: dict[str, str] = {}
        for owner in self.binding_owners:
            for binding in owner.BINDINGS:
                if isinstance(binding, Binding) and binding.id:
                    key_list = keymap.get(binding.id, binding.key)
                    shown = [self.app.get_key_display(Binding(k.strip(), "")) for k in key_list.split(",")]
                    keys[binding.id] = " / ".join(shown)
        return keys

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
