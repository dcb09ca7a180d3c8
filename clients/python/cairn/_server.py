"""Sends a run's events file to a cairn server (CAIRN_TRACKING_URI=http(s)://...) in batches. Standard library only.

The run's lines are written to an outbox file exactly as for a local run; this sends the complete lines of that file
to the server's `POST /api/cairn/v1/events`, which ingests them with cairn's own ingestion code. Each batch says at
which byte of the file it starts, and the server records how far it got in the same transaction as the data, so a
batch sent twice (an answer lost, a retry) is stored once, and after a gap the server answers with the offset to
resend from. Artifact lines are not sent this way (their files are here): the run's end hands the rest of the file to
`cairn runs ingest`, which uploads the files and continues where this stopped.
"""
import base64
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request

BATCH_BYTES = 4 << 20
INTERVAL_SECONDS = 1.0
TIMEOUT_SECONDS = 60


def is_server_uri(uri):
    return (uri or "").strip().lower().startswith(("http://", "https://"))


def server_address(uri):
    """(the split URL, its port or None); None instead when it names no host or a port that is not a number."""
    parts = urllib.parse.urlsplit(uri.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    return (parts, port) if parts.hostname else None


def redact(uri):
    """The URI without a password, for messages."""
    parts = urllib.parse.urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = "%s:***@%s" % (parts.username or "", parts.hostname or "") + (":%d" % parts.port if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _authorization(uri, env):
    """CAIRN_TRACKING_TOKEN or MLFLOW_TRACKING_TOKEN (bearer), else MLflow's USERNAME/PASSWORD or the URL's (basic)."""
    token = env.get("CAIRN_TRACKING_TOKEN") or env.get("MLFLOW_TRACKING_TOKEN")
    if token:
        return "Bearer " + token
    parts = urllib.parse.urlsplit(uri)
    user = env.get("MLFLOW_TRACKING_USERNAME")
    password = env.get("MLFLOW_TRACKING_PASSWORD", "")
    if user is None and parts.username:
        user, password = urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
    if user is None:
        return None
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


class ServerError(Exception):
    """The server refused a batch (a bad line...) or could not be reached; the message says which."""

    def __init__(self, message, status=None, data=None):
        Exception.__init__(self, message)
        self.status = status
        self.data = data or {}


class Shipper:
    """Sends the complete lines of one events file, from a background thread while the run goes on and at its end."""

    def __init__(self, uri, path, env, interval=INTERVAL_SECONDS):
        parts, port = server_address(uri)
        host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname
        netloc = host + (":%d" % port if port else "")
        self.url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/api/cairn/v1/events", "", ""))
        self.display = redact(uri.strip())
        self.path = path
        self._authorization = _authorization(uri, env)
        self.sent = 0  # bytes of the file the server has
        self._line = 1  # the number of the line at `sent`
        self._head = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cairn-server-send", daemon=True)
        self._interval = interval
        self._thread.start()

    def _loop(self):
        while not self._stop.wait(self._interval):
            try:
                self.send()
            except (ServerError, OSError):
                pass  # the lines stay in the file: the next round (or the run's end) sends them

    def send(self):
        """Sends every complete line not sent yet, up to the first artifact line; True when nothing is left."""
        with self._lock:
            while True:
                data = self._read()
                if data is None:
                    return True
                text, blocked = data
                if text:
                    self._post(text)
                if blocked:
                    return False
                if not text:
                    return True

    def finish(self):
        """Stops the thread and sends the rest: True when the server has the whole file, False when artifact lines
        remain for `cairn runs ingest`. Raises ServerError when the server cannot take it."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(TIMEOUT_SECONDS)
        return self.send()

    def _read(self):
        """(complete lines from `sent`, whether an artifact line stops them), or None when the file has no line."""
        try:
            with open(self.path, "rb") as f:
                if self._head is None:
                    first = f.readline()
                    if not first.endswith(b"\n"):
                        return None
                    self._head = first[:-1].decode("utf-8")
                f.seek(self.sent)
                chunk = f.read(BATCH_BYTES)
        except FileNotFoundError:
            return None
        end = chunk.rfind(b"\n") + 1
        if end == 0:
            if len(chunk) == BATCH_BYTES:
                raise ServerError("cairn: a line of %s is longer than %d bytes" % (self.path, BATCH_BYTES))
            return b"", False
        chunk = chunk[:end]
        cut = chunk.find(b'{"artifact":')
        while cut > 0 and chunk[cut - 1] != 10:  # not at a line start: the text of some value, look further
            cut = chunk.find(b'{"artifact":', cut + 1)
        if cut != -1:
            return chunk[:cut], True
        return chunk, False

    def _post(self, text):
        body = json.dumps({
            "path": os.path.realpath(self.path), "head": self._head, "offset": self.sent,
            "text": text.decode("utf-8"), "first_line": self._line,
        }).encode("utf-8")
        try:
            self._request(body)
        except ServerError as err:
            if err.status == 409 and err.data.get("reason") == "events-offset-behind":
                # An earlier batch never arrived: go back to where the server is.
                self._rewind(int(err.data.get("offset", 0)))
                return
            raise
        self.sent += len(text)
        self._line += text.count(b"\n")

    def _rewind(self, offset):
        with open(self.path, "rb") as f:
            before = f.read(offset)
        self.sent = offset
        self._line = before.count(b"\n") + 1

    def _request(self, body):
        headers = {"content-type": "application/json"}
        if self._authorization:
            headers["authorization"] = self._authorization
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as res:
                res.read()
        except urllib.error.HTTPError as err:
            try:
                answer = json.loads(err.read().decode("utf-8"))
            except ValueError:
                answer = {}
            cairn = answer.get("cairn") or {}
            message = answer.get("message") or ("HTTP %d" % err.code)
            hint = cairn.get("hint")
            raise ServerError("cairn: the tracking server %s refused the run's events: %s%s"
                              % (self.display, message, " (%s)" % hint if hint else ""), err.code, cairn.get("data"))
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise ServerError("cairn: could not reach the tracking server %s: %s (start it with `cairn server`, or "
                              "check CAIRN_TRACKING_URI)" % (self.display, reason))
