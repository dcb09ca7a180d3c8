"""Where a run's lines go: the stage's events file, or a pending file in the repository, and how it is ingested."""
import getpass
import logging
import os
import shutil
import subprocess
import sys
import tempfile

from ._lines import check_run_id
from ._server import is_server_uri, redact, server_address

log = logging.getLogger("cairn")


class CairnError(Exception):
    """The client cannot do what was asked (no repository, an unsupported tracking URI...); the message says why."""


def stage_context(env):
    """(events file, run id) when running inside a stage run by cairn, else None."""
    events = env.get("CAIRN_EVENTS")
    run_id = env.get("CAIRN_RUN_ID")
    if not events or not run_id:
        return None
    check_run_id(run_id, "the environment variable CAIRN_RUN_ID")
    return os.path.abspath(events), run_id


def find_repo_root(start):
    """The nearest folder at or above `start` that holds `.cairn/`, else None."""
    folder = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(folder, ".cairn")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def own_run_file(env, cwd, run_id):
    """(events file, repo root or None) for a run the client creates itself; the root is set when it must ingest."""
    events = env.get("CAIRN_EVENTS")
    if events:
        # A file chosen by the user (no CAIRN_RUN_ID): the run line goes in it, and whoever chose it ingests it.
        events = os.path.abspath(events)
        os.makedirs(os.path.dirname(events), exist_ok=True)
        return events, None
    root = find_repo_root(cwd)
    if is_server_uri(env.get("CAIRN_TRACKING_URI")):
        if server_address(env["CAIRN_TRACKING_URI"]) is None:
            raise CairnError("cairn: CAIRN_TRACKING_URI=%s is not a valid tracking server URL; write it as "
                             "http://host:port, e.g. http://127.0.0.1:5000" % redact(env["CAIRN_TRACKING_URI"]))
        # For a server: an outbox file, sent while the run goes on and removed once the server has all of it.
        outbox = os.path.join(root, ".cairn", "tracking", "outbox") if root else os.path.join(tempfile.gettempdir(), "cairn-outbox")
        os.makedirs(outbox, exist_ok=True)
        return os.path.join(outbox, run_id + ".jsonl"), root or os.path.abspath(cwd)
    if root is None:
        raise CairnError("cairn: no cairn repository here (no .cairn/ folder in %s or any parent), and this is not a "
                         "stage run by cairn (CAIRN_EVENTS is not set). Run the script from inside a cairn repository "
                         "(`cairn init` makes one), run it as a pipeline stage (`cairn repro`), set CAIRN_EVENTS to "
                         "the events file to write, or set CAIRN_TRACKING_URI to a cairn server." % os.path.abspath(cwd))
    pending = os.path.join(root, ".cairn", "tracking", "pending")
    os.makedirs(pending, exist_ok=True)
    return os.path.join(pending, run_id + ".jsonl"), root


# Where cairn's own CLI is when this client is the clients/python folder of an installed cairn package.
_PACKAGE_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
_PACKAGE_CLI = os.path.join(_PACKAGE_ROOT, "bin", "cairn.js")


def cairn_command(env):
    """The argv prefix that runs cairn: CAIRN_BIN (an executable, or a .js file run with node), else the cairn package
    this client came with, else `cairn` on PATH."""
    configured = env.get("CAIRN_BIN")
    if not configured and os.path.isfile(os.path.join(_PACKAGE_ROOT, "package.json")) and os.path.isfile(_PACKAGE_CLI):
        configured = _PACKAGE_CLI
    if configured:
        if configured.endswith((".js", ".mjs", ".cjs")):
            node = shutil.which("node")
            return [node, configured] if node else None
        return [configured]
    found = shutil.which("cairn")
    return [found] if found else None


def ingest(events_file, root, env, later=None):
    """Runs `cairn runs ingest <file>`; when that is impossible the file stays pending and nothing is lost."""
    later = later or "the next `cairn runs` or `cairn exp` command in %s ingests it" % root
    command = cairn_command(env)
    if command is None:
        log.warning("cairn: run recorded in %s, but `cairn` was not found (set CAIRN_BIN or put cairn on PATH); %s",
                    events_file, later)
        return False
    try:
        result = subprocess.run(command + ["runs", "ingest", events_file], cwd=root, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    except (OSError, subprocess.SubprocessError) as err:
        log.warning("cairn: could not run `%s runs ingest` (%s); %s", " ".join(command), err, later)
        return False
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        log.warning("cairn: `cairn runs ingest %s` failed (exit %d): %s; %s",
                    events_file, result.returncode, " ".join(detail), later)
        return False
    if not os.path.exists(events_file):
        # Fully ingested (cairn removed the pending file): the artifact copies are in the cache now.
        shutil.rmtree(events_file + ".d", ignore_errors=True)
    return True


def system_tags(root):
    """MLflow's system tags for a run started outside cairn, so MLflow-minded tools find it by user, script, commit."""
    tags = {"mlflow.source.type": "LOCAL"}
    try:
        tags["mlflow.user"] = getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        pass
    script = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if script and script != "-c" and os.path.exists(script):
        tags["mlflow.source.name"] = os.path.relpath(os.path.abspath(script), root) if root else os.path.abspath(script)
    commit = _git_commit(root)
    if commit:
        tags["mlflow.source.git.commit"] = commit
    return tags


def _git_commit(root):
    if not root:
        return None
    try:
        out = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.decode("ascii", "replace").strip()
    return text if out.returncode == 0 and len(text) == 40 else None
