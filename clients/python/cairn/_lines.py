"""Checks keys and values, and builds the lines of an events file (docs/formats.md, "Events file").

The metric lines are formatted by hand: keys are checked against MLflow's character set, so they never need JSON
escaping, and the f-string is about six times faster than json.dumps (see bench/pythonClientBench.mjs).
"""
import json
import operator
import posixpath
import re
import time

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
STATUSES = ("FINISHED", "FAILED", "KILLED")

_KEY_CHARS = re.compile(r"[A-Za-z0-9_\-. /]+\Z")
_RUN_ID = re.compile(r"[0-9a-f]{32}\Z")
# Keys already checked, so the hot path of log_metric is one set lookup. Bounded: a loop that invents a new key at
# every step must not grow memory without end (those keys are simply checked each time).
_checked_keys = set()
_MAX_CHECKED_KEYS = 10000


def now_ms():
    return time.time_ns() // 1000000


def check_key(key, kind):
    """Raises ValueError unless `key` is a valid metric/param/tag name (MLflow's rules); returns it."""
    try:
        if key in _checked_keys:
            return key
    except TypeError:
        pass
    if not isinstance(key, str):
        raise ValueError("cairn: %s key %r must be a string, not %s" % (kind, key, type(key).__name__))
    if not key:
        raise ValueError("cairn: %s key must not be empty" % kind)
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError("cairn: %s key %r is %d characters long; the limit is %d"
                         % (kind, key[:40] + "...", len(key), MAX_KEY_LENGTH))
    if not _KEY_CHARS.match(key):
        raise ValueError("cairn: invalid %s key %r: keys may only contain ASCII letters, digits, underscores (_), "
                         "dashes (-), periods (.), spaces ( ) and slashes (/)" % (kind, key))
    norm = posixpath.normpath(key)
    if norm != key or norm == "." or norm.startswith("..") or norm.startswith("/"):
        raise ValueError("cairn: invalid %s key %r: keys are also used as file paths and must not resolve to another "
                         "name (this one resolves to %r)" % (kind, key, norm))
    if len(_checked_keys) < _MAX_CHECKED_KEYS:
        _checked_keys.add(key)
    return key


def check_run_id(run_id, where):
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
        raise ValueError("cairn: %s must be a run id of 32 lowercase hex characters, got %r" % (where, run_id))
    return run_id


def metric_value(key, value):
    """The JSON text of a metric value: repr of the float, or the spec's strings for NaN and infinities."""
    t = type(value)
    if t is not float:
        if t is int and -9007199254740992 <= value <= 9007199254740992:
            return repr(value)
        try:
            value = float(value)  # numpy and torch scalars, bools, big ints
        except (TypeError, ValueError, OverflowError):
            raise ValueError("cairn: metric %r: value %r is not a number" % (key, value)) from None
    if value - value == 0.0:
        return repr(value)
    if value != value:
        return '"NaN"'
    return '"Infinity"' if value > 0 else '"-Infinity"'


def metric_step(step):
    if step is None:
        return 0
    if type(step) is int:
        return step
    if isinstance(step, bool):
        raise ValueError("cairn: step must be an integer, got %r" % (step,))
    try:
        return operator.index(step)  # numpy integers
    except TypeError:
        raise ValueError("cairn: step must be an integer, got %r" % (step,)) from None


def metric_timestamp(timestamp):
    if timestamp is None:
        return now_ms()
    if type(timestamp) is int:
        return timestamp
    if isinstance(timestamp, bool):
        raise ValueError("cairn: timestamp must be milliseconds since the epoch (an integer), got %r" % (timestamp,))
    try:
        return operator.index(timestamp)
    except TypeError:
        raise ValueError("cairn: timestamp must be milliseconds since the epoch (an integer), got %r"
                         % (timestamp,)) from None


def _text_value(kind, key, value, limit):
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        raise ValueError("cairn: %s %r: value is %d characters long; the limit is %d" % (kind, key, len(text), limit))
    return text


def param_value(key, value):
    """Params are stored as strings, made the way MLflow makes them (str(value))."""
    return _text_value("param", key, value, MAX_PARAM_VALUE_LENGTH)


def tag_value(key, value):
    return _text_value("tag", key, value, MAX_TAG_VALUE_LENGTH)


def check_tags(tags):
    """A dict of checked tag keys to string values."""
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise ValueError("cairn: tags must be a dict of str to str, got %s" % type(tags).__name__)
    return {check_key(k, "tag"): tag_value(k, v) for k, v in tags.items()}


def json_line(obj, run_field=""):
    """Any non-metric line. ASCII-only JSON, so a lone surrogate in a value cannot break the UTF-8 file."""
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    return text[:-1] + run_field + "}\n"


def run_field(run_id):
    """The `"run_id"` member appended to every line of a run that is not its file's default run (nested runs)."""
    return ',"run_id":"%s"' % run_id
