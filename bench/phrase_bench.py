"""Import rate and phrases from the index's word pairs, at several library sizes.

    uv run python bench/phrase_bench.py [N ...] [--data DIR] [--runs R] [--reuse]

For each N: generates N papers (bench/generate.py, cached in DIR), imports them with
``papershelf add`` into a fresh library (or reuses ``DIR/home-N`` with --reuse) and prints:

- import: papers/s (wall), CPU time per paper (the import process and its workers: on a
  shared machine the wall rate depends on what else runs), peak RSS of the largest process;
- the index size without the pair files (what it was before) and with them, and the ratio;
- for two- and three-word phrases: the full count from the pairs and by reading every
  candidate's text (the way before pairs), cold (the index's caches emptied), median of R runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import write  # noqa: E402

from papershelf.library.library import Library  # noqa: E402
from papershelf.library.pairs import FILES  # noqa: E402
from papershelf.query.context import Context  # noqa: E402
from papershelf.query.search import Query  # noqa: E402
from papershelf.store.reading import ReadingState  # noqa: E402

PHRASES = ['"language model"', '"neural network"', '"large language model"', '"of the model"']


def import_library(path: Path, env: dict[str, str]) -> dict[str, float]:
    papershelf = str(Path(sys.executable).parent / "papershelf")
    start = time.perf_counter()
    child = subprocess.Popen([papershelf, "add", str(path)], env=env, stdout=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"import failed ({status})")
    lines = sum(1 for _ in path.open("rb"))
    cpu = usage.ru_utime + usage.ru_stime
    return {"rate": lines / seconds, "cpu_us": cpu / lines * 1e6, "rss": usage.ru_maxrss / 1024}


def index_sizes(index_dir: Path) -> tuple[int, int]:
    """(bytes without the pair files, bytes with them)."""
    total = pairs = 0
    for path in index_dir.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            if path.name in FILES:
                pairs += path.stat().st_size
    return total - pairs, total


def phrase_ms(library: Library, text: str, runs: int, pairs: bool) -> tuple[float, int]:
    """Median cold full-count time of ``text`` (ms) and its matches."""
    times, found = [], 0
    for _ in range(runs):
        collection = library.collection()
        index = collection.index
        if not pairs:
            index.has_pairs = lambda: False  # type: ignore[method-assign]
        start = time.perf_counter()
        found = len(collection.filter(Query(text), Context(ReadingState())))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep each library in DIR and reuse it")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "papershelf-bench")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        source = args.data / f"papers-{n}.jsonl"
        if not source.exists():
            print(f"generating {n:,} papers …", file=sys.stderr)
            write(n, source)
        home = args.data / f"phrase-home-{n}"
        env = {**os.environ}
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(home / name.lower())
        measured = home / "import.json"
        if args.reuse and measured.exists():
            figures = json.loads(measured.read_text())
        else:
            if home.exists():
                subprocess.run(["rm", "-rf", str(home)], check=True)
            print(f"importing {n:,} …", file=sys.stderr)
            figures = import_library(source, env)
            home.mkdir(parents=True, exist_ok=True)
            measured.write_text(json.dumps(figures))
        directory = home / "xdg_data_home" / "papershelf" / "library"
        before, after = index_sizes(directory / "index")
        print(f"\n{n:,} papers")
        print("| import papers/s | CPU µs/paper | peak RSS | index without pairs | with pairs | ratio |")
        print("|---|---|---|---|---|---|")
        print(
            f"| {figures['rate']:,.0f} | {figures['cpu_us']:,.0f} | {figures['rss']:,.0f} MB "
            f"| {before / 1e6:,.1f} MB | {after / 1e6:,.1f} MB | {after / before:.2f}× |"
        )
        library = Library(directory, readonly=True)
        print("\n| phrase | matches | full count from pairs (cold) | by reading the text (cold) |")
        print("|---|---|---|---|")
        for text in PHRASES:
            fast, found = phrase_ms(library, text, args.runs, pairs=True)
            slow, again = phrase_ms(library, text, args.runs, pairs=False)
            assert found == again, (text, found, again)
            print(f"| {text} | {found:,} | {fast:,.1f} ms | {slow:,.0f} ms |")


if __name__ == "__main__":
    main()
