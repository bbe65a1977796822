"""A deterministic generator of realistic papers, in the arXiv metadata snapshot format.

    uv run python bench/generate.py N OUT.jsonl [--seed S]

Titles ~80 characters, abstracts ~1,500, 3-15 authors, dates 2007-2026, categories; words drawn
from a Zipf-like distribution over a research vocabulary plus generated rare words, so the
filter sees common prefixes ("s", "sc") and rare ones alike. The same N and seed always give
the same file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path

COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "for",
    "we",
    "is",
    "on",
    "with",
    "that",
    "by",
    "as",
    "are",
    "this",
    "from",
    "our",
    "model",
    "models",
    "learning",
    "data",
    "which",
    "be",
    "an",
    "language",
    "training",
    "large",
    "performance",
    "show",
    "results",
    "can",
    "method",
    "based",
    "using",
    "approach",
    "propose",
    "task",
    "tasks",
    "neural",
    "network",
    "networks",
    "these",
    "new",
    "deep",
    "it",
    "also",
    "two",
    "has",
    "their",
    "scaling",
    "scale",
    "scalable",
    "pretraining",
    "pre-training",
    "fine-tuning",
    "transformer",
    "transformers",
    "vision",
    "image",
    "images",
    "text",
    "representation",
    "representations",
    "generation",
    "generative",
    "diffusion",
    "attention",
    "benchmark",
    "benchmarks",
    "dataset",
    "datasets",
    "evaluation",
    "state-of-the-art",
    "experiments",
    "framework",
    "efficient",
    "efficiency",
    "inference",
    "optimization",
    "loss",
    "gradient",
    "parameters",
    "parameter",
    "compute",
    "reasoning",
    "reinforcement",
    "policy",
    "agent",
    "agents",
    "reward",
    "supervised",
    "self-supervised",
    "unsupervised",
    "contrastive",
    "multimodal",
    "multi-modal",
    "retrieval",
    "knowledge",
    "distillation",
    "teacher",
    "student",
    "sparse",
    "dense",
    "mixture",
    "experts",
    "memory",
    "context",
    "long-context",
    "tokens",
    "token",
    "tokenizer",
    "embedding",
    "embeddings",
    "encoder",
    "decoder",
    "autoregressive",
    "masked",
    "prediction",
    "downstream",
    "transfer",
    "zero-shot",
    "few-shot",
    "instruction",
    "alignment",
    "human",
    "feedback",
    "preference",
    "safety",
    "robustness",
    "adversarial",
    "uncertainty",
    "graph",
    "graphs",
    "molecular",
    "protein",
    "physics",
    "simulation",
    "video",
    "audio",
    "speech",
    "3d",
    "point",
    "cloud",
    "medical",
    "segmentation",
    "detection",
    "classification",
    "recognition",
    "tracking",
    "navigation",
    "robot",
    "robotic",
    "control",
    "accuracy",
    "improvement",
    "significantly",
    "outperforms",
    "existing",
    "methods",
    "previous",
    "work",
    "however",
    "while",
    "such",
    "more",
    "than",
    "into",
    "over",
    "under",
    "between",
    "across",
    "both",
    "each",
    "all",
    "only",
    "when",
    "where",
    "how",
    "what",
]

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "si",
    "tu",
    "vo",
    "ze",
    "pa",
    "qu",
    "xi",
    "ly",
    "chro",
    "neu",
    "mat",
    "syn",
    "geo",
    "cal",
    "bio",
    "tera",
    "flux",
    "morph",
]
FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Yann",
    "Geoffrey",
    "Fei-Fei",
    "Andrew",
    "Yoshua",
    "Ilya",
    "Demis",
    "Zoë",
    "Jürgen",
    "Chloé",
    "Raúl",
    "Wei",
    "Li",
]
LAST = [
    "Lovelace",
    "Turing",
    "Hopper",
    "LeCun",
    "Hinton",
    "Li",
    "Ng",
    "Bengio",
    "Sutskever",
    "Hassabis",
    "Müller",
    "Schmidhuber",
    "Zhang",
    "Wang",
]
CATEGORIES = [
    "cs.LG",
    "cs.AI",
    "cs.CL",
    "cs.CV",
    "stat.ML",
    "cs.RO",
    "cs.NE",
    "q-bio.QM",
    "physics.comp-ph",
    "math.OC",
]


def _rare_words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)]


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        rare = _rare_words(self.rng, 100_000)
        self.vocabulary = COMMON + rare
        # Zipf-like weights: the k-th word has weight 1/(k+1).
        self.cumulative = list(itertools.accumulate(1.0 / (k + 1) for k in range(len(self.vocabulary))))

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=n)

    def sentence(self, chars: int) -> str:
        out: list[str] = []
        length = 0
        while length < chars:
            chunk = self.words(12)
            out.extend(chunk)
            length += sum(len(w) + 1 for w in chunk)
        text = " ".join(out)[:chars].rsplit(" ", 1)[0]
        return text[0].upper() + text[1:] + "."

    def paper(self, number: int) -> dict[str, object]:
        rng = self.rng
        year = 2007 + number * 19 // 1_000_000 % 20
        month = rng.randint(1, 12)
        arxiv_id = f"{year % 100:02d}{month:02d}.{number % 100000:05d}"
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(3, 15))]
        title = self.sentence(rng.randint(50, 110)).rstrip(".").title()
        abstract = " ".join(self.sentence(rng.randint(120, 260)) for _ in range(rng.randint(6, 10)))
        return {
            "id": arxiv_id,
            "submitter": authors[0],
            "authors": ", ".join(authors[:-1]) + " and " + authors[-1],
            "title": title,
            "comments": f"{rng.randint(5, 40)} pages",
            "journal-ref": None,
            "doi": None,
            "categories": " ".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
            "license": None,
            "abstract": "  " + abstract,
            "versions": [{"version": "v1", "created": f"Mon, {rng.randint(1, 28)} Jan {year} 10:00:00 GMT"}],
            "update_date": f"{year}-{month:02d}-{rng.randint(1, 28):02d}",
            "authors_parsed": [[a.split(" ")[1], a.split(" ")[0], ""] for a in authors],
        }

    def papers(self, n: int) -> Iterator[dict[str, object]]:
        for number in range(n):
            yield self.paper(number)


def write(n: int, out: Path, seed: int = 7) -> Path:
    generator = Generator(seed)
    with out.open("w", encoding="utf-8") as handle:
        for record in generator.papers(n):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
