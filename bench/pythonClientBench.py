"""Measurements of the Python client (run by clientsBench.mjs; prints one JSON object).

- a training loop doing real work per step (an SGD step of a small linear model in pure Python), timed without
  logging and with one log_metric per step: the slowdown must stay under 5%;
- 1,000,000 log_metric calls in a tight loop (at least 200,000 points/s), beside the machine's floor: f.write of
  the same lines pre-formatted;
- where a flush runs: on the logging thread once a chunk is full (what the client does) or handed to the flush thread;
- the cost of one metric line by hand formatting and by json.dumps.
"""
import json
import os
import random
import sys
import tempfile
import time
import timeit

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python")
sys.path.insert(0, CLIENT)
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
WORK = tempfile.mkdtemp(prefix="cairn-pybench-")
RUN_ID = "0123456789abcdef0123456789abcdef"
os.environ["CAIRN_RUN_ID"] = RUN_ID
import cairn  # noqa: E402
from cairn import _hooks  # noqa: E402


def events_file(name):
    path = os.path.join(WORK, name + ".jsonl")
    os.environ["CAIRN_EVENTS"] = path
    return path


def finish():
    _hooks.end_all("FINISHED", ingest=False)
    for writer in list(_hooks.writers):
        writer.close()
    del _hooks.writers[:]
    cairn._writers.clear()
    cairn._stage_runs.clear()


def train(steps, log):
    """SGD on a 1,000-feature linear model in pure Python (about 0.1 ms a step here): returns (wall, CPU) seconds."""
    rnd = random.Random(1)
    features = 1000
    w = [0.0] * features
    true_w = [rnd.uniform(-1, 1) for _ in range(features)]
    xs = [[rnd.uniform(-1, 1) for _ in range(features)] for _ in range(64)]
    ys = [sum(a * b for a, b in zip(true_w, x)) for x in xs]
    lr = 0.001
    start = time.perf_counter()
    cpu = time.process_time()
    for step in range(steps):
        x = xs[step & 63]
        err = sum(a * b for a, b in zip(w, x)) - ys[step & 63]
        g = lr * err
        w = [a - g * b for a, b in zip(w, x)]
        if log:
            cairn.log_metric("loss", err * err, step=step)
    # CPU time of the whole process (the flush thread included) is what logging costs; wall time on a shared
    # machine mostly measures the neighbours.
    return time.perf_counter() - start, time.process_time() - cpu


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def training_loop():
    steps = max(2000, int(20000 * SCALE))
    plain, logged = [], []
    train(500, False)
    for i in range(5):  # interleaved, so a burst of load on the machine hits both alike
        plain.append(train(steps, False))
        events_file("train%d" % i)
        cairn.start_run()
        logged.append(train(steps, True))
        finish()
    return {"steps": steps, "plain_wall": median([w for w, _ in plain]), "logged_wall": median([w for w, _ in logged]),
            "plain_cpu": median([c for _, c in plain]), "logged_cpu": median([c for _, c in logged])}


def tight_loop(points):
    events_file("tight")
    cairn.start_run()
    log_metric = cairn.log_metric
    start = time.perf_counter()
    for i in range(points):
        log_metric("loss", i * 0.001, step=i)
    cairn.end_run()
    finish()  # includes the last flush and the close
    return time.perf_counter() - start


def raw_floor(points):
    """The machine's floor for the same bytes: pre-formatted lines through a buffered file object."""
    lines = ['{"metric":"loss","value":%r,"step":%d,"timestamp":1796117065457}\n' % (i * 0.001, i) for i in range(points)]
    path = os.path.join(WORK, "raw.jsonl")
    start = time.perf_counter()
    with open(path, "w") as f:
        write = f.write
        for line in lines:
            write(line)
    return time.perf_counter() - start


def flush_on_thread(points):
    """The alternative the client does not take: hand a full chunk to the flush thread instead of writing it."""
    events_file("thread")
    run = cairn.start_run()
    writer = run._writer

    class HandToThread:
        lines = writer.lines
        chunk_lines = writer.chunk_lines
        closed = False

        def flush(self):
            if len(self.lines) >= 4 * self.chunk_lines:
                writer.flush()  # the thread is behind: memory must stay bounded
            else:
                writer._wake.set()

    run._writer = HandToThread()
    start = time.perf_counter()
    for i in range(points):
        run.log_metric("loss", i * 0.001, step=i)
    run._writer = writer
    cairn.end_run()
    finish()
    return time.perf_counter() - start


def line_costs():
    k, v, s, ts = "train/loss", 0.123456789, 5, 1796117065457
    n = 200000
    hand = timeit.timeit(lambda: '{"metric":"%s","value":%s,"step":%d,"timestamp":%d%s}\n' % (k, repr(v), s, ts, ""), number=n)
    dumps = timeit.timeit(lambda: json.dumps({"metric": k, "value": v, "step": s, "timestamp": ts}, separators=(",", ":")) + "\n", number=n)
    return {"hand_us": hand / n * 1e6, "json_us": dumps / n * 1e6}


def main():
    points = max(20000, int(1000000 * SCALE))
    tight = median([tight_loop(points) for _ in range(3)])
    thread = median([flush_on_thread(points) for _ in range(3)])
    floor = median([raw_floor(points) for _ in range(3)])
    print(json.dumps({"python": sys.version.split()[0], "points": points, "tight": tight, "thread": thread,
                      "floor": floor, "train": training_loop(), "line": line_costs()}))


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil
        shutil.rmtree(WORK, ignore_errors=True)
