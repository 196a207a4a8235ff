"""Experimental designs: `--vary PATH=VALUES` specs, full grids, Latin hypercubes, Sobol and Morris designs.

VALUES is `0,0.5,1` (a list), `0:1:11` (start:stop:count, both ends included), `a,b` (categorical) or,
for the sampled designs (lhs, sobol, morris), `lo:hi` (a range sampled continuously; integers when both ends
are integers) or `+-S` (the scenario's value ± S, within the field's bounds). `--vary PREFIX.*` (or
`PREFIX: default-ranges` in a sweep file) stands for every coefficient under PREFIX over its documented plausible
range (``sim.ranges``), `--vary PREFIX.*=+-S` for every fraction the scenario writes under PREFIX ± S; both are
expanded against the scenario. Sobol and Morris designs may vary named groups of paths together (``--group``).
A design is a list of points, each a ``{PATH: value}`` dict; replicate seeds are the sweep's business.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np

from analysis.sweep.designs_gsa import DEFAULT_LEVELS, GSA_DESIGNS, requirement_problems, unit_sample
from analysis.sweep.request import DESIGNS
from sim.limits import lift, limit
from sim.paths import PathError, parse_value
from sim.ranges import default_ranges, spread_range, spread_ranges

DesignKind = Literal["grid", "lhs", "sobol", "morris"]
SAMPLED = ("lhs", *GSA_DESIGNS)  # designs that draw from lo:hi ranges
DEFAULT_RANGES = "default-ranges"
_FORMS = ("a list (0,0.5,1), start:stop:count (0:1:11), categories (a,b) or, for lhs/sobol/morris, "
          "a range lo:hi (0:1) or +-S (the scenario's value ± S)")
SPREAD_SIGNS = ("+-", "±")


class DesignError(ValueError):
    """Bad design input; ``lines`` holds one located line per problem (`WHERE: PATH: what is wrong`)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


@dataclass(frozen=True)
class Vary:
    """One varied scenario path: discrete ``levels`` or a continuous ``bounds`` range (sampled designs);
    ``defaults``: a `PREFIX.*` entry standing for every plausible range under ``path`` (see ``expand_defaults``)."""

    path: str
    levels: tuple[Any, ...] | None = None
    bounds: tuple[float, float] | None = None
    where: str = "--vary"  # where it was written: `--vary PATH=VALUES` or `FILE:LINE:COL`
    ypath: str = ""  # the path to name in error lines (default: ``path``)
    defaults: bool = False
    spread: float | None = None  # `+-S`: the scenario's value ± S (``expand_defaults`` turns it into bounds)

    def line(self, message: str) -> str:
        """A located error line about this entry."""
        return f"{self.where}: {self.ypath or self.path}: {message}"

    def manifest(self) -> list[Any]:
        """The manifest form: the list of levels, or ``[lo, hi]`` for a range."""
        return list(self.levels) if self.levels is not None else list(self.bounds or ())

    def probes(self) -> list[Any]:
        """Values to try once against the scenario before running: both ends of a range; of numeric levels the
        smallest and largest (numeric bounds are intervals: 10,000 levels need two probes, not 10,000);
        else every level."""
        if self.levels is None:
            return list(self.bounds or ())
        numbers = [x for x in self.levels if isinstance(x, Real) and not isinstance(x, bool)]
        finite = [x for x in numbers if math.isfinite(x)]
        if len(numbers) == len(self.levels) and len(finite) > 2:
            return list(dict.fromkeys((min(finite), max(finite), *(x for x in numbers if not math.isfinite(x)))))
        return list(self.levels)


