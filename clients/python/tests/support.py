"""Shared pieces of the client's tests: temp folders, a stage-like environment, and scripts run in a subprocess."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if CLIENT_DIR not in sys.path:
    sys.path.insert(0, CLIENT_DIR)  # the tests import the client from this checkout, whatever the working folder
RUN_ID = "0123456789abcdef0123456789abcdef"


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text == "" or text.endswith("\n"), "every line ends with a newline: %r" % text[-80:]
    return [json.loads(line) for line in text.splitlines()]


def raw_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def clean_env(**extra):
    """The test process's environment without any cairn variable, plus `extra`, with the client on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    env["PYTHONPATH"] = CLIENT_DIR
    env.update(extra)
    return env


def run_python(code, cwd, env, timeout=60):
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cairn-py-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def stage_env(self, **extra):
        """What cairn gives a stage: CAIRN_RUN_ID and CAIRN_EVENTS."""
        self.events = os.path.join(self.tmp, "events.jsonl")
        return clean_env(CAIRN_RUN_ID=RUN_ID, CAIRN_EVENTS=self.events, **extra)

    def no_cairn_env(self, **extra):
        """An environment whose CAIRN_BIN does not exist: ingestion fails and runs stay pending."""
        return clean_env(CAIRN_BIN=os.path.join(self.tmp, "no-cairn"), **extra)

    def repo(self):
        """A folder with `.cairn/` (all the client needs of a repository)."""
        root = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(root, ".cairn"))
        return root

    def pending_files(self, root):
        folder = os.path.join(root, ".cairn", "tracking", "pending")
        return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".jsonl"))


class InProcessTest(TempDirTest):
    """Runs the client inside the test process against a stage-like events file, resetting its state after."""

    def setUp(self):
        super().setUp()
        import cairn
        self.cairn = cairn
        saved = dict(os.environ)
        env = self.stage_env()
        os.environ.pop("CAIRN_TRACKING_URI", None)
        os.environ["CAIRN_RUN_ID"] = env["CAIRN_RUN_ID"]
        os.environ["CAIRN_EVENTS"] = env["CAIRN_EVENTS"]
        self.addCleanup(self._reset, saved)

    def _reset(self, saved):
        from cairn import _hooks
        _hooks.end_all("FINISHED", ingest=False)
        for writer in list(_hooks.writers):
            writer.close()
        del _hooks.writers[:]
        self.cairn._writers.clear()
        self.cairn._stage_runs.clear()
        os.environ.clear()
        os.environ.update(saved)

    def lines(self):
        self.cairn.flush()
        return read_lines(self.events) if os.path.exists(self.events) else []
