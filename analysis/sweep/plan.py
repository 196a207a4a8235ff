"""What a sweep or comparison will run: scenarios, design points, seeds and batches, checked before running.

Run k of a plan is ``(base, point, replicate)`` with ``k = (base * points + point) * seeds + replicate``.
Its seed is child k of ``SeedSequence(root)`` for a sweep (every run its own stream) and child
``replicate`` for a comparison and for Sobol/Morris designs (the same seeds at every point: common random
numbers, so a parameter the outcome ignores changes nothing and gets an index of 0). Batches are consecutive
run ids.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from analysis.sweep.designs import (
    Design,
    DesignError,
    GridPoints,
    Group,
    Vary,
    column_kind,
    expand_defaults,
    make_design,
)
from analysis.sweep.designs_gsa import GSA_DESIGNS
from analysis.sweep.io import file_hash
from analysis.sweep.request import DEFAULT_BATCH
from analysis.sweep.tasks import EngineRunner, RunColumns, Task, build_scenario
from sim.compose import composed_data
from sim.errors import ScenarioError, dotted
from sim.loader import load_scenario_text
from sim.paths import PathError, resolve_path
from sim.seeding import spawned_seeds
from sim.textfile import read_text


@dataclass(frozen=True)
class Source:
    """One scenario file as it was when the sweep started (its text travels with the plan)."""

    name: str
    path: str
    hash: str
    label: str
    text: str = field(repr=False)

    @property
    def data(self) -> dict[str, Any]:
        """The raw YAML data (its `extends:` merged); a fresh copy each time, parsed once."""
        return composed_data(self.text, self.path)

    def manifest(self) -> dict[str, str]:
        return {"name": self.name, "path": self.path, "hash": self.hash, "label": self.label}


@dataclass
class Plan:
    """Everything needed to run, and to resume, a sweep or a comparison."""

    kind: str  # "sweep" | "compare"
    sources: list[Source]
    points: Sequence[dict[str, Any]]  # a lazy GridPoints for grids: planning never holds every point
    seeds: int
    root_seed: int
    batch_size: int = DEFAULT_BATCH
    design: dict[str, Any] | None = None  # the manifest's design block (sweeps)
    keep_rounds: bool = False  # also save every run's per-round series (rounds/part-XXXXX.parquet)
    common_seeds: bool = False  # the same replicate seeds at every point (compare; sobol/morris designs)

    @property
    def total(self) -> int:
        return len(self.sources) * len(self.points) * self.seeds

    @property
    def n_batches(self) -> int:
        return math.ceil(self.total / self.batch_size)

    @property
    def labelled(self) -> bool:
        """Whether rows carry a `scenario` column (comparisons)."""
        return self.kind == "compare"

    @cached_property
    def vary_kinds(self) -> dict[str, str]:
        """Column type of every varied path, fixed by the whole design (so every part agrees)."""
        if isinstance(self.points, GridPoints):
            return {p: column_kind(list(self.points.column(p))) for p in self.points.paths}
        paths = list(self.points[0]) if self.points else []
        return {p: column_kind([pt[p] for pt in self.points]) for p in paths}

    @property
    def head(self) -> list[str]:
        """The leading columns of runs.parquet."""
        return ["run_id", "seed"] + (["scenario"] if self.labelled else []) + list(self.vary_kinds)

    def runs(self, ks: range) -> RunColumns:
        """The runs ``ks`` (consecutive), their seeds derived together, as columns."""
        spawn = [k % self.seeds for k in ks] if self.kind == "compare" or self.common_seeds else ks
        bases, point = np.divmod(np.arange(ks.start, ks.stop, dtype=np.int64) // self.seeds, len(self.points))
        distinct, codes = np.unique(point, return_inverse=True)
        return RunColumns(ks.start, spawned_seeds(self.root_seed, spawn), bases.tolist(), codes.tolist(),
                          [self.points[p] for p in distinct.tolist()])

    def task(self, index: int, runner: Any = None) -> Task:
        """Batch ``index`` as a task for a worker."""
        ks = range(index * self.batch_size, min((index + 1) * self.batch_size, self.total))
        labels = tuple(s.label for s in self.sources) if self.labelled else None
        return Task(index, tuple((s.path, s.text) for s in self.sources), labels, self.runs(ks),
                    runner if runner is not None else EngineRunner(), self.keep_rounds,
                    tuple(self.vary_kinds.items()))

    def to_json(self) -> dict[str, Any]:
        points = self.points.to_json() if isinstance(self.points, GridPoints) else list(self.points)
        return asdict(replace(self, points=[])) | {"points": points}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Plan:
        points = obj["points"]
        points = GridPoints.from_json(points) if isinstance(points, dict) else points
        return cls(**(obj | {"sources": [Source(**s) for s in obj["sources"]], "points": points}))

    def describe(self) -> str:
        """`N points × S seeds = R runs` (or scenarios × seeds), printed before starting."""
        if self.kind == "compare":
            what = f"{len(self.sources)} scenarios × {self.seeds} seeds"
        else:
            n = len(self.points)
            what = f"{n} point{'s' if n != 1 else ''} × {self.seeds} seed{'s' if self.seeds != 1 else ''}"
        batches = f"{self.n_batches} batch{'es' if self.n_batches != 1 else ''}"
        return f"{what} = {self.total} runs in {batches} of ≤{self.batch_size}"


BATCH_CELLS = 2**18  # runs × actors² × issues per batch: keeps a batch's pair arrays within the caches


def cells(source: Source) -> int:
    """actors² × issues of a scenario: what one run of it weighs in a batch."""
    data = source.data
    population = data.get("population") if isinstance(data.get("population"), dict) else None
    actors = population.get("count", 2) if population else len(data.get("actors") or {})
    issues = len(data.get("issues") or {}) or (population.get("issues", 1) if population else 1)
    n, k = (v if isinstance(v, int) and v > 0 else 1 for v in (actors, issues))
    return n * n * k


POOL_START_SECONDS = 0.4  # starting a local process pool here (forkserver, imports): a sweep shorter runs alone


def serial_seconds(plan: Plan) -> float:
    """A rough, rather high guess of a plan's time in one process, to decide whether starting a pool is worth it:
    per run and round 0.6 µs plus 35 ns per actor pair × issue (the article baseline's fixed cost and a complete
    population's cost per pair, docs/performance.md)."""
    per_source = plan.total / max(len(plan.sources), 1)
    total = 0.0
    for source in plan.sources:
        rounds = source.data.get("rounds")
        total += per_source * (rounds if isinstance(rounds, int) else 1) * (0.6e-6 + 35e-9 * cells(source))
    return total


def auto_batch(total: int, workers: int, weight: int = 1) -> int:
    """Default batch size: as many runs as keep ``weight`` (actors² × issues) within the caches, at most
    DEFAULT_BATCH, and ~4 batches per worker so small sweeps use every core (but not below 16 runs when they fit)."""
    cap = max(1, min(DEFAULT_BATCH, BATCH_CELLS // max(weight, 1)))
    return max(min(16, cap), min(cap, math.ceil(total / (4 * max(workers, 1)))))


def read_source(path: str | Path, label: str | None = None) -> Source:
    """Load and validate a scenario file (ScenarioError if invalid); keep its text for the workers."""
    text = read_text(path)  # read once: the text checked is the text the workers get
    scenario = load_scenario_text(text, str(path))
    return Source(scenario.name, str(Path(path).resolve()), file_hash(path), label or scenario.name, text)


def _unprefixed(message: str) -> str:
    """A loader message without its `--set PATH=VALUE: ` prefix (we name the --vary instead)."""
    message = " ".join(message.split())
    return message.split(": ", 1)[1] if message.startswith("--set ") and ": " in message else message


def _probe(source: Source, path: str, value: Any) -> None:
    """Build the scenario with ``path`` set to ``value`` as a worker will (parsed once; the loader's located
    ScenarioError when it is invalid)."""
    build_scenario(source.path, source.text, {path: value})


def _accepts(source: Source, path: str, value: Any) -> bool:
    """Whether the scenario validates with ``path`` set to ``value``."""
    try:
        _probe(source, path, value)
    except ScenarioError:
        return False
    return True


def _whole(values: Sequence[Any]) -> bool:
    return bool(values) and all(isinstance(x, int) and not isinstance(x, bool) for x in values)


def numeric_kind(source: Source, v: Vary) -> Vary:
    """Whole-number values of a field that takes fractions become floats: `openness=0:1` is a real range."""
    values = list(v.bounds) if v.bounds is not None else list(v.levels or ())
    if not _whole(values):
        return v
    probe = values[0] + 0.5 if v.bounds is not None or values[0] <= 0 else values[0] - 0.5
    if not _accepts(source, v.path, probe):
        return v  # an integer field (patience, rounds, opens)
    if v.bounds is not None:
        return replace(v, bounds=(float(v.bounds[0]), float(v.bounds[1])))
    return replace(v, levels=tuple(float(x) for x in v.levels or ()))


def whole_levels(source: Source, v: Vary) -> Vary:
    """Float levels of a field that takes whole numbers (start:stop:count gives floats when its steps are not
    whole): whole ones become ints; a fractional one is a DesignError line that says so and what to write."""
    values = list(v.levels or ())
    floats = [x for x in values if isinstance(x, float)]
    if not floats or any(isinstance(x, bool) or not isinstance(x, int | float) for x in values):
        return v
    if _accepts(source, v.path, floats[0]):
        return v  # a field that takes fractions
    whole = next((w for w in dict.fromkeys(round(x) for x in floats) if _accepts(source, v.path, w)), None)
    if whole is None or _accepts(source, v.path, whole + 0.5):
        return v  # not an integer field, or every value is bad for another reason: the probes say why
    fractional = [x for x in floats if not x.is_integer()]
    if fractional:
        lo, hi = round(values[0]), round(values[-1])
        shown = ", ".join(f"{x:g}" for x in fractional[:4]) + (" ..." if len(fractional) > 4 else "")
        if len(values) == 1:
            fix = f"write a whole number, e.g. {math.floor(values[0])} or {math.ceil(values[0])}"
        else:
            fix = f"write a range whose steps are whole, e.g. {lo}:{hi}:{abs(hi - lo) + 1}, or list the values"
        raise DesignError([v.line(f"takes whole numbers, but the values include {shown} ({fix})")])
    return replace(v, levels=tuple(int(x) if isinstance(x, float) else x for x in values))


def check_vary(source: Source, vary: Sequence[Vary]) -> list[Vary]:
    """Every PATH must exist and every value (both ends of a range) must validate; DesignError otherwise.

    Returns the entries with whole numbers turned into floats where the field takes fractions.
    """
    lines: list[str] = []
    data = source.data
    checked = []
    for v in vary:
        try:
            own = resolve_path(data, v.path)
            v = whole_levels(source, v)
        except PathError as e:
            lines.append(v.line(str(e)))
            continue
        except DesignError as e:
            lines += e.lines
            continue
        checked.append(v)
        for value in v.probes():
            try:
                _probe(source, v.path, value)
            except ScenarioError as e:
                for p in e.problems:
                    where = "" if tuple(p.path) == own else f"{dotted(p.path)}: "
                    lines.append(v.line(f"value {value!r}: {where}{_unprefixed(p.message)}"))
    if lines:
        raise DesignError(list(dict.fromkeys(lines)))
    return [numeric_kind(source, v) for v in checked]


def sweep_plan(
    source: Source, vary: Sequence[Vary], design: str, samples: int | None, seeds: int,
    root_seed: int, batch_size: int = DEFAULT_BATCH, levels: int | None = None, groups: Sequence[Group] = (),
) -> Plan:
    """Expand `PREFIX.*` entries, check the varied paths against the scenario, build the design, plan the runs."""
    vary = check_vary(source, expand_defaults(vary, source.data))
    built: Design = make_design(vary, design, samples, root_seed, levels, groups)
    return Plan("sweep", [source], built.points, seeds, root_seed, batch_size, built.manifest(),
                common_seeds=design in GSA_DESIGNS)


def compare_plan(sources: Sequence[Source], seeds: int, root_seed: int, batch_size: int = DEFAULT_BATCH) -> Plan:
    """The same seeds through every scenario; labels made unique (`name [file]`) when names repeat."""
    names = [s.name for s in sources]
    fixed = []
    for k, s in enumerate(sources):
        label = s.name if names.count(s.name) == 1 else f"{s.name} [{Path(s.path).stem}]"
        if label in [f.label for f in fixed]:
            label = f"{label} #{k + 1}"
        fixed.append(Source(s.name, s.path, s.hash, label, s.text))
    return Plan("compare", fixed, [{}], seeds, root_seed, batch_size)


def check_counts(seeds: int | None, batch_size: int | None, samples: int | None) -> None:
    """Positive counts or a DesignError naming the flag."""
    bad = [f"--{flag} {v}: must be a whole number >= 1"
           for flag, v in (("seeds", seeds), ("batch-size", batch_size), ("samples", samples))
           if v is not None and v < 1]
    if bad:
        raise DesignError(bad)
