"""``papershelf config path|init|check`` and reading config.toml for the other commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from papershelf.cli._common import ExitCode
from papershelf.store.config import DEFAULT_CONFIG, Config, ConfigError, load_config
from papershelf.store.files import write_atomic
from papershelf.store.paths import config_path


def read_config() -> Config:
    """config.toml, checked against the reader's themes and binding ids; raises ConfigError."""
    config = load_config(config_path())
    if config.theme is None and not config.keys:
        return config  # nothing to check against the reader: the command line stays free of Textual
    from papershelf.ui.names import binding_ids, theme_names  # noqa: PLC0415 - imports Textual

    # The binding ids come from the action table and the dialogs: only when [keys] needs them.
    return load_config(
        config_path(), themes=theme_names(), binding_ids=binding_ids() if config.keys else None
    )


def config_or_exit() -> Config | int:
    """The config for a command-line tool, or the exit status after saying what is wrong."""
    try:
        return read_config()
    except ConfigError as error:
        print(f"papershelf: {error}", file=sys.stderr)
        return ExitCode.USAGE


def run_config(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papershelf config", description="The configuration file.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("path", help="print where config.toml is (it need not exist)")
    init = commands.add_parser("init", help="write a commented default config.toml")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    commands.add_parser("check", help="validate config.toml; exit 2 naming the key if it is invalid")
    args = parser.parse_args(argv)
    path = config_path()
    if args.command == "path":
        print(path)
        return 0
    if args.command == "init":
        if path.exists() and not args.force:
            print(f"papershelf: {path} exists; --force replaces it", file=sys.stderr)
            return ExitCode.USAGE
        write_atomic(path, DEFAULT_CONFIG)
        print(f"papershelf: wrote {path}")
        return 0
    result = config_or_exit()
    if isinstance(result, int):
        return result
    print(f"papershelf: {path} is valid" if path.exists() else f"papershelf: no {path}; the defaults apply")
    return 0
