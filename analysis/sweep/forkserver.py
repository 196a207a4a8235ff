"""The local pool's fork server, started as early as possible: it imports the workers' modules (in its own process,
on another core) while the parent imports, plans and checks; workers are then forked from it ready to run."""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import forkserver

# imported once by the server, inherited by every worker (quiet_start first: its hook covers the rest's start-up);
# not pandas: a worker builds its table in Arrow (only --keep-rounds and the dashboard's worker import it, lazily)
PRELOAD = ["analysis.sweep.quiet_start", "analysis.sweep.tasks", "sim.engine", "analysis.sweep.worker_warmup"]


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while the fork server starts, so it inherits SIG_IGN from its first instruction (a Ctrl-C while it
    imports would otherwise print a KeyboardInterrupt traceback); the moment is short (it only spawns the server)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def context() -> multiprocessing.context.BaseContext:
    """The start method of local workers: a running fork server with the workers' modules preloaded (spawn where
    there is no fork server); starting it returns at once, the imports happen in the server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    with sigint_ignored():  # the fork server (and so every worker it forks) starts with Ctrl-C ignored
        forkserver.ensure_running()
    return ctx


def running() -> bool:
    """Whether this process's fork server is running (started by ``context``)."""
    server = forkserver._forkserver  # no public API
    return server._forkserver_pid is not None
