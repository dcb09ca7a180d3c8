"""Copies of logged artifacts under `<events file>.d/<n>/`, taken at log time (as MLflow uploads at log time)."""
import json
import math
import os
import posixpath
import shutil


def check_artifact_path(artifact_path, what="artifact_path"):
    """A relative folder inside the run's artifacts, in POSIX form; None stays None (the artifacts' root)."""
    if artifact_path is None:
        return None
    if not isinstance(artifact_path, str):
        raise ValueError("cairn: %s must be a string, got %r" % (what, artifact_path))
    path = artifact_path.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):  # POSIX or Windows absolute
        raise ValueError("cairn: %s %r must be relative (a folder inside the run's artifacts)" % (what, artifact_path))
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ValueError("cairn: %s %r must stay inside the run's artifacts (no '..')" % (what, artifact_path))
    return "/".join(parts) or None


class ArtifactCopies:
    """Numbered folders beside one events file; each logged artifact gets one."""

    def __init__(self, events_path):
        self.events_dir = os.path.dirname(events_path)
        self.root = events_path + ".d"
        self._next = 0

    def new_folder(self):
        os.makedirs(self.root, exist_ok=True)
        while True:
            self._next += 1
            folder = os.path.join(self.root, str(self._next))
            try:
                os.mkdir(folder)  # exclusive: a forked child logging too never shares a folder
                return folder
            except FileExistsError:
                continue

    def relative(self, path):
        """How a line names a copy: relative to the events file's folder, with forward slashes."""
        return os.path.relpath(path, self.events_dir).replace(os.sep, "/")


def copy_artifact(copies, local_path, as_contents):
    """Copies a file or folder; returns what the `artifact` line names (the folder whose contents are stored)."""
    if not os.path.exists(local_path):
        raise FileNotFoundError("cairn: cannot log artifact %r: no such file or folder" % (local_path,))
    folder = copies.new_folder()
    if os.path.isdir(local_path):
        if as_contents:
            shutil.copytree(local_path, folder, dirs_exist_ok=True)
            return copies.relative(folder)
        target = os.path.join(folder, os.path.basename(os.path.normpath(local_path)))
        shutil.copytree(local_path, target)
        return copies.relative(folder)
    if as_contents:
        raise NotADirectoryError("cairn: log_artifacts takes a folder; %r is a file (use log_artifact)" % (local_path,))
    target = os.path.join(folder, os.path.basename(local_path))
    shutil.copy2(local_path, target)
    return copies.relative(target)


def write_text_artifact(copies, text, artifact_file):
    """Writes `text` as <artifact_file>'s basename in a new copy folder; returns (line path, artifact folder)."""
    if not isinstance(artifact_file, str) or not artifact_file.strip("/"):
        raise ValueError("cairn: artifact_file must be a file name such as 'config.json', got %r" % (artifact_file,))
    checked = check_artifact_path(artifact_file, "artifact_file")
    folder, name = posixpath.split(checked)
    target = os.path.join(copies.new_folder(), name)
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    return copies.relative(target), folder or None


def dict_text(dictionary, artifact_file):
    """JSON, or YAML for a .yaml/.yml name (as MLflow's log_dict chooses)."""
    if artifact_file.lower().endswith((".yaml", ".yml")):
        return to_yaml(dictionary)
    return json.dumps(dictionary, indent=2, default=str) + "\n"


def to_yaml(value):
    """Block-style YAML of JSON-like data. Every string is double-quoted with JSON escapes (valid YAML), so no value
    can be read back as another type (no 'yes' turning into true, no '1e3' into a number)."""
    lines = []
    _yaml(value, 0, lines, None)
    return "\n".join(lines) + "\n"


def _scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    return json.dumps(v if isinstance(v, str) else str(v))


def _yaml(value, indent, lines, prefix):
    pad = " " * indent
    if isinstance(value, dict) and value:
        first = True
        for k, v in value.items():
            head = (prefix if first and prefix is not None else pad) + json.dumps(str(k)) + ":"
            first = False
            if isinstance(v, (dict, list, tuple)) and v:
                lines.append(head)
                _yaml(v, indent + 2, lines, None)
            else:
                lines.append(head + " " + _inline(v))
    elif isinstance(value, (list, tuple)) and value:
        first = True
        for item in value:
            dash = (prefix if first and prefix is not None else pad) + "- "
            first = False
            if isinstance(item, (dict, list, tuple)) and item:
                # The first entry of a nested block goes on the dash's line, the rest line up under it.
                _yaml(item, indent + 2, lines, dash)
            else:
                lines.append(dash + _inline(item))
    else:
        lines.append((prefix or pad) + _inline(value))


def _inline(v):
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, (list, tuple)):
        return "[]"
    return _scalar(v)
