"""The one error every source raises for input it cannot read."""

from __future__ import annotations

from papershelf.text import safe_message


class SourceError(Exception):
    """Input that cannot be read as papers. The message names the file and, where known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.reason = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(safe_message(f"{where}: {message}"))  # a path or a quote from the input

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, str, int | None]]:
        # Picklable with its own arguments: import workers send these back to the importer.
        return (SourceError, (self.source, self.reason, self.line))
