"""The real engine through every backend: serial == 2 local workers == a dask LocalCluster, row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import scenarios
from analysis.sweep.backends import SIDE_NICE, DaskBackend, LocalBackend, SerialBackend, make_backend
from analysis.sweep.designs import parse_vary
from analysis.sweep.execute import execute, start
from analysis.sweep.plan import Plan, read_source, sweep_plan

VARY = ("actors.UK.strategy.openness=0.1,0.9", "actors.UK.strategy.reciprocity=grim_trigger,generous_tit_for_tat")


def _plan(batch: int) -> Plan:
    vary = [parse_vary(v) for v in VARY]
    return sweep_plan(read_source(scenarios.builtin()), vary, "grid", None, 5, 11, batch)


def _rows(out: Path, backend: object, batch: int) -> pd.DataFrame:
    plan = _plan(batch)
    start(plan, out)
    with backend as b:  # type: ignore[attr-defined]
        summary = execute(plan, out, b, progress=False)
    assert summary.failed == 0
    return pd.read_parquet(out / "runs.parquet")


def test_serial_equals_two_workers_equals_dask(tmp_path: Path) -> None:
    serial = _rows(tmp_path / "serial", SerialBackend(), 256)
    assert len(serial) == 4 * 5 and serial["UK-Russia:lifetime"].nunique() > 1
    pool = _rows(tmp_path / "pool", LocalBackend(2), 3)
    pytest.importorskip("distributed")
    dask = _rows(tmp_path / "dask", DaskBackend(2), 6)
    pd.testing.assert_frame_equal(serial, pool)
    pd.testing.assert_frame_equal(serial, dask)


def test_make_backend() -> None:
    assert isinstance(make_backend("local", 1), SerialBackend)
    with pytest.raises(ValueError, match="--scheduler needs --backend dask"):
        make_backend("local", 2, "tcp://localhost:8786")
    with pytest.raises(ValueError, match="unknown backend"):
        make_backend("ray", 2)


def test_dask_on_an_existing_scheduler(tmp_path: Path) -> None:
    """`--scheduler ADDR`: the batches go to a cluster that was already running."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": ":0"}) as cl:
        rows = _rows(tmp_path / "remote", DaskBackend(1, cl.scheduler_address), 7)
    pd.testing.assert_frame_equal(rows, _rows(tmp_path / "serial", SerialBackend(), 256))


def test_a_column_of_names_is_typed_the_same_whatever_the_batching(tmp_path: Path) -> None:
    """``UK-Russia:did_not_listen`` holds names, or None where the channel never collapsed (every run of
    europe_seat): batches of one scenario only (a part whose column is all None) or of both give one table."""
    from analysis.sweep.plan import compare_plan

    sources = [read_source(scenarios.builtin(n)) for n in ("europe_seat.yaml", "article_baseline.yaml")]
    tables = []
    for batch in (5, 40):
        plan, out = compare_plan(sources, 20, 3, batch), tmp_path / f"b{batch}"
        start(plan, out)
        with SerialBackend() as b:
            execute(plan, out, b, progress=False)
        tables.append(pd.read_parquet(out / "runs.parquet"))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    who = tables[0].groupby("scenario", sort=False)["UK-Russia:did_not_listen"]
    seat, base = (set(v) for _, v in who)
    assert seat == {None} or all(pd.isna(x) for x in seat)
    assert base and base <= {"UK", "Russia", "both"}


def _compare(out: Path, names: tuple[str, ...], batch: int) -> pd.DataFrame:
    from analysis.sweep.plan import compare_plan

    plan = compare_plan([read_source(scenarios.builtin(n)) for n in names], 15, 3, batch)
    start(plan, out)
    with SerialBackend() as b:
        execute(plan, out, b, progress=False)
    return pd.read_parquet(out / "runs.parquet")


def test_scenarios_with_different_channels_give_one_table_whatever_the_batching(tmp_path: Path) -> None:
    """no_back_channel has no UK-Russia columns: batches of one scenario, of both, or all runs in one batch give
    the same table, the channel's yes/no outcome a nullable bool, its counts float64 with NaN."""
    names = ("no_back_channel.yaml", "article_baseline.yaml")
    tables = [_compare(tmp_path / f"b{batch}", names, batch) for batch in (5, 20, 30)]
    for other in tables[1:]:
        pd.testing.assert_frame_equal(tables[0], other)
    runs = tables[0]
    assert str(runs["UK-Russia:collapsed"].dtype) == "boolean" and runs["agreement"].dtype == bool
    assert runs["UK-Russia:lifetime"].dtype == "float64"
    assert runs["UK-Russia:collapsed"].isna().sum() == 15 and runs["UK-Russia:collapsed"].sum() == 15


