"""Stage `train`: a multinomial naive Bayes spam classifier with a capped vocabulary and additive smoothing.

Usage: python3 train.py <train.jsonl> <model.json> [--params params.yaml]
"""
import argparse
import json
import math
from collections import Counter

from common import fail, load_params, require, write_json

LABELS = ("ham", "spam")


def read_rows(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        fail(f"training data {path} does not exist (run the prepare stage first)")


def build_vocabulary(rows, size):
    """The `size` tokens found in the most mails; ties broken alphabetically so the result is deterministic."""
    doc_freq = Counter()
    for row in rows:
        doc_freq.update(set(row["tokens"]))
    ranked = sorted(doc_freq.items(), key=lambda kv: (-kv[1], kv[0]))
    return sorted(token for token, _ in ranked[:size])


def train(rows, vocab_size, alpha):
    vocab = build_vocabulary(rows, vocab_size)
    index = set(vocab)
    counts = {label: Counter() for label in LABELS}
    docs = Counter()
    for row in rows:
        docs[row["label"]] += 1
        counts[row["label"]].update(t for t in row["tokens"] if t in index)
    total_docs = sum(docs.values())
    model = {"vocab_size": len(vocab), "alpha": alpha, "labels": list(LABELS), "log_prior": {}, "log_likelihood": {},
             "log_unseen": {}}
    for label in LABELS:
        if docs[label] == 0:
            fail(f"the training data has no {label} mails; check the corpus and the split")
        total = sum(counts[label].values()) + alpha * len(vocab)
        model["log_prior"][label] = round(math.log(docs[label] / total_docs), 10)
        model["log_likelihood"][label] = {t: round(math.log((counts[label][t] + alpha) / total), 10) for t in vocab}
        model["log_unseen"][label] = round(math.log(alpha / total), 10)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train")
    parser.add_argument("model")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args()
    params = load_params(args.params, "train")
    vocab_size = require(params, "vocab_size", int, "train", 10, 1_000_000)
    alpha = require(params, "alpha", float, "train", 1e-6, 100.0)
    rows = read_rows(args.train)
    model = train(rows, vocab_size, alpha)
    write_json(args.model, model)
    print(f"train: {len(rows)} mails, vocabulary {model['vocab_size']} tokens, alpha {alpha}")


if __name__ == "__main__":
    main()
