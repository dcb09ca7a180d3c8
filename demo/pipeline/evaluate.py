"""Stage `evaluate`: score the test split, write precision/recall/F1/accuracy, a confusion matrix and a PR curve.

Usage: python3 evaluate.py <model.json> <test.jsonl> <metrics.json> <plots-dir>
Writes metrics.json, <plots-dir>/confusion.json and <plots-dir>/pr_curve.csv.
"""
import argparse
import json
import os

from common import fail, write_json


def spam_score(model, tokens):
    """log P(spam | mail) - log P(ham | mail): positive means the classifier says spam."""
    ll = model["log_likelihood"]
    score = model["log_prior"]["spam"] - model["log_prior"]["ham"]
    for t in tokens:
        if t in ll["spam"]:
            score += ll["spam"][t] - ll["ham"][t]
    return score


def rates(tp, fp, fn, tn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / (tp + fp + fn + tn) if tp + fp + fn + tn else 0.0
    return precision, recall, f1, accuracy


def pr_curve(scored):
    """(threshold, precision, recall) at every distinct score, from the strictest threshold to the loosest."""
    positives = sum(1 for _, is_spam in scored if is_spam)
    points, tp, fp = [], 0, 0
    ordered = sorted(scored, key=lambda s: -s[0])
    for i, (score, is_spam) in enumerate(ordered):
        tp += is_spam
        fp += not is_spam
        if i + 1 < len(ordered) and ordered[i + 1][0] == score:
            continue
        points.append((score, tp / (tp + fp), tp / positives if positives else 0.0))
    return points


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("test")
    parser.add_argument("metrics")
    parser.add_argument("plots")
    args = parser.parse_args()
    try:
        with open(args.model, encoding="utf-8") as f:
            model = json.load(f)
        with open(args.test, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError as err:
        fail(f"{err.filename} does not exist (run the earlier stages first)")
    if not rows:
        fail(f"test split {args.test} is empty")

    scored = [(spam_score(model, row["tokens"]), row["label"] == "spam") for row in rows]
    tp = sum(1 for s, y in scored if s > 0 and y)
    fp = sum(1 for s, y in scored if s > 0 and not y)
    fn = sum(1 for s, y in scored if s <= 0 and y)
    tn = sum(1 for s, y in scored if s <= 0 and not y)
    precision, recall, f1, accuracy = rates(tp, fp, fn, tn)
    write_json(args.metrics, {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round(accuracy, 4),
        "test_mails": len(rows),
    })
    # One record per test mail, as DVC's confusion template reads them (`cairn plots` counts them into the matrix).
    label = lambda is_spam: "spam" if is_spam else "ham"
    write_json(os.path.join(args.plots, "confusion.json"),
               [{"actual": label(y), "predicted": label(s > 0)} for s, y in scored])
    with open(os.path.join(args.plots, "pr_curve.csv"), "w", encoding="utf-8") as f:
        f.write("threshold,precision,recall\n")
        for threshold, p, r in pr_curve(scored):
            f.write(f"{threshold:.4f},{p:.4f},{r:.4f}\n")
    print(f"evaluate: precision {precision:.4f}  recall {recall:.4f}  f1 {f1:.4f}  accuracy {accuracy:.4f} "
          f"on {len(rows)} test mails")


if __name__ == "__main__":
    main()
