"""One tracked run: the lines it appends to its events file, and how it ends."""
import os
from time import time_ns as _time_ns

from . import _artifacts
from ._lines import (
    STATUSES, _checked_keys, check_key, check_tags, json_line, metric_step, metric_timestamp, metric_value, now_ms,
    param_value, run_field, tag_value,
)

# The fluent API's active runs, innermost last (module-wide, as MLflow's fluent API before threads were considered).
stack = []


class RunInfo:
    """The MLflow-shaped description of a run (`run.info.run_id`), kept current as the run ends."""

    def __init__(self, run):
        self._run = run

    run_id = property(lambda self: self._run.id)
    run_name = property(lambda self: self._run.name)
    experiment_name = property(lambda self: self._run.experiment)
    parent_run_id = property(lambda self: self._run.parent_id)
    status = property(lambda self: self._run.status)
    start_time = property(lambda self: self._run.start_time)
    end_time = property(lambda self: self._run.end_time)


class Run:
    """A run being logged to. Usable as a context manager: leaving the block ends it (FAILED on an exception)."""

    def __init__(self, run_id, writer, copies, name=None, experiment=None, parent_id=None, attached=False,
                 explicit_run_id=False, on_end=None):
        self.id = run_id
        self.name = name
        self.experiment = experiment
        self.parent_id = parent_id
        # The stage's own run: cairn created it and ends it from the command's exit status, so no run/end lines.
        self.attached = attached
        self.status = "RUNNING"
        self.start_time = now_ms()
        self.end_time = None
        self.info = RunInfo(self)
        self._writer = writer
        self._lines = writer.lines
        self._chunk = writer.chunk_lines
        self._copies = copies
        self._rid = run_field(run_id) if explicit_run_id else ""
        self._params = {}
        self._on_end = on_end
        self._pid = os.getpid()
        self.ended = False

    def name_run_on_every_line(self):
        """Puts `"run_id"` on this run's lines from now on (a file it is not sure to be the default run of)."""
        self._rid = run_field(self.id)

    def __repr__(self):
        return "<cairn.Run id=%s name=%r status=%s>" % (self.id, self.name, self.status)

    # -- lines -------------------------------------------------------------------------------------------------

    def _append(self, line):
        if self.ended:
            raise RuntimeError("cairn: run %s has ended; start a new run with cairn.start_run()" % self.id)
        self._lines.append(line)
        if len(self._lines) >= self._chunk:
            self._writer.flush()

    def write_start(self, tags):
        run = {"id": self.id}
        if self.name is not None:
            run["name"] = self.name
        if self.experiment is not None:
            run["experiment"] = self.experiment
        if self.parent_id is not None:
            run["parent"] = self.parent_id
        run["start_time"] = self.start_time
        if tags:
            run["tags"] = tags
        self._append(json_line({"run": run}))

    # -- metrics (the hot path: no json.dumps, no lock, one list append) -------------------------------------

    def log_metric(self, key, value, step=None, timestamp=None):
        """Logs one point of the metric series `key` (step defaults to 0, timestamp to now, in ms)."""
        if self.ended:
            self._check_open()
        # Every step below is inlined for the common case (a checked key, a finite float, an int or no step and
        # timestamp); anything else takes the slower checking functions. About 0.6 us a call on this machine.
        try:
            if key not in _checked_keys:
                check_key(key, "metric")
        except TypeError:  # an unhashable key: let check_key say what is wrong with it
            check_key(key, "metric")
        v = repr(value) if type(value) is float and value - value == 0.0 else metric_value(key, value)
        if step is None:
            step = 0
        elif type(step) is not int:
            step = metric_step(step)
        if timestamp is None:
            timestamp = _time_ns() // 1000000
        elif type(timestamp) is not int:
            timestamp = metric_timestamp(timestamp)
        lines = self._lines
        lines.append(f'{{"metric":"{key}","value":{v},"step":{step},"timestamp":{timestamp}{self._rid}}}\n')
        if len(lines) >= self._chunk:
            self._writer.flush()

    def log_metrics(self, metrics, step=None, timestamp=None):
        """Logs several metrics at one step, as one line."""
        if not isinstance(metrics, dict):
            raise ValueError("cairn: log_metrics takes a dict of metric name to number, got %s" % type(metrics).__name__)
        if not metrics:
            return
        parts = []
        for key, value in metrics.items():
            check_key(key, "metric")
            parts.append('"%s":%s' % (key, metric_value(key, value)))
        s = metric_step(step)
        ts = metric_timestamp(timestamp)
        self._append('{"metrics":{%s},"step":%d,"timestamp":%d%s}\n' % (",".join(parts), s, ts, self._rid))

    # -- params and tags -----------------------------------------------------------------------------------------

    def _check_params(self, params):
        checked = {}
        for key, value in params.items():
            check_key(key, "param")
            text = param_value(key, value)
            before = self._params.get(key, checked.get(key))
            if before is not None and before != text:
                raise ValueError("cairn: param %r was already logged with value %r in run %s; params cannot change "
                                 "(log it under another key, or start a new run)" % (key, before, self.id))
            checked[key] = text
        return checked

    def log_param(self, key, value):
        """Logs a param (stored as str(value)); logging the same key again with another value is an error."""
        checked = self._check_params({key: value})
        self._append(json_line({"param": key, "value": checked[key]}, self._rid))
        self._params.update(checked)
        return value

    def log_params(self, params):
        if not isinstance(params, dict):
            raise ValueError("cairn: log_params takes a dict, got %s" % type(params).__name__)
        if not params:
            return
        checked = self._check_params(params)
        self._append(json_line({"params": checked}, self._rid))
        self._params.update(checked)

    def set_tag(self, key, value):
        check_key(key, "tag")
        self._append(json_line({"tag": key, "value": tag_value(key, value)}, self._rid))

    def set_tags(self, tags):
        checked = check_tags(tags)
        if checked:
            self._append(json_line({"tags": checked}, self._rid))

    # -- artifacts and inputs ------------------------------------------------------------------------------------

    def _artifact_line(self, artifact, folder):
        line = {"artifact": artifact}
        if folder:
            line["path"] = folder
        self._append(json_line(line, self._rid))

    def log_artifact(self, local_path, artifact_path=None):
        """Copies a file (or folder) now and logs it under `artifact_path` (a folder in the run's artifacts)."""
        folder = _artifacts.check_artifact_path(artifact_path)
        self._check_open()
        self._artifact_line(_artifacts.copy_artifact(self._copies, os.fspath(local_path), as_contents=False), folder)

    def log_artifacts(self, local_dir, artifact_path=None):
        """Copies the contents of a folder now and logs them under `artifact_path`."""
        folder = _artifacts.check_artifact_path(artifact_path)
        self._check_open()
        self._artifact_line(_artifacts.copy_artifact(self._copies, os.fspath(local_dir), as_contents=True), folder)

    def log_text(self, text, artifact_file):
        self._check_open()
        artifact, folder = _artifacts.write_text_artifact(self._copies, text, artifact_file)
        self._artifact_line(artifact, folder)

    def log_dict(self, dictionary, artifact_file):
        """Logs a dict as a JSON file, or YAML when artifact_file ends in .yaml/.yml."""
        if not isinstance(artifact_file, str):
            raise ValueError("cairn: artifact_file must be a file name such as 'config.json', got %r" % (artifact_file,))
        self.log_text(_artifacts.dict_text(dictionary, artifact_file), artifact_file)

    def log_input(self, name, digest, source=None, context=None, source_type=None):
        """Records a dataset the run used (name, digest such as a cairn oid, where it came from, and what for)."""
        dataset = {"name": _required_text(name, "name"), "digest": _required_text(digest, "digest")}
        for field, value in (("source", source), ("source_type", source_type), ("context", context)):
            if value is not None:
                dataset[field] = _required_text(value, field)
        self._append(json_line({"dataset": dataset}, self._rid))

    # -- ending --------------------------------------------------------------------------------------------------

    def _check_open(self):
        if self.ended:
            raise RuntimeError("cairn: run %s has ended; start a new run with cairn.start_run()" % self.id)

    def flush(self):
        """Writes the buffered lines to the events file now."""
        if os.getpid() == self._pid and not self._writer.closed:
            self._writer.flush()

    def end(self, status="FINISHED", ingest=True):
        """Ends the run (and any run nested in it that is still active), flushes and, outside a stage, ingests."""
        if status not in STATUSES:
            raise ValueError("cairn: status must be one of %s, got %r" % (", ".join(STATUSES), status))
        if self.ended:
            return
        if self in stack:
            for inner in reversed(stack[stack.index(self) + 1:]):
                inner.end(status, ingest)
        owner = os.getpid() == self._pid
        if owner and not self.attached and not self._writer.closed:
            self.end_time = now_ms()
            self._append(json_line({"end": {"status": status, "end_time": self.end_time}}, self._rid))
        self.status = status if not self.attached else self.status
        self.ended = True
        if self in stack:
            stack.remove(self)
        if owner and self._on_end is not None:
            self._on_end(self, ingest)
        elif not self._writer.closed:
            # Also in a forked child: its buffer holds only the lines it logged itself.
            self._writer.flush()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        from ._hooks import exit_status
        self.end(exit_status(exc_type, exc))
        return False


def _required_text(value, field):
    if not isinstance(value, str) or not value:
        raise ValueError("cairn: log_input: %s must be a non-empty string, got %r" % (field, value))
    return value
