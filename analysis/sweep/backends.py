"""Where batches run: in this process, a local process pool, or a dask.distributed cluster.

Every backend takes the same picklable ``Task`` objects and yields ``TaskResult``s as they finish, so the
rows are the same whatever runs them. Workers ignore SIGINT: Ctrl-C is the parent's business (it saves
what finished and cancels the rest).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from analysis.sweep.forkserver import context
from analysis.sweep.request import BACKENDS
from analysis.sweep.tasks import Task, TaskResult, run_task

__all__ = ["BACKENDS", "Backend", "DaskBackend", "LocalBackend", "SerialBackend", "cpu_count", "make_backend",
           "usable_workers"]


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _start_worker() -> None:
    """Worker initializer: leave Ctrl-C to the parent, and leave with it (``exit_with_parent``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=exit_with_parent, daemon=True, name="exit-with-parent").start()


SIDE_NICE = 10  # the side process yields the cores to the last batches and the parent: it warms up on what they leave


def _start_side() -> None:
    """Initializer of the local side process: a worker's, at a lower priority (``SIDE_NICE``)."""
    _start_worker()
    with contextlib.suppress(OSError):
        os.nice(SIDE_NICE)


def exit_with_parent() -> None:
    """Block until the process that started this one is gone, then exit. A worker a Ctrl-C left behind (one whose
    start it cut short, or one blocked on a queue lock a killed sibling held) would otherwise live on, holding the
    terminal's pipes open so that whatever reads the sweep's output waits for ever. (The fork server outlives the
    parent while a worker lives, so the worker's own parent id does not change: the parent's pipe tells.)"""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


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

    idle_jobs: tuple[Callable[[], object], ...] = ()
    warming: tuple[Any, ...] = ()  # futures of the warm-up jobs (dask cancels a future nobody holds)

    def warm_side(self, job: Callable[[], object]) -> None:
        """Run ``job`` ahead of the ``side`` jobs, where they will run, to warm it up, once the last batch has been
        handed out: in the side process (local pool), in each worker (a dask LocalCluster); nothing on backends
        without local workers."""
        self.idle_jobs = (*self.idle_jobs, job)

    def side(self, job: Callable[..., Any], *args: Any) -> Any:
        """Run ``job(*args)`` in a worker beside this process (a future with ``result()``), or None where there is
        no worker on this machine (the caller then runs it itself)."""
        return None

    def _idle(self) -> None:
        """Queue the warm-up jobs (once per worker) behind the last batches: they run as workers run out of work."""
        self.warming = tuple(self.side(job) for job in self.idle_jobs for _ in range(self.workers))
        self.idle_jobs = ()

    def close(self) -> None:
        """Wait for workers to stop; nothing should be running."""

    def abort(self) -> None:
        """Cancel whatever has not finished and stop the workers now (Ctrl-C)."""
        self.close()

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        """Stop the workers: wait for them after a clean finish; at once after an error or Ctrl-C (a worker still
        starting would otherwise outlive this process and fail noisily)."""
        if kind is None:
            self.close()
        else:
            self.abort()


class SerialBackend(Backend):
    """One batch after another in this process (``--workers 1``)."""

    name = "serial"

    def results(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        for task in tasks:
            yield run_task(task)


class LocalBackend(Backend):
    """A ``ProcessPoolExecutor`` of ``workers`` processes (forkserver/spawn: no inherited threads or locks), and
    one side process that runs the side jobs (the dashboard) at a lower priority: started once the last batch is
    handed out, it warms up (``warm_side``) while the last batches run, and draws the page as soon as the table is
    written."""

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context(), initializer=_start_worker)
        self.side_pool: ProcessPoolExecutor | None = None

    def _side_pool(self) -> ProcessPoolExecutor:
        if self.side_pool is None:
            self.side_pool = ProcessPoolExecutor(max_workers=1, mp_context=context(), initializer=_start_side)
        return self.side_pool

    def _idle(self) -> None:
        """Start the side process and run the warm-up jobs there, once: it imports while the last batches run and
        the parent writes runs.parquet, on the cores they leave (started earlier, its imports took the workers' CPU:
        100,000 runs took ≈ 0.4 s longer)."""
        self.warming = (*self.warming, *(self._side_pool().submit(job) for job in self.idle_jobs))
        self.idle_jobs = ()

    def side(self, job: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._side_pool().submit(job, *args)

    def results(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        queue = iter(tasks)
        running: set[Future[TaskResult]] = set()
        window = 2 * self.workers  # keep workers busy without queueing the whole sweep in memory
        for task in queue:
            running.add(self.pool.submit(run_task, task))
            if len(running) >= window:
                break
        else:
            self._idle()
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                for task in queue:
                    running.add(self.pool.submit(run_task, task))
                    break
                else:
                    self._idle()
                yield fut.result()

    def _pools(self) -> list[ProcessPoolExecutor]:
        return [self.pool] + ([self.side_pool] if self.side_pool is not None else [])

    def close(self) -> None:
        for pool in self._pools():
            pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        processes = [p for pool in self._pools()  # no public API before 3.14
                     for p in (getattr(pool, "_processes", None) or {}).values()]
        # and a worker whose start a Ctrl-C cut short (started, not yet registered: it would wait forever at exit)
        processes += [p for p in multiprocessing.active_children() if p not in processes]
        for proc in processes:  # first: a worker still starting reads the pool's queues, which shutdown drops
            proc.terminate()
        for proc in processes:
            proc.join(timeout=5)
        for pool in self._pools():
            pool.shutdown(wait=False, cancel_futures=True)


PRE_SPAWN = "distributed.nanny.pre-spawn-environ"  # environment dask's nanny sets in every worker it starts


def engine_environ(environ: dict[str, Any]) -> dict[str, Any]:
    """Dask's worker environment without ``MALLOC_TRIM_THRESHOLD_``: setting it turns off glibc's adaptive mmap
    threshold, so every large temporary array is mapped and unmapped afresh, and the engine ran 2× slower in
    a dask worker than in a local one (docs/performance.md)."""
    return {k: v for k, v in environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}


class DaskBackend(Backend):
    """A dask.distributed ``Client``: to ``scheduler`` if given, else a fresh ``LocalCluster``."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise RuntimeError("--backend dask needs dask.distributed: pip install 'dipsim[dask]'") from e
        self.cluster: Any = None
        if scheduler is None:
            with dask.config.set({PRE_SPAWN: engine_environ(dask.config.get(PRE_SPAWN, {}))}):
                self.cluster = LocalCluster(  # no dashboard; metrics on a free port, not 8787 (shared hosts)
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
        if len(self.pending) < window:
            self._idle()
        stream = as_completed(list(self.pending))
        for fut in stream:
            self.pending.discard(fut)
            for task in queue:
                new = self.client.submit(run_task, task, pure=False)
                self.pending.add(new)
                stream.add(new)
                break
            else:
                self._idle()
            result = fut.result()
            fut.release()
            yield result

    def side(self, job: Callable[..., Any], *args: Any) -> Any:
        """A LocalCluster's workers share this disk; a remote scheduler's may not (None: the caller runs it)."""
        return self.client.submit(job, *args, pure=False) if self.cluster is not None else None

    def close(self) -> None:
        pending = [*getattr(self, "pending", ()), *(f for f in self.warming if f is not None)]
        if pending:
            self.client.cancel(pending)
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
