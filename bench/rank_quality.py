"""How well "for you" finds papers of a starred topic, on real arXiv abstracts.

    uv run python bench/rank_quality.py [--k 10] [--seeds 3] [--data bench/data/...jsonl.gz]

Stars ``k`` random papers whose primary arXiv category is C, ranks every other paper, and
reports precision@20 (the share of the 20 best unstarred papers whose primary category is C),
per category and as the mean over categories and seeds. Beside papershelf's ranker
(papershelf.rank: hashed words of text, title and authors, sublinear tf-idf; LinearSVC on stars plus a
background sample of 10,000) it runs arxiv-sanity-lite's method on the same stars: TfidfVectorizer (word
1-2-grams, 20,000 features, sublinear tf, max_df 0.1, min_df 5, English stop words) over title,
abstract and authors, and LinearSVC(C=0.01, class_weight="balanced") trained on all papers.

The data (bench/data/arxiv-cs-ai-2025-05.jsonl.gz) are real arXiv records; see
tests/fixtures/README for their origin.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from papershelf.model import Paper
from papershelf.rank.features import FeatureRows
from papershelf.rank.matrix import FeatureMatrix
from papershelf.rank.taste import BACKGROUND, C, train

DATA = Path(__file__).parent / "data" / "arxiv-cs-ai-2025-05.jsonl.gz"
TOP = 20


def load(path: Path) -> list[Paper]:
    papers = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            papers.append(
                Paper(
                    title=record["title"],
                    abstract=record["abstract"],
                    authors=tuple(record["authors"]),
                    arxiv_id=record["arxiv_id"],
                    categories=tuple(record["categories"]),
                    published=record["published"],
                )
            )
    return papers


Ranker = Callable[[np.ndarray], np.ndarray]


def papershelf_ranker(papers: list[Paper], **options: float) -> Ranker:
    rows = FeatureRows.from_papers(enumerate(papers))
    matrix_options = {k: v for k, v in options.items() if k in ("min_df", "max_df")}
    if "author" in options:
        matrix_options["field_weights"] = (1.0, options.get("title", 1.0), options["author"])  # type: ignore[assignment]
    matrix = FeatureMatrix.build([rows], len(papers), **matrix_options)  # type: ignore[arg-type]
    c = float(options.get("c", C))
    background = int(options.get("background", BACKGROUND))

    def rank(starred: np.ndarray) -> np.ndarray:
        return train(matrix, starred, c=c, background=background).scores(matrix)

    return rank


def sanity_ranker(papers: list[Paper]) -> Ranker:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.svm import LinearSVC  # noqa: PLC0415

    texts = [f"{p.title} | {p.abstract} {', '.join(p.authors)}" for p in papers]
    vectorizer = TfidfVectorizer(
        input="content",
        encoding="utf-8",
        decode_error="replace",
        strip_accents="unicode",
        lowercase=True,
        analyzer="word",
        stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
        ngram_range=(1, 2),
        max_features=20_000,
        norm="l2",
        use_idf=True,
        smooth_idf=True,
        sublinear_tf=True,
        max_df=0.1,
        min_df=5,
    )
    x = vectorizer.fit_transform(texts)

    def rank(starred: np.ndarray) -> np.ndarray:
        y = np.zeros(len(papers), dtype=np.int8)
        y[starred] = 1
        clf = LinearSVC(class_weight="balanced", max_iter=10_000, tol=1e-4, C=0.01)
        clf.fit(x, y)
        return np.asarray(clf.decision_function(x))

    return rank


def precision(scores: np.ndarray, starred: np.ndarray, relevant: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    order = order[~np.isin(order, starred)][:TOP]
    return float(relevant[order].mean())


def evaluate(
    papers: list[Paper], rankers: dict[str, Ranker], categories: list[str], k: int, seeds: int
) -> dict[str, dict[str, float]]:
    primary = np.asarray([p.categories[0] if p.categories else "" for p in papers])
    table: dict[str, dict[str, float]] = {name: {} for name in rankers}
    for category in categories:
        members = np.flatnonzero(primary == category)
        relevant = primary == category
        for name, rank in rankers.items():
            values = []
            for seed in range(seeds):
                starred = np.random.default_rng(seed).choice(members, size=k, replace=False)
                values.append(precision(rank(starred), starred, relevant))
            table[name][category] = float(np.mean(values))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--categories", type=int, default=6, help="the N largest primary categories")
    parser.add_argument("--tune", action="store_true", help="also try other C, field weights, df cut-offs")
    args = parser.parse_args()
    papers = load(args.data)
    counts = Counter(p.categories[0] for p in papers if p.categories)
    categories = [c for c, _ in counts.most_common(args.categories)]
    started = time.perf_counter()
    rankers: dict[str, Ranker] = {"papershelf": papershelf_ranker(papers)}
    built = time.perf_counter() - started
    started = time.perf_counter()
    rankers["arxiv-sanity-lite"] = sanity_ranker(papers)
    sanity_built = time.perf_counter() - started
    if args.tune:
        for c in (0.003, 0.03, 0.1):
            rankers[f"C={c}"] = papershelf_ranker(papers, c=c)
        for title, author in ((0.0, 0.0), (2.0, 0.5), (1.0, 1.0), (1.0, 0.0)):
            rankers[f"title={title} author={author}"] = papershelf_ranker(papers, title=title, author=author)
        for background in (1000, 2000):
            rankers[f"background={background}"] = papershelf_ranker(papers, background=background)
        for max_df in (0.05, 0.2, 0.5):
            rankers[f"max_df={max_df}"] = papershelf_ranker(papers, max_df=max_df)
    table = evaluate(papers, rankers, categories, args.k, args.seeds)
    print(f"{len(papers)} papers, k={args.k} starred, {args.seeds} seeds, precision@{TOP} among unstarred")
    print(f"features: papershelf {built:.2f} s, arxiv-sanity-lite tf-idf {sanity_built:.2f} s")
    header = f"{'method':<28}" + "".join(f"{c:>9}" for c in categories) + f"{'mean':>9}"
    print(header)
    for name, row in table.items():
        cells = "".join(f"{row[c]:>9.3f}" for c in categories)
        print(f"{name:<28}{cells}{np.mean(list(row.values())):>9.3f}")


if __name__ == "__main__":
    main()
