"""Nothing logged is lost when the process ends: at exit, on an unhandled exception (FAILED) and on SIGTERM (KILLED)."""
import atexit
import os
import signal
import sys
import threading

from ._run import stack

writers = []  # every open EventsWriter of this process
_installed = False
_signal_checked = False
_previous_excepthook = None
_previous_sigterm = None
_exit_status = None  # set by the excepthook so the runs still open at exit end FAILED, not FINISHED
_terminating = None  # "KILLED" while a user's own SIGTERM handler runs


def exit_status(exc_type, exc):
    """The status a run ends with when its `with` block is left with this exception (or none)."""
    if _terminating:
        return _terminating
    if exc_type is None:
        return "FINISHED"
    if issubclass(exc_type, KeyboardInterrupt):
        return "KILLED"
    if issubclass(exc_type, SystemExit) and exc is not None and exc.code in (0, None):
        return "FINISHED"
    return "FAILED"


def flush_all():
    for writer in list(writers):
        if not writer.closed:
            writer.flush()


def end_all(status, ingest=True):
    """Ends every active run, innermost first, and flushes every file (the stage's run is flushed, not ended)."""
    for run in list(stack):  # outermost first: ending a run ends the runs nested in it, innermost first
        run.end(status, ingest)
    # A signal handler may have caught a run between being marked ended and leaving the stack: never loop on it.
    del stack[:]
    flush_all()


def install():
    """Installs the hooks once, keeping (and calling) whatever excepthook and SIGTERM handler the user had."""
    global _installed, _signal_checked, _previous_excepthook, _previous_sigterm
    # Signal handlers can only be set from the main thread: a run started elsewhere leaves it to the next start.
    if not _signal_checked and threading.current_thread() is threading.main_thread():
        _signal_checked = True
        current = signal.getsignal(signal.SIGTERM)
        # SIG_IGN means the user wants SIGTERM ignored; None means a handler not set from Python: leave both alone.
        if current is signal.SIG_DFL or callable(current):
            _previous_sigterm = current
            signal.signal(signal.SIGTERM, _on_sigterm)
    if _installed:
        return
    _installed = True
    atexit.register(_at_exit)
    _previous_excepthook = sys.excepthook
    sys.excepthook = _excepthook
    if hasattr(os, "register_at_fork"):
        # Flushing first keeps the file in order: a child's lines can never precede the run line they belong to.
        os.register_at_fork(before=flush_all, after_in_child=_after_fork_in_child)
    _flush_in_multiprocessing_children()


def _at_exit():
    end_all(_terminating or _exit_status or "FINISHED")


def _excepthook(exc_type, exc, tb):
    global _exit_status
    _exit_status = exit_status(exc_type, exc)
    try:
        if _previous_excepthook is not None:
            _previous_excepthook(exc_type, exc, tb)  # the traceback first, then the (slower) ingestion
    finally:
        end_all(_exit_status)


def _on_sigterm(signum, frame):
    global _terminating
    for writer in writers:
        if writer.main_flushing:
            # The signal interrupted a flush on this (main) thread: let it finish, then come back.
            writer.after_flush = lambda: _on_sigterm(signum, frame)
            return
    previous = _previous_sigterm
    if callable(previous):
        _terminating = "KILLED"
        flush_all()
        previous(signum, frame)
        _terminating = None  # the user's handler returned: the program carries on, and so do its runs
        return
    # Ingestion is left to the next `cairn runs` command: a process being terminated should go quickly.
    end_all("KILLED", ingest=False)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _after_fork_in_child():
    for writer in writers:
        writer.after_fork_in_child()


def _flush_in_multiprocessing_children():
    """multiprocessing's children leave through os._exit (no atexit): flush from its finalizers instead."""
    try:
        from multiprocessing import util
    except ImportError:
        return
    util.register_after_fork(_fork_token, lambda _: util.Finalize(None, flush_all, exitpriority=100))


class _ForkToken:
    """multiprocessing keeps after-fork callbacks by weak reference to an object; this one lives as long as the module."""


_fork_token = _ForkToken()
