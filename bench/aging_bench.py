"""Long use: does the library age? A base of N papers, then D daily imports of 40 papers (one
`papershelf add` process a day, as cron would run `fetch`), against a fresh import of the same
papers. Prints start-up, cold key-to-exact-count per key of "scali", segment and file counts.

    uv run python bench/aging_bench.py N D [--data /tmp/aging] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

KEYS = ["s", "sc", "sca", "scal", "scali"]
PROBE = """
import json, sys, time
t0 = time.perf_counter()
from papershelf.library.library import Library
from papershelf.store.paths import library_dir
library = Library(library_dir(), readonly=True)
collection = library.collection()
collection.row(0)
index = collection.index
start = time.perf_counter() - t0
keys = {}
for key in sys.argv[1:]:
    t = time.perf_counter()
    count = int(index.word_hits(key).sum())
    keys[key] = (time.perf_counter() - t, count)
print(json.dumps({"start": start, "keys": keys}))
"""


def run(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "papershelf", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"papershelf {' '.join(args)} ended with {done.returncode}:\n{done.stderr}")


def probe(env: dict[str, str], runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE, *KEYS], env=env, check=True, capture_output=True)
        results.append(json.loads(out.stdout))
    figures = {"start": statistics.median(r["start"] for r in results)}
    for key in KEYS:
        figures[key] = statistics.median(r["keys"][key][0] for r in results)
        figures[key + "#"] = results[0]["keys"][key][1]
    return figures


def counts(home: Path) -> tuple[int, int]:
    library = home / "papershelf" / "library"
    segments = sum(1 for p in (library / "index").iterdir())
    files = sum(1 for p in library.rglob("*"))
    return segments, files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("days", type=int)
    parser.add_argument("--data", type=Path, default=Path("/tmp/aging"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = args.data / f"{args.n}-{args.days}"
    data.mkdir(parents=True, exist_ok=True)
    every = data / "all.jsonl"
    if not every.exists():
        total = args.n + 40 * args.days
        generate = Path(__file__).with_name("generate.py")
        subprocess.run([sys.executable, str(generate), str(total), str(every)], check=True)
    lines = every.read_bytes().splitlines(keepends=True)
    (data / "base.jsonl").write_bytes(b"".join(lines[: args.n]))
    envs = {}
    for name in ("fresh", "aged"):
        home = data / name
        subprocess.run(["rm", "-rf", str(home)], check=True)
        home.mkdir()
        envs[name] = {**os.environ, "XDG_DATA_HOME": str(home), "XDG_STATE_HOME": str(home / "state")}
    started = time.perf_counter()
    run(envs["fresh"], "add", str(every))
    fresh_import = time.perf_counter() - started
    run(envs["aged"], "add", str(data / "base.jsonl"))
    day_times = []
    for day in range(args.days):
        chunk = lines[args.n + 40 * day : args.n + 40 * (day + 1)]
        path = data / "day.jsonl"
        path.write_bytes(b"".join(chunk))
        t = time.perf_counter()
        run(envs["aged"], "add", str(path))
        day_times.append(time.perf_counter() - t)
    rows = {name: probe(env, args.runs) for name, env in envs.items()}
    print(
        f"N = {args.n:,}, D = {args.days} days of 40; fresh import {fresh_import:.1f} s; "
        f"daily add median {statistics.median(day_times) * 1000:.0f} ms, max {max(day_times) * 1000:.0f} ms"
    )
    header = ["library", "start ms", *[f"{k!r} ms" for k in KEYS], "segments", "files"]
    print(" | ".join(header))
    for name in ("fresh", "aged"):
        figures = rows[name]
        segments, files = counts(Path(envs[name]["XDG_DATA_HOME"]))
        cells = [name, f"{figures['start'] * 1000:.0f}", *[f"{figures[k] * 1000:.1f}" for k in KEYS]]
        print(" | ".join([*cells, str(segments), str(files)]))
    same = all(rows["fresh"][k + "#"] == rows["aged"][k + "#"] for k in KEYS)
    ratio = max(rows["aged"][k] / max(rows["fresh"][k], 1e-4) for k in ["start", *KEYS])
    print(f"same counts: {same}; worst aged/fresh ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
