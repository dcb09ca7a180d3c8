#!/usr/bin/env python3
"""Writes cairn_client-<version>-py3-none-any.whl into a folder, with the standard library only.

pip cannot build this folder offline without the `wheel` package, and a wheel is only a zip with a known layout:
the package, then <name>.dist-info/ with METADATA, WHEEL and RECORD (sha256 digests in urlsafe base64 without
padding). Entries are sorted and dated 1980-01-01 (or SOURCE_DATE_EPOCH), so the same sources give the same bytes.

    python3 build_wheel.py [--quiet] OUT_DIR      prints the path of the wheel it wrote (unless --quiet)
"""
import base64
import hashlib
import os
import re
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "cairn"


def project_field(text, field):
    match = re.search(r'^%s\s*=\s*"([^"]+)"' % field, text, re.M)
    if not match:
        raise SystemExit("build_wheel: no %s in pyproject.toml" % field)
    return match.group(1)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def package_files():
    """(archive name, bytes) of every source file of the package, sorted."""
    root = os.path.join(HERE, PACKAGE)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".typed")):
                full = os.path.join(folder, name)
                found.append((os.path.relpath(full, HERE).replace(os.sep, "/"), read(full)))
    return found


def metadata(name, version, pyproject):
    summary = project_field(pyproject, "description")
    python = project_field(pyproject, "requires-python")
    readme = read(os.path.join(HERE, "README.md")).decode("utf-8")
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nLicense: Apache-2.0\nRequires-Python: %s\n"
            "Classifier: Programming Language :: Python :: 3\nDescription-Content-Type: text/markdown\n\n%s"
            % (name, version, summary, python, readme)).encode("utf-8")


def record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def build(out_dir):
    pyproject = read(os.path.join(HERE, "pyproject.toml")).decode("utf-8")
    name = project_field(pyproject, "name")
    init = read(os.path.join(HERE, PACKAGE, "__init__.py")).decode("utf-8")
    version = re.search(r'^__version__ = "([^"]+)"', init, re.M).group(1)
    dist_name = re.sub(r"[-_.]+", "_", name)
    dist_info = "%s-%s.dist-info" % (dist_name, version)
    files = package_files()
    files.append((dist_info + "/METADATA", metadata(name, version, pyproject)))
    files.append((dist_info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: cairn build_wheel.py\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    files.append((dist_info + "/top_level.txt", (PACKAGE + "\n").encode("ascii")))
    record = "".join(record_line(n, d) + "\n" for n, d in files) + dist_info + "/RECORD,,\n"
    files.append((dist_info + "/RECORD", record.encode("utf-8")))

    os.makedirs(out_dir, exist_ok=True)
    wheel = os.path.join(out_dir, "%s-%s-py3-none-any.whl" % (dist_name, version))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    date_time = time.gmtime(max(epoch, 315532800))[:6]
    temp = wheel + ".tmp"
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    os.replace(temp, wheel)  # never a half-written wheel under the final name
    return wheel


if __name__ == "__main__":
    args = sys.argv[1:]
    quiet = "--quiet" in args
    args = [a for a in args if a != "--quiet"]
    if len(args) != 1:
        sys.stderr.write("usage: python3 build_wheel.py [--quiet] OUT_DIR\n")
        sys.exit(2)
    wheel = build(args[0])
    if not quiet:
        print(wheel)
