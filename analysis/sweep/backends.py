"""Where batches run: in this process, a local process pool, or a dask.distributed cluster.

Every backend takes the same picklable ``Task`` objects and yields ``TaskResult``s as they finish, so the
rows are the same whatever runs them. Workers ignore SIGINT: Ctrl-C is the parent's business (it saves
what finished and cancels the rest).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import forkserver
from typing import Any

from analysis.sweep.tasks import Task, TaskResult, run_task

BACKENDS: tuple[str, ...] = ("local", "dask")


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _ignore_sigint() -> None:
    """Worker initializer: leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while helper processes start, so they inherit SIG_IGN from their first instruction (a worker
    that is still importing when Ctrl-C comes would otherwise print a KeyboardInterrupt traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def usable_workers(requested: int | None, batches: int) -> int:
    """Workers worth starting: the request (default every core), never more than there are batches to run."""
    return max(1, min(requested or cpu_count(), batches))


class Backend:
    """Runs tasks; ``results`` yields each TaskResult as soon as it is finished."""

    name = "base"
    workers = 1

    def results(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.workers} worker{'s' if self.workers != 1 else ''} ({self.name})"

    def close(self) -> None:
        """Wait for workers to stop; nothing should be running."""

    def abort(self) -> None:
        """Cancel whatever has not finished and stop the workers now (Ctrl-C)."""
        self.close()

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialBackend(Backend):
    """One batch after another in this process (``--workers 1``)."""

    name = "serial"

    def results(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        for task in tasks:
            yield run_task(task)


class LocalBackend(Backend):
    """A ``ProcessPoolExecutor`` of ``workers`` processes (forkserver/spawn: no inherited threads or locks)."""

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["analysis.sweep.quiet_start", "analysis.sweep.tasks", "sim.engine"])
            with _sigint_ignored():  # the fork server (and so every worker it forks) starts with Ctrl-C ignored
                forkserver.ensure_running()
        else:  # pragma: no cover - not Linux
            ctx = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)

    def results(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        queue = iter(tasks)
        running: set[Future[TaskResult]] = set()
        window = 2 * self.workers  # keep workers busy without queueing the whole sweep in memory
        for task in queue:
            running.add(self.pool.submit(run_task, task))
            if len(running) >= window:
                break
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                for task in queue:
                    running.add(self.pool.submit(run_task, task))
                    break
                yield fut.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        processes = list((getattr(self.pool, "_processes", None) or {}).values())  # no public API before 3.14
        self.pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=5)


class DaskBackend(Backend):
    """A dask.distributed ``Client``: to ``scheduler`` if given, else a fresh ``LocalCluster``."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise RuntimeError("--backend dask needs dask.distributed: pip install 'dipsim[dask]'") from e
        self.cluster: Any = None
        if scheduler is None:
            self.cluster = LocalCluster(  # no dashboard; its metrics server on a free port, not 8787 (shared hosts)
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                scheduler_kwargs={"dashboard_address": ":0"},
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
        self.workers = len(self.client.scheduler_info().get("workers", {})) or workers
        self.where = scheduler or "LocalCluster"

    def describe(self) -> str:
        return f"{self.workers} dask worker{'s' if self.workers != 1 else ''} ({self.where})"

    def results(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        from distributed import as_completed

        queue = iter(tasks)
        window = max(2 * self.workers, 2)
        self.pending = {self.client.submit(run_task, t, pure=False) for _, t in zip(range(window), queue, strict=False)}
        stream = as_completed(list(self.pending))
        for fut in stream:
            self.pending.discard(fut)
            for task in queue:
                new = self.client.submit(run_task, task, pure=False)
                self.pending.add(new)
                stream.add(new)
                break
            result = fut.result()
            fut.release()
            yield result

    def close(self) -> None:
        pending = getattr(self, "pending", None)
        if pending:
            self.client.cancel(list(pending))
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_backend(name: str, workers: int | None, scheduler: str | None = None) -> Backend:
    """The backend for `--backend NAME --workers N [--scheduler ADDR]`."""
    n = workers or cpu_count()
    if name == "dask":
        return DaskBackend(n, scheduler)
    if name != "local":
        raise ValueError(f"unknown backend {name!r} (allowed: {', '.join(BACKENDS)})")
    if scheduler is not None:
        raise ValueError("--scheduler needs --backend dask")
    return SerialBackend() if n == 1 else LocalBackend(n)
