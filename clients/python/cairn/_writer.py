"""Appends lines to an events file through an in-memory buffer written in chunks.

Logging threads only append to `lines` (list.append is atomic under the GIL, so the hot path takes no lock). The list
object is never replaced: a flush takes a prefix with one slice and removes it with one `del`, so a line appended
meanwhile by another thread lands after the prefix and waits for the next flush. Flushes are serialised by a lock.
A daemon thread flushes at least every `interval` seconds; the logging thread writes itself once `chunk_lines` lines
are waiting (measured faster than handing the chunk to the thread: the join holds the GIL either way).
"""
import os
import signal
import threading

CHUNK_LINES = 8192
INTERVAL_SECONDS = 1.0


class EventsWriter:
    def __init__(self, path, chunk_lines=CHUNK_LINES, interval=INTERVAL_SECONDS):
        self.path = path
        self.lines = []
        self.chunk_lines = chunk_lines
        self.interval = interval
        self.closed = False
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.was_empty = os.fstat(self._fd).st_size == 0
        self._unwritten = b""
        self._lock = threading.Lock()
        # Set while the main thread is inside flush(): a signal handler (which runs on the main thread) must not wait
        # for the lock then, but let the interrupted flush finish (see _hooks).
        self.main_flushing = False
        self.after_flush = None
        self._wake = threading.Event()
        self._thread = None
        self._owner_pid = os.getpid()
        self._start_thread()

    def _start_thread(self):
        self._thread = threading.Thread(target=self._loop, name="cairn-events-flush", daemon=True)
        self._thread.start()

    def _loop(self):
        # The kernel may deliver a process signal to any thread that does not block it. Delivered here, SIGTERM
        # would not interrupt a main thread blocked in sleep() or I/O, so its handler (which Python runs on the main
        # thread only) would wait for that call to return. Blocked here, it always goes to a thread that can act.
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        while not self.closed:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self.lines and not self.closed:
                try:
                    self.flush()
                except OSError:
                    pass  # kept in _unwritten; the next flush on the logging thread raises it

    def flush(self):
        """Writes every buffered line now."""
        main = threading.current_thread() is threading.main_thread()
        if main:
            self.main_flushing = True
        try:
            with self._lock:
                lines = self.lines
                n = len(lines)
                if n == 0 and not self._unwritten:
                    return
                data = self._unwritten + "".join(lines[:n]).encode("utf-8")
                del lines[:n]
                self._unwritten = b""
                self._write(data)
        finally:
            if main:
                self.main_flushing = False
                pending, self.after_flush = self.after_flush, None
                if pending is not None:
                    pending()

    def _write(self, data):
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._fd, view)
            except OSError:
                self._unwritten = bytes(view)
                raise
            view = view[written:]

    def close(self):
        """Flushes, stops the flush thread and closes the file; later lines are an error of the caller."""
        if self.closed:
            return
        self.flush()
        self.closed = True
        self._wake.set()
        os.close(self._fd)

    def after_fork_in_child(self):
        """A forked child starts with an empty buffer (the parent writes its own lines) and a flush thread of its own."""
        del self.lines[:]
        self._unwritten = b""
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self.main_flushing = False
        if not self.closed:
            self._start_thread()
