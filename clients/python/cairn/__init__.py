"""cairn's Python client: log params, metrics, tags, artifacts and datasets of a run, MLflow-style.

    import cairn
    with cairn.start_run(name="baseline"):
        cairn.log_params({"lr": 0.01, "depth": 6})
        for step in range(100):
            cairn.log_metric("loss", 1 / (step + 1), step=step)

Inside a stage run by cairn (CAIRN_RUN_ID and CAIRN_EVENTS set) it logs to the stage's run; elsewhere it records a
run of its own in the repository and ingests it when the run ends, or, with CAIRN_TRACKING_URI=http(s)://..., sends it
to that cairn server while it runs. Standard library only. See docs/python-client.md.
"""
import logging
import os
import shutil
import uuid

from . import _hooks
from ._artifacts import ArtifactCopies
from ._lines import STATUSES, check_tags
from ._run import Run, RunInfo, stack
from ._server import ServerError, Shipper, is_server_uri, redact
from ._target import CairnError, ingest, own_run_file, stage_context, system_tags
from ._writer import EventsWriter

__version__ = "0.1.0"
__all__ = [
    "CairnError", "Run", "RunInfo", "active_run", "end_run", "flush", "log_artifact", "log_artifacts", "log_dict",
    "log_input", "log_metric", "log_metrics", "log_param", "log_params", "log_text", "set_experiment", "set_tag",
    "set_tags", "start_run",
]

_experiment = None
_writers = {}  # events file -> EventsWriter (one per file, shared by a run and its nested runs)
_stage_runs = {}  # (events file, run id) -> the stage's Run, reused by every start_run() in the stage


def set_experiment(name):
    """Names the experiment of the runs started from now on (outside a stage); created when first used."""
    global _experiment
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ValueError("cairn: experiment name must be a non-empty string, got %r" % (name,))
    _experiment = name


def _writer_for(path):
    writer = _writers.get(path)
    if writer is None or writer.closed:
        writer = EventsWriter(path)
        _writers[path] = writer
        _hooks.writers.append(writer)
    return writer


def _finish_own_run(root, shipper=None):
    """What ending a run of the client's own does: close its file and, in a repository, ingest it; for a server,
    send the rest (artifacts through `cairn runs ingest`, which uploads them) and remove the outbox file."""
    def finish(run, do_ingest):
        writer = run._writer
        writer.close()
        if writer in _hooks.writers:
            _hooks.writers.remove(writer)
        if shipper is not None:
            _finish_on_server(shipper, writer.path, root)
        elif root is not None and do_ingest:
            ingest(writer.path, root, os.environ)
    return finish


def _finish_on_server(shipper, path, root):
    uri = os.environ.get("CAIRN_TRACKING_URI", "")
    try:
        done = shipper.finish()
    except ServerError as err:
        logging.getLogger("cairn").warning("%s; the run stays in %s: send it with `CAIRN_TRACKING_URI=%s cairn runs "
                                           "ingest %s`", err, path, redact(uri), path)
        return
    later = "send it with `CAIRN_TRACKING_URI=%s cairn runs ingest %s`" % (redact(uri), path)
    if not done and not ingest(path, root, os.environ, later):
        return
    if os.path.exists(path):  # `cairn runs ingest` removes an outbox file of a repository itself
        os.remove(path)
    shutil.rmtree(path + ".d", ignore_errors=True)


