"""Quiet worker start-up after Ctrl-C. A worker the fork server forks while the sweep is being interrupted finds the
pool's pipes and semaphores already gone and fails in its bootstrap; the fork server would print that traceback
under the sweep's one "interrupted" line. Imported by the fork server (its preload), the hook below drops exactly
those failures and leaves every other uncaught exception to the default hook."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

GONE = (FileNotFoundError, EOFError, ConnectionError)  # the pool's semaphore, pipe or socket is no longer there


def in_bootstrap(tb: TracebackType | None) -> bool:
    """Whether a traceback passes through multiprocessing's child bootstrap (``spawn._main``)."""
    return any(f.name == "_main" and f.filename.endswith("spawn.py") for f in traceback.extract_tb(tb))


def quiet_hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None,
               default=sys.__excepthook__) -> None:
    """``sys.excepthook`` of the fork server's children: silent for a start-up that lost its pool, else default."""
    if issubclass(kind, GONE) and in_bootstrap(tb):
        return
    default(kind, value, tb)


sys.excepthook = quiet_hook
