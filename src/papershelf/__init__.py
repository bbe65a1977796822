"""papershelf: a keyboard-first terminal reader for research-paper feeds."""

__version__ = "0.1.0"