def _pid() -> int:
    import os

    return os.getpid()


def _mark(path: Path) -> None:
    with path.open("a") as f:
        f.write("idle\n")


def _nice() -> tuple[int, int]:
    import os

    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def test_the_side_process_warms_after_the_last_batch_and_runs_side_jobs_beside_the_workers(tmp_path: Path) -> None:
    """A local pool's `warm_side` job runs once every batch has been handed out, once, in one side process of lower
    priority than the workers; `side` jobs (the dashboard) run there too. Without a pool neither runs: the caller
    does the work itself."""
    import os
    from functools import partial

    marks = tmp_path / "warm.txt"
    plan = _plan(3)
    out = tmp_path / "s"
    start(plan, out)
    with LocalBackend(2) as backend:
        backend.warm_side(partial(_mark, marks))
        assert backend.side_pool is None and not backend.warming  # nothing before the batches
        results = list(backend.results([plan.task(b) for b in range(plan.n_batches)]))
        for fut in backend.warming:
            fut.result()
        side_pid, side_nice = backend.side(_nice).result()
        workers = {pid: nice for pid, nice in (backend.pool.submit(_nice).result() for _ in range(4))}
    assert len(results) == plan.n_batches and marks.read_text().splitlines() == ["idle"]
    here = os.getpriority(os.PRIO_PROCESS, 0)
    assert side_pid != os.getpid() and side_pid not in workers
    assert set(workers.values()) == {here} and side_nice == min(19, here + SIDE_NICE)
    serial = SerialBackend()
    serial.warm_side(partial(_mark, tmp_path / "never.txt"))
    list(serial.results([plan.task(0)]))
    assert serial.side(_pid) is None and not (tmp_path / "never.txt").exists()


def test_abort_stops_the_side_process_too(tmp_path: Path) -> None:
    """Ctrl-C (``abort``) ends the side process as well as the workers, even mid-job."""
    import time

    backend = LocalBackend(2)
    pid, _ = backend.side(_nice).result()
    backend.side(time.sleep, 30)
    backend.abort()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _trim() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_a_local_dask_cluster_runs_idle_and_side_jobs_a_remote_one_does_not(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A LocalCluster's workers share this disk: they warm up and draw the page; a `--scheduler` cluster's workers
    may be elsewhere, so the page is drawn here (side returns None). Our LocalCluster's workers run without dask's
    MALLOC_TRIM_THRESHOLD_ (it halved the engine's speed); a cluster started with dask's defaults sets it."""
    import os
    from functools import partial

    distributed = pytest.importorskip("distributed")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)  # a dask nanny leaves it in its parent's environment
    marks = tmp_path / "idle.txt"
    plan = _plan(6)
    with DaskBackend(1) as backend:
        backend.warm_side(partial(_mark, marks))
        assert len(list(backend.results(plan.task(b) for b in range(plan.n_batches)))) == plan.n_batches
        side = backend.side(_pid)
        assert side is not None and side.result() != os.getpid()
        assert backend.side(_trim).result() is None
        for fut in backend.warming:
            fut.result()
    assert marks.read_text().splitlines() == ["idle"]
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                       scheduler_kwargs={"dashboard_address": ":0"})  # dask's defaults
    with cluster, DaskBackend(1, cluster.scheduler_address) as remote:
        assert remote.side(_pid) is None
        assert remote.client.submit(_trim, pure=False).result() == "65536"


ORPHAN = """
import os, sys, time
from analysis.sweep.backends import LocalBackend
backend = LocalBackend(1)
busy = backend.pool.submit(time.sleep, 120)  # a worker busy for two minutes: it reads no queue, so no EOF tells it
drawing = backend.side(time.sleep, 120)  # and the side process (the dashboard's)
while not backend.pool._processes or not backend.side_pool._processes:
    time.sleep(0.01)
print(*backend.pool._processes, *backend.side_pool._processes, flush=True)
os._exit(0)  # the parent vanishes without shutting its pool down (as after a Ctrl-C that cut a start short)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_local_worker_leaves_soon_after_its_parent(tmp_path: Path) -> None:
    """A worker left behind by its parent exits within seconds instead of holding the terminal's pipes open."""
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", ORPHAN], cwd=root, capture_output=True, text=True, timeout=30)
    pids = list(map(int, out.stdout.split()))
    assert len(pids) == 2  # a worker and the side process
    deadline = time.monotonic() + 10
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, pids)), f"of {pids}, {[p for p in pids if _alive(p)]} still run 10 s after the parent"
