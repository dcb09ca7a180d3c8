"""Helpers shared by the demo stages: reading params.yaml and turning an e-mail into tokens.

Standard library only, so the demo runs on any machine with Python 3.8+.
"""
import email
import email.header
import email.policy
import html
import json
import os
import re
import sys

# Words of 2-25 characters: longer runs are almost always base64 or tracking junk that would bloat the vocabulary.
TOKEN_RE = re.compile(r"[a-z0-9$!][a-z0-9$!'_-]{1,24}")
TAG_RE = re.compile(r"<[^>]*>")
# A cap per mail so one huge message cannot dominate the word counts.
MAX_TOKENS_PER_MAIL = 3000


def fail(message):
    """Prints a one-line error for the person reading cairn's stage log, and stops with exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def _scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "~", ""):
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def parse_params_yaml(text, where="params.yaml"):
    """Parses the block-mapping subset of YAML that params files use: nested `key: value` maps and `#` comments.

    The standard library has no YAML reader; this subset is all the demo's params.yaml needs, and anything
    outside it is rejected with the line number rather than misread.
    """
    root = {}
    stack = [(-1, root)]
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if "\t" in line[:indent + 1]:
            raise ValueError(f"{where}:{number}: tabs are not allowed for indentation")
        key, sep, value = line.strip().partition(":")
        if not sep or not key or key.startswith("-"):
            raise ValueError(f"{where}:{number}: expected `key: value`, got {raw.strip()!r}")
        while stack and indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if value.strip() == "":
            child = {}
            parent[key.strip()] = child
            stack.append((indent, child))
        else:
            parent[key.strip()] = _scalar(value)
    return root


def load_params(path, section):
    """The mapping under `section` in the params file, with a clear error when the file or section is missing."""
    try:
        with open(path, encoding="utf-8") as f:
            params = parse_params_yaml(f.read(), path)
    except FileNotFoundError:
        fail(f"params file {path} does not exist")
    except ValueError as err:
        fail(str(err))
    if not isinstance(params.get(section), dict):
        fail(f"params file {path} has no `{section}:` section")
    return params[section]


def require(params, key, kind, section, low=None, high=None):
    """One typed parameter, checked against its range, so a bad edit of params.yaml fails with its name."""
    value = params.get(key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        fail(f"param {section}.{key} must be {'a number' if kind is float else 'an integer'}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        fail(f"param {section}.{key} must be between {low} and {high}, got {value!r}")
    return value


def _decode_header(value):
    if value is None:
        return ""
    out = []
    try:
        parts = email.header.decode_header(str(value))
    except Exception:  # malformed encoded-words: keep the raw text
        return str(value)
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(_decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return " ".join(out)


def _decode_bytes(data, charset):
    try:
        return data.decode(charset or "latin-1", errors="replace")
    except (LookupError, TypeError):
        # Unknown or bogus charset names are common in old spam; latin-1 never fails.
        return data.decode("latin-1", errors="replace")


def mail_text(raw):
    """Subject and the text of every text/* part of a raw RFC 822 message, decoded whatever its encoding."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    pieces = [_decode_header(msg.get("Subject"))]
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if payload is None:
            continue
        text = _decode_bytes(payload, part.get_content_charset())
        if part.get_content_subtype() == "html":
            text = html.unescape(TAG_RE.sub(" ", text))
        pieces.append(text)
    return "\n".join(pieces)


def tokenize(text):
    """Lower-cased word tokens, capped per mail so one huge message cannot dominate the counts."""
    return TOKEN_RE.findall(text.lower())[:MAX_TOKENS_PER_MAIL]


def label_for(relpath):
    """The corpus keeps spam in folders named spam-*, and ham in easy-ham-* / hard-ham-*."""
    top = relpath.replace(os.sep, "/").split("/")[0].lower()
    if top.startswith("spam"):
        return "spam"
    if "ham" in top:
        return "ham"
    return None


def write_json(path, obj):
    """Writes JSON with sorted keys and a final newline, through a temp file, so outputs are byte-stable."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, sort_keys=True, indent=2)
        f.write("\n")
    os.replace(tmp, path)
