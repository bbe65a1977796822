"""Benchmark of the library at several sizes: import, start-up, keystroke latency, memory.

    uv run python bench/app_bench.py [N ...] [--runs R] [--data DIR]

For each N (default 1k, 10k, 100k, 1M): generates N papers (bench/generate.py, cached in DIR),
imports them with ``papershelf add`` into a fresh library, then starts the real app headless
(120x40) R times and types "s", "sc", "sca", "scal", "scali" and five backspaces into the
filter. Prints a table of medians:

- import: papers/s and the import's peak RSS;
- start-up: process start to first rows painted, and the same for a bare Textual app with one
  Static measured in the same run (the floor);
- keystroke: key to the updated first screenful drawn, p50 and max over the ten keys; and key
  to the exact count;
- the app's peak RSS.
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

KEYS = ["s", "c", "a", "l", "i", "backspace", "backspace", "backspace", "backspace", "backspace"]


def run_probe(mode: str, env: dict[str, str]) -> dict[str, float | list[float]]:
    spawn = time.time()
    out = subprocess.run(
        [sys.executable, str(HERE / "app_probe.py"), mode, repr(spawn), *(KEYS if mode != "bare" else [])],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, float | list[float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def import_library(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """(papers/s, peak RSS MB) of ``papershelf add``."""
    papershelf = str(Path(sys.executable).parent / "papershelf")
    start = time.perf_counter()
    child = subprocess.Popen(
        [papershelf, "add", str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"import failed: {child.stderr.read().decode() if child.stderr else status}")
    lines = sum(1 for _ in path.open("rb"))
    return lines / seconds, usage.ru_maxrss / 1024


def ms(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="keep each library in DIR and reuse it (and its import figures)"
    )
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "papershelf-bench")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        source = args.data / f"papers-{n}.jsonl"
        if not source.exists():
            print(f"generating {n:,} papers …", file=sys.stderr)
            write(n, source)
        with tempfile.TemporaryDirectory() as scratch:
            home = args.data / f"home-{n}" if args.reuse else Path(scratch)
            env = {**os.environ}
            for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
                env[name] = str(home / name.lower())
            measured = home / "import.json"
            if args.reuse and measured.exists():
                rate, import_rss = json.loads(measured.read_text())
            else:
                print(f"importing {n:,} …", file=sys.stderr)
                rate, import_rss = import_library(source, env)
                home.mkdir(parents=True, exist_ok=True)
                measured.write_text(json.dumps([rate, import_rss]))
            startups, floors, p50s, maxes, exacts, rss = [], [], [], [], [], []
            for run in range(args.runs):
                floor = run_probe("bare", env)
                probe = run_probe("library", env)
                floors.append(float(floor["startup"]))  # type: ignore[arg-type]
                startups.append(float(probe["startup"]))  # type: ignore[arg-type]
                screenful = probe["screenful"]
                exact = probe["exact"]
                assert isinstance(screenful, list)
                assert isinstance(exact, list)
                p50s.append(statistics.median(screenful))
                maxes.append(max(screenful))
                exacts.append(max(exact))
                rss.append(float(probe["rss_mb"]))  # type: ignore[arg-type]
                print(f"  run {run + 1}: {json.dumps(probe)}", file=sys.stderr)
            med = statistics.median
            rows.append(
                (
                    f"{n:,}",
                    ms(med(startups)),
                    ms(med(floors)),
                    ms(med(startups) - med(floors)),
                    f"{ms(med(p50s))} / {ms(med(maxes))}",
                    ms(med(exacts)),
                    f"{med(rss):,.0f} MB",
                    f"{rate:,.0f}/s",
                    f"{import_rss:,.0f} MB",
                )
            )
    header = (
        "N",
        "start-up",
        "bare floor",
        "start-up − floor",
        "key → first screenful p50 / max",
        "key → exact count (max)",
        "app peak RSS",
        "import",
        "import peak RSS",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
