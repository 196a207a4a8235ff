"""Run a plan: batches to a backend, each finished batch saved at once, resumable after Ctrl-C or a kill.

``execute`` is shared by ``dipsim sweep`` and ``dipsim compare``. The directory is always consistent:
a part exists only for a complete batch, the manifest is replaced atomically at most once a second, and
``runs.parquet`` holds the parts in run_id order (written while a new sweep's batches arrive, else rebuilt from the
parts), so it never depends on finishing order, worker count, batch size or backend.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analysis.progress import Summary, bar
from analysis.sweep.backends import Backend
from analysis.sweep.io import (
    RunsStream,
    done_parts,
    finish_files,
    now,
    read_failures,
    read_json,
    versions,
    write_json,
    write_part,
)
from analysis.sweep.plan import Plan

MANIFEST = "manifest.json"
PLAN = "plan.json"


class SweepExists(ValueError):
    """The output directory already holds a sweep."""


MANIFEST_EVERY = 1.0  # seconds: the running manifest's counts are rewritten at most this often


def manifest_of(plan: Plan) -> dict[str, Any]:
    """The manifest's fixed part (dashboards read it; docs/outputs.md)."""
    m: dict[str, Any] = {"kind": plan.kind}
    if plan.kind == "compare":
        m["scenarios"] = [s.manifest() for s in plan.sources]
    else:
        m["scenario"] = plan.sources[0].manifest()
        m["design"] = plan.design
    return m | {"seeds": plan.seeds, "root_seed": plan.root_seed, "batch_size": plan.batch_size,
                "batches": plan.n_batches, "id_columns": plan.head, "keep_rounds": plan.keep_rounds}


def start(plan: Plan, out: Path) -> None:
    """Create a new output directory for ``plan`` (SweepExists if one is there already)."""
    if (out / MANIFEST).exists() or (out / PLAN).exists():
        raise SweepExists(f"{out} already holds a sweep: use `dipsim sweep --resume {out}` or another --out")
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / PLAN, plan.to_json())
    write_json(out / MANIFEST, manifest_of(plan) | {"counts": {"total": plan.total, "done": 0, "failed": 0},
                                                    "status": "running", "started": now(), "finished": None,
                                                    "versions": versions()})


def load_plan(out: Path) -> Plan:
    """The plan saved in a sweep directory (FileNotFoundError if it is not one)."""
    if not (out / PLAN).exists():
        raise FileNotFoundError(f"{out} is not a sweep directory (no {PLAN})")
    return Plan.from_json(read_json(out / PLAN))


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A plain `kill` stops the sweep like Ctrl-C does (saving first)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def execute(plan: Plan, out: Path, backend: Backend, runner: Any = None, progress: bool = True) -> Summary:
    """Run every batch not yet on disk, saving each as it finishes; on Ctrl-C save state and stop."""
    manifest = read_json(out / MANIFEST)
    done = done_parts(out)
    ok, failed = sum(r for r, _ in done.values()), sum(f for _, f in done.values())
    pending = [b for b in range(plan.n_batches) if b not in done]
    failures_log = out / "failures.jsonl"
    failures_log.write_text("".join(json.dumps(f, default=str) + "\n" for f in read_failures(out)))
    if done:
        manifest.setdefault("resumed", []).append(now())
    manifest |= {"status": "running", "finished": None, "backend": backend.describe()}

    saved = [0.0]  # when the manifest was last written

    def save(status: str | None = None, *, every: float = 0.0) -> None:
        """Write the manifest (atomically); with ``every``, only if the last write is that many seconds old."""
        if every and time.monotonic() - saved[0] < every:
            return
        manifest["counts"] = {"total": plan.total, "done": ok, "failed": failed}
        if status is not None:
            manifest["status"] = status
        write_json(out / MANIFEST, manifest)
        saved[0] = time.monotonic()

    save()
    t0 = time.perf_counter()
    session = 0
    interrupted = False
    pbar = bar(plan.total, ok + failed, enabled=progress)
    stream = RunsStream(out, plan.n_batches) if not done else None  # a resumed sweep rebuilds it from its parts
    try:
        with _sigterm_as_interrupt():
            for res in backend.results(plan.task(b, runner) for b in pending):
                write_part(out, res.index, res.table, res.failures, res.rounds)
                if stream is not None:
                    stream.add(res.index, res.table)
                if res.failures:
                    with failures_log.open("a") as f:
                        f.writelines(json.dumps(r, default=str) + "\n" for r in res.failures)
                ok, failed = ok + res.done, failed + len(res.failures)
                session += res.done + len(res.failures)
                save(every=MANIFEST_EVERY)  # the parts on disk are the record; the counts are for people
                pbar.set_postfix(failed=failed, refresh=False)
                pbar.update(res.done + len(res.failures))
    except KeyboardInterrupt:
        interrupted = True
        backend.abort()
    except BaseException:
        backend.abort()
        save("interrupted")
        if stream is not None:
            stream.give_up()
        raise
    finally:
        pbar.close()
    seconds = time.perf_counter() - t0
    manifest |= {"wall_time": round(seconds, 3), "runs_per_s": round(session / seconds, 2) if seconds else None}
    if interrupted:
        save("interrupted")
        if stream is not None:
            stream.give_up()
        return Summary(out, plan.total, ok, failed, seconds, session, interrupted=True)
    ok, failed = finish_files(out, plan.head, stream.close() if stream is not None else None)
    manifest["finished"] = now()
    save("done")
    return Summary(out, plan.total, ok, failed, seconds, session)


