"""Stage `prepare`: parse every e-mail of the corpus, tokenize it, and split train/test by a seeded shuffle.

Usage: python3 prepare.py <corpus-dir> <out-dir> [--params params.yaml]
Writes <out-dir>/train.jsonl and <out-dir>/test.jsonl, one {"id", "label", "tokens"} per line.
"""
import argparse
import json
import os
import random

from common import fail, label_for, load_params, mail_text, require, tokenize


def list_mails(corpus):
    """Every regular file below the corpus folder whose top folder names a label, sorted for determinism."""
    found = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(".cairn"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), corpus).replace(os.sep, "/")
            label = label_for(rel)
            if label is not None:
                found.append((rel, label))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args()
    params = load_params(args.params, "prepare")
    seed = require(params, "seed", int, "prepare")
    test_fraction = require(params, "test_fraction", float, "prepare", 0.05, 0.95)

    if not os.path.isdir(args.corpus):
        fail(f"corpus folder {args.corpus} does not exist")
    mails = list_mails(args.corpus)
    labels = {label for _, label in mails}
    if labels != {"ham", "spam"}:
        fail(f"corpus {args.corpus} needs both ham and spam mails (folders *ham*/ and spam*/), found {sorted(labels) or 'none'}")

    random.Random(seed).shuffle(mails)
    n_test = max(1, round(len(mails) * test_fraction))
    splits = {"test": mails[:n_test], "train": mails[n_test:]}
    os.makedirs(args.out, exist_ok=True)
    for split, items in splits.items():
        path = os.path.join(args.out, f"{split}.jsonl")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            # Rows are sorted by id so the file only depends on which mails landed in the split.
            for rel, label in sorted(items):
                with open(os.path.join(args.corpus, rel), "rb") as mail:
                    tokens = tokenize(mail_text(mail.read()))
                f.write(json.dumps({"id": rel, "label": label, "tokens": tokens}) + "\n")
        os.replace(path + ".tmp", path)
    counts = {s: sum(1 for _, l in items if l == "spam") for s, items in splits.items()}
    print(f"prepare: {len(mails)} mails -> train {len(splits['train'])} ({counts['train']} spam), "
          f"test {len(splits['test'])} ({counts['test']} spam), seed {seed}")


if __name__ == "__main__":
    main()