class GridPoints(Sequence[dict[str, Any]]):
    """The points of a full grid, each made from its index when asked (the last path varies fastest), so a
    10,000,000-point grid costs its levels, not 10,000,000 dicts."""

    def __init__(self, paths: Sequence[str], levels: Sequence[Sequence[Any]]) -> None:
        self.paths, self.levels = tuple(paths), tuple(tuple(v) for v in levels)
        self._n = math.prod(len(v) for v in self.levels)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(self._n))]
        k = index + self._n if index < 0 else index
        if not 0 <= k < self._n:
            raise IndexError(f"point {index} of a {self._n}-point grid")
        values = []
        for levels in reversed(self.levels):
            k, r = divmod(k, len(levels))
            values.append(levels[r])
        return dict(zip(self.paths, reversed(values), strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GridPoints | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def column(self, path: str) -> tuple[Any, ...]:
        """The distinct levels of ``path`` (every value its column of the grid takes)."""
        return self.levels[self.paths.index(path)]

    def to_json(self) -> dict[str, Any]:
        return {"grid": {p: list(v) for p, v in zip(self.paths, self.levels, strict=True)}}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> GridPoints:
        return cls(list(obj["grid"]), list(obj["grid"].values()))


@dataclass(frozen=True)
class Design:
    """A set of design points over the varied paths."""

    kind: DesignKind
    vary: tuple[Vary, ...]
    samples: int | None
    points: Sequence[dict[str, Any]] = field(repr=False)
    levels: int | None = None  # Morris grid levels
    unit: list[list[float]] | None = field(default=None, repr=False)  # Morris: SALib's unit-cube matrix
    groups: dict[str, str] | None = None  # Sobol/Morris: the group of every varied path (``--group``)
    fixed: tuple[str, ...] = ()  # Sobol/Morris: paths given one value, held at it in every point (not factors)

    @property
    def paths(self) -> list[str]:
        return [v.path for v in self.vary]

    def manifest(self) -> dict[str, Any]:
        """The `design` block of manifest.json."""
        return {
            "kind": self.kind,
            "vary": {v.path: v.manifest() for v in self.vary},
            "samples": self.samples,
            "types": {v.path: "values" if v.levels is not None else "range" for v in self.vary},
            "points": len(self.points),
        } | ({"levels": self.levels, "unit": self.unit} if self.kind == "morris" else {}) | (
            {"groups": self.groups} if self.groups else {}) | ({"fixed": list(self.fixed)} if self.fixed else {})


@dataclass(frozen=True)
class Group:
    """`--group NAME=PATTERN[,PATTERN...]`: the varied paths matching any pattern (fnmatch) count as one factor; a
    path matched by several groups belongs to the first (so a catch-all like `dynamics.*` can come last)."""

    name: str
    patterns: tuple[str, ...]
    where: str = "--group"


def parse_group(arg: str, where: str = "--group") -> Group:
    """Parse one `--group NAME=PATTERN[,PATTERN...]` argument."""
    name, eq, text = arg.partition("=")
    patterns = tuple(p.strip() for p in text.split(",") if p.strip())
    if not eq or not name.strip() or not patterns:
        raise DesignError([f"{where} {arg}: expected NAME=PATTERN[,PATTERN...], "
                           "e.g. substantive='actors.*,relations.*'"])
    return Group(name.strip(), patterns, f"{where} {arg}")


def first_group(path: str, groups: Sequence[Group]) -> str | None:
    """The name of the first group with a pattern (fnmatch) matching ``path``, or None."""
    from fnmatch import fnmatchcase

    return next((g.name for g in groups if any(fnmatchcase(path, pat) for pat in g.patterns)), None)


def group_of(paths: Sequence[str], groups: Sequence[Group]) -> dict[str, str]:
    """The group of every path: the first whose pattern matches it, else the path itself; DesignError when a group
    gets no path, or a group name is also a path outside it."""
    out = {p: g for p in paths if (g := first_group(p, groups)) is not None}
    lines = [f"{g.where}: matches none of the {len(paths)} varied paths not in an earlier group "
             f"(e.g. {paths[0] if paths else '-'})" for g in groups if g.name not in out.values()]
    names = {g.name for g in groups}
    lines += [f"{next(g.where for g in groups if g.name == p)}: the group name {p} is also a varied path outside it"
              for p in paths if p in names and out.get(p) != p]
    if not lines and len(paths) == len(out) and len(groups) == 1:
        lines.append(f"{groups[0].where}: one group holding every varied path has S_T = 1 by definition; give two "
                     "groups or more, or leave some paths out of it")
    if lines:
        raise DesignError(lines)
    return {p: out.get(p, p) for p in paths}


def _number(text: str) -> int | float | None:
    """The number a range end stands for, or None if it is not one."""
    value = parse_value(text.strip())
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    return int(value) if isinstance(value, Integral) else float(value)


def _tidy(x: float) -> float:
    """Round away binary noise (0.30000000000000004 -> 0.3) so values print and compare cleanly."""
    return float(f"{x:.12g}")


def linspace(start: float, stop: float, count: int) -> list[int | float]:
    """`start:stop:count`: ``count`` evenly spaced values, both ends included; ints when all are whole."""
    values = [_tidy(v) for v in np.linspace(start, stop, count)]
    if isinstance(start, int) and isinstance(stop, int) and all(v.is_integer() for v in values):
        return [int(v) for v in values]
    return values


def parse_values(text: str) -> tuple[tuple[Any, ...] | None, tuple[float, float] | None]:
    """Parse a VALUES string into ``(levels, None)`` or ``(None, (lo, hi))``; raises ValueError."""
    text = text.strip()
    if not text:
        raise ValueError(f"no values given; give {_FORMS}")
    if "," in text:
        items = [item.strip() for item in text.split(",")]
        if any(not item for item in items):
            raise ValueError(f"empty value in list {text!r}")
        return tuple(parse_value(item) for item in items), None
    parts = text.split(":")
    if len(parts) in (2, 3) and all(_number(p) is not None for p in parts):
        lo, hi = _number(parts[0]), _number(parts[1])
        if len(parts) == 2:
            if not lo < hi:  # type: ignore[operator]
                raise ValueError(f"range {text!r}: lo must be below hi")
            return None, (lo, hi)  # type: ignore[return-value]
        count = _number(parts[2])
        if not isinstance(count, int) or count < 1:
            raise ValueError(f"{text!r}: the count (after the second ':') must be a whole number >= 1")
        if count > limit("runs"):
            raise ValueError(f"{text!r}: {count} values, more than the limit of {limit('runs')} runs per plan; "
                             f"{lift('runs', '--max-runs')}")
        return tuple(linspace(lo, hi, count)), None  # type: ignore[arg-type]
    return (parse_value(text),), None


def vary_from_values(path: str, values: Any, where: str, ypath: str = "") -> Vary:
    """A Vary from a path and a VALUES string or a YAML list/scalar (sweep files); raises DesignError."""
    path = path.strip()
    v = Vary(path, where=where, ypath=ypath)
    if not path:
        raise DesignError([f"{where}: no PATH before '='; write PATH=VALUES, e.g. actors.UK.strategy.openness=0:1:5"])
    if isinstance(values, str) and values.strip().startswith(SPREAD_SIGNS):
        return Vary(path.removesuffix(".*"), where=where, ypath=ypath, defaults=path.endswith(".*"),
                    spread=_spread(v, values.strip()))
    if path.endswith(".*") or values == DEFAULT_RANGES:
        if values not in (DEFAULT_RANGES, "") and values is not None:
            raise DesignError([v.line(f"`{path}` stands for default ranges; give no values (or {DEFAULT_RANGES})")])
        return Vary(path.removesuffix(".*"), where=where, ypath=ypath, defaults=True)
    if isinstance(values, list):
        if not values:
            raise DesignError([v.line("empty list of values")])
        return Vary(path, levels=tuple(values), where=where, ypath=ypath)
    if not isinstance(values, str):
        return Vary(path, levels=(values,), where=where, ypath=ypath)
    try:
        levels, bounds = parse_values(values)
    except ValueError as e:
        raise DesignError([v.line(str(e))]) from e
    return Vary(path, levels=levels, bounds=bounds, where=where, ypath=ypath)


def _spread(v: Vary, text: str) -> float:
    """S of a `+-S` value (a number > 0); DesignError otherwise."""
    value = _number(text.removeprefix("+-").removeprefix("±"))
    if value is None or value <= 0:
        raise DesignError([v.line(f"{text!r}: +-S needs a number S > 0, e.g. +-0.15")])
    return float(value)


def parse_vary(arg: str, where: str = "--vary") -> Vary:
    """Parse one `--vary PATH=VALUES` argument."""
    path, eq, values = arg.partition("=")
    if not eq and path.strip().endswith(".*"):
        return vary_from_values(path, DEFAULT_RANGES, f"{where} {arg}")
    if not eq:
        raise DesignError([f"{where} {arg}: expected PATH=VALUES, e.g. actors.UK.strategy.openness=0:1:5"])
    return vary_from_values(path, values, f"{where} {arg}")


def grid(vary: Sequence[Vary]) -> GridPoints:
    """Every combination of the levels (the last path varies fastest), made lazily; one empty point when nothing
    varies."""
    ranged = [v for v in vary if v.levels is None]
    if ranged:
        raise DesignError(
            [v.line("a range lo:hi needs --design lhs, sobol or morris; a grid needs a list (0,0.5,1) or "
                    "start:stop:count (0:1:11)")
             for v in ranged]
        )
    return GridPoints([v.path for v in vary], [v.levels or () for v in vary])


def _scale(v: Vary, u: np.ndarray) -> list[Any]:
    """Map uniform draws in [0, 1) to the values of ``v``: range ends or levels."""
    if v.levels is not None:
        n = len(v.levels)
        return [v.levels[min(int(x * n), n - 1)] for x in u]
    lo, hi = v.bounds  # type: ignore[misc]
    if isinstance(lo, int) and isinstance(hi, int):
        return [min(lo + int(math.floor(x * (hi - lo + 1))), hi) for x in u]
    return [_tidy(lo + x * (hi - lo)) for x in u]


def lhs(vary: Sequence[Vary], samples: int, seed: int) -> list[dict[str, Any]]:
    """A seeded Latin hypercube of ``samples`` points (scipy's qmc.LatinHypercube)."""
    if not vary:
        raise DesignError(["--design lhs: needs at least one --vary PATH=lo:hi"])
    if samples < 1:
        raise DesignError([f"--samples {samples}: must be >= 1"])
    from scipy.stats import qmc  # imported here: scipy takes ~2 s to load and only lhs designs need it

    u = qmc.LatinHypercube(d=len(vary), rng=np.random.default_rng(seed)).random(samples)
    columns = [_scale(v, u[:, k]) for k, v in enumerate(vary)]
    return [{v.path: columns[k][i] for k, v in enumerate(vary)} for i in range(samples)]


def expand_defaults(vary: Sequence[Vary], data: dict[str, Any]) -> list[Vary]:
    """Replace every `PREFIX.*` entry by one ranged entry per plausible coefficient under PREFIX in ``data``
    (entries the user gives explicitly win); DesignError naming the entry when PREFIX has none."""
    explicit = {v.path for v in vary if not v.defaults}
    out: list[Vary] = []
    for v in vary:
        if not v.defaults and v.spread is None:
            out.append(v)
            continue
        try:
            if not v.defaults:
                out.append(replace(v, bounds=spread_range(data, v.path, v.spread), spread=None))  # type: ignore[arg-type]
                continue
            ranges = spread_ranges(data, v.path, v.spread) if v.spread else default_ranges(data, v.path)
        except PathError as e:
            raise DesignError([v.line(str(e))]) from e
        out += [Vary(p, bounds=r, where=v.where, ypath=v.ypath and f"{v.ypath} ({p})")  # type: ignore[arg-type]
                for p, r in ranges.items() if p not in explicit and p not in {o.path for o in out}]
    return out


def held(v: Vary) -> bool:
    """Whether a Sobol/Morris design holds ``v`` at its one value instead of sampling it."""
    return v.levels is not None and len(v.levels) == 1


def gsa(vary: Sequence[Vary], kind: str, samples: int, levels: int | None, seed: int,
        groups: dict[str, str] | None = None) -> Design:
    """A Sobol or Morris design: SALib's unit sample mapped to each path's values (over groups of paths, if any); a
    path given one value is held at it, not sampled (it would cost N points and have an index of 0)."""
    fixed = {v.path: v.levels[0] for v in vary if held(v)}  # type: ignore[index]
    factors = [v for v in vary if v.path not in fixed]
    if not factors:
        raise DesignError([f"--design {kind}: every varied path has one value; give a range or several values"])
    u = unit_sample(kind, len(factors), samples, levels, seed, [groups[v.path] for v in factors] if groups else None)
    columns = {v.path: _scale(v, u[:, k]) for k, v in enumerate(factors)}
    points = [{v.path: fixed[v.path] if v.path in fixed else columns[v.path][i] for v in vary} for i in range(len(u))]
    unit = [[_tidy(x) for x in row] for row in u.tolist()] if kind == "morris" else None
    return Design(kind, tuple(vary), samples, points, (levels or DEFAULT_LEVELS) if kind == "morris" else None,  # type: ignore[arg-type]
                  unit, groups, tuple(fixed))


def make_design(vary: Sequence[Vary], kind: str = "grid", samples: int | None = None, seed: int = 0,
                levels: int | None = None, groups: Sequence[Group] = ()) -> Design:
    """Build a grid, LHS, Sobol or Morris design; raises DesignError with located lines."""
    seen: dict[str, Vary] = {}
    problems = []
    for v in vary:
        if v.path in seen:
            problems.append(v.line(f"varied twice (also {seen[v.path].where})"))
        seen[v.path] = v
    if kind not in DESIGNS:
        problems.append(f"--design {kind}: unknown design (allowed: {', '.join(DESIGNS)})")
    elif kind == "grid" and samples is not None:
        problems.append(f"--samples {samples}: only used by --design lhs, sobol or morris")
    elif kind == "lhs" and samples is None:
        problems.append("--design lhs: needs --samples N")
    elif kind in GSA_DESIGNS:
        problems += requirement_problems(kind, len(vary), samples, levels)
    if kind in ("grid", "lhs") and levels is not None:
        problems.append(f"--levels {levels}: only used by --design morris")
    if kind in ("grid", "lhs") and groups:
        problems += [f"{g.where}: groups are for --design sobol or morris (indices per group)" for g in groups]
    if problems:
        raise DesignError(problems)
    if kind in GSA_DESIGNS:
        by_path = group_of([v.path for v in vary if not held(v)], groups) if groups else None
        return gsa(vary, kind, samples, levels, seed, by_path)  # type: ignore[arg-type]
    points = grid(vary) if kind == "grid" else lhs(vary, samples, seed)  # type: ignore[arg-type]
    return Design(kind, tuple(vary), samples, points)  # type: ignore[arg-type]


def column_kind(values: Sequence[Any]) -> str:
    """The Parquet column type of a varied path: bool, int, float or str (mixed kinds become str)."""
    vals = [v for v in values if v is not None]
    if vals and all(isinstance(v, (bool, np.bool_)) for v in vals):
        return "bool"
    if all(isinstance(v, Integral) and not isinstance(v, bool) for v in vals) and len(vals) == len(values):
        return "int"
    if all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in vals):
        return "float"
    return "str"