def dashboard_problem(out: Path, plotly: str = "inline") -> str | None:
    """Build the dashboard if the dashboard module exists; None, or a warning line (not a crash) if it fails.
    Picklable, so a pool worker can build it (``Backend.side``) while this process prints the headline."""
    try:
        from analysis.dashboard import write_dashboard as build
    except ImportError:
        return None
    try:
        build(out, plotly)
    except Exception as e:  # the saved results matter more than the page
        return f"warning: dashboard not written: {type(e).__name__}: {e}"
    return None


def write_dashboard(out: Path, plotly: str = "inline") -> str | None:
    """Build the dashboard here; the warning line (printed to stderr) if it fails."""
    msg = dashboard_problem(out, plotly)
    if msg:
        print(msg, file=sys.stderr)
    return msg


def warm_dashboard() -> None:
    """Import what drawing a sweep page needs (pyarrow's Parquet reader, plotly's HTML writer and JSON encoder, the
    figure modules) and run each of its figure builders once on a tiny table through ``analysis.html.figure``, so
    the process that later draws the page starts at once; run beside the workers (``Backend.warm_side``). No pandas:
    the sweep page never loads it."""
    try:
        import numpy as np
        import pyarrow.parquet  # noqa: F401  (the page's reader)

        from analysis import dashboard, html  # noqa: F401  (the page's own module)
        from analysis.columns import Columns
        from analysis.figures import collapse, sweep, tables
    except ImportError:  # no dashboard module: nothing to warm
        return
    x = np.array([0.0, 1.0, 0.0, 1.0])
    runs = Columns({"a": x, "b": x[::-1].copy(), "c": np.array(["u", "v", "u", "v"], dtype=object),
                    "A-B:lifetime": np.array([1, 2, 3, 4]), "A-B:collapsed": x > 0, "agreement_round": x,
                    "A-B:did_not_listen": np.array(["A", None, "B", None], dtype=object)})
    figures = [sweep.outcome_vs_parameter(runs, p, ["A-B:lifetime", "A-B:collapsed"]) for p in ("a", "c")]
    figures += [*sweep.survival_heatmaps(runs, ["a", "b"]), sweep.distributions_figure(runs),
                sweep.parallel_figure(runs, ["a", "b", "c"], "A-B:lifetime"),
                collapse.who_figure(runs, sweep.levels(runs["a"]), "a")]
    for fig in figures:
        html.figure(fig, "warm-up")
    html.table(tables.outcome_summary(runs, ["A-B:lifetime", "A-B:collapsed"]))