def start_run(name=None, experiment=None, nested=False, tags=None, run_name=None, description=None):
    """Starts a run (or, inside a stage run by cairn, attaches to the stage's run) and makes it the active run.

    With nested=True the new run is a child of the active run (of the stage's run inside a stage)."""
    if name is None:
        name = run_name
    if name is not None and not isinstance(name, str):
        raise ValueError("cairn: run name must be a string, got %r" % (name,))
    if experiment is not None and (not isinstance(experiment, str) or not experiment.strip()):
        raise ValueError("cairn: experiment name must be a non-empty string, got %r" % (experiment,))
    checked_tags = check_tags(tags)
    if description is not None:
        checked_tags["mlflow.note.content"] = str(description)
    if stack and not nested:
        raise CairnError("cairn: run %s is already active; end it with cairn.end_run(), or start a nested run with "
                         "cairn.start_run(nested=True)" % stack[-1].id)
    stage = stage_context(os.environ)
    _hooks.install()
    if stage is not None and not nested and not stack:
        return _attach_stage_run(stage, checked_tags)
    run_id = uuid.uuid4().hex
    if stack or stage is not None:
        parent = stack[-1] if stack else _stage_run(stage)
        if stage is not None:
            # The child's run line may be the first line of the stage's file, which an ingester could take for the
            # file's default run: from now on the stage's run names itself on its lines too.
            _stage_run(stage).name_run_on_every_line()
        writer = parent._writer
        run = Run(run_id, writer, parent._copies, name=name, experiment=experiment or parent.experiment,
                  parent_id=parent.id, explicit_run_id=True)
    else:
        path, root = own_run_file(os.environ, os.getcwd(), run_id)
        writer = _writer_for(path)
        checked_tags = dict(system_tags(root or os.getcwd()), **checked_tags)
        shipper = None
        if is_server_uri(os.environ.get("CAIRN_TRACKING_URI")) and not os.environ.get("CAIRN_EVENTS"):
            shipper = Shipper(os.environ["CAIRN_TRACKING_URI"], path, os.environ)
        run = Run(run_id, writer, ArtifactCopies(path), name=name, experiment=experiment or _experiment,
                  explicit_run_id=not writer.was_empty, on_end=_finish_own_run(root, shipper))
    run.write_start(checked_tags)
    stack.append(run)
    return run


def _stage_run(stage):
    run = _stage_runs.get(stage)
    if run is None:
        path, run_id = stage
        run = Run(run_id, _writer_for(path), ArtifactCopies(path), attached=True)
        _stage_runs[stage] = run
    return run


def _attach_stage_run(stage, tags):
    run = _stage_run(stage)
    run.ended = False
    stack.append(run)
    if tags:
        run.set_tags(tags)
    return run


def active_run():
    """The innermost active run, or None."""
    return stack[-1] if stack else None


def end_run(status="FINISHED"):
    """Ends the active run (FINISHED, FAILED or KILLED); nothing happens when no run is active."""
    if status not in STATUSES:
        raise ValueError("cairn: status must be one of %s, got %r" % (", ".join(STATUSES), status))
    if stack:
        stack[-1].end(status)


def flush():
    """Writes every buffered line now (they are written at least every second anyway)."""
    _hooks.flush_all()


def _run():
    # As MLflow's fluent API: logging with no active run starts one.
    return stack[-1] if stack else start_run()


def log_metric(key, value, step=None, timestamp=None, synchronous=None):
    """Logs one point of metric `key` (step defaults to 0, timestamp to now in ms) to the active run.

    As in MLflow, synchronous=True returns only once the point is written (here: flushed to the events file)."""
    if stack:
        stack[-1].log_metric(key, value, step, timestamp)
    else:
        _run().log_metric(key, value, step, timestamp)
    if synchronous:
        flush()


def log_metrics(metrics, step=None, timestamp=None, synchronous=None):
    _run().log_metrics(metrics, step, timestamp)
    if synchronous:
        flush()


def log_param(key, value, synchronous=None):
    value = _run().log_param(key, value)
    if synchronous:
        flush()
    return value


def log_params(params, synchronous=None):
    _run().log_params(params)
    if synchronous:
        flush()


def set_tag(key, value, synchronous=None):
    _run().set_tag(key, value)
    if synchronous:
        flush()


def set_tags(tags, synchronous=None):
    _run().set_tags(tags)
    if synchronous:
        flush()


def log_artifact(local_path, artifact_path=None):
    _run().log_artifact(local_path, artifact_path)


def log_artifacts(local_dir, artifact_path=None):
    _run().log_artifacts(local_dir, artifact_path)


def log_dict(dictionary, artifact_file):
    _run().log_dict(dictionary, artifact_file)


def log_text(text, artifact_file):
    _run().log_text(text, artifact_file)


def log_input(name, digest, source=None, context=None, source_type=None):
    _run().log_input(name, digest, source=source, context=context, source_type=source_type)
