"""`expect:` claims: what a scenario says its runs show, over many seeds (checked by `dipsim check`).

A claim names an outcome column of a sweep table and one statistic with a bound: ``rate: ">= 0.9"`` (share of
runs in which a true/false outcome holds, or a named one is one of ``is``), ``median``/``mean``/``min``/``max``
(of a numeric outcome). A bound is ``OP NUMBER`` or ``OP [K x] baseline``: the same statistic of the scenario
named by ``against`` (default: the one this file extends), e.g. ``">= 3x baseline"``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

STATISTICS = ("rate", "median", "mean", "min", "max")
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq,
}
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_BOUND = re.compile(rf"^\s*(>=|<=|==|>|<)\s*(?:({_NUMBER})|(?:({_NUMBER})\s*[x×*]\s*)?baseline)\s*$")


@dataclass(frozen=True)
class Bound:
    """A parsed bound: ``op`` against ``value``, or against ``factor`` × the baseline's statistic."""

    op: str
    value: float | None = None
    factor: float | None = None  # set when the bound is relative to the baseline

    def holds(self, measured: float, baseline: float | None = None) -> bool:
        """Whether ``measured`` satisfies the bound (False for NaN)."""
        target = self.target(baseline)
        return measured == measured and target == target and OPERATORS[self.op](measured, target)

    def target(self, baseline: float | None = None) -> float:
        """The number compared with (NaN when a baseline is needed and missing)."""
        if self.factor is None:
            return float(self.value)  # type: ignore[arg-type]
        return self.factor * baseline if baseline is not None else float("nan")

    def __str__(self) -> str:
        if self.factor is None:
            return f"{self.op} {self.value:g}"
        return f"{self.op} {self.factor:g}x baseline" if self.factor != 1 else f"{self.op} baseline"


def parse_bound(text: Any) -> Bound:
    """``">= 0.9"``, ``"> baseline"``, ``">= 3x baseline"`` -> Bound; ValueError saying what to write."""
    m = _BOUND.match(text) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"bound {text!r}: write OP NUMBER or OP [K x] baseline, with OP one of "
                         f"{', '.join(OPERATORS)} (e.g. \">= 0.9\", \">= 3x baseline\"; quote it in YAML)")
    op, number, factor = m.groups()
    if number is not None:
        return Bound(op, value=float(number))
    return Bound(op, factor=float(factor) if factor is not None else 1.0)


class Claim(BaseModel):
    """One claim over many seeds."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)

    outcome: str = Field(description="An outcome column: `UK-Russia:collapsed`, `agreement`, `trust:Russia->UK`, "
                                     "`pressure:UK`, ... (the columns of a sweep's runs table).")
    rate: str | None = Field(None, description="Share of runs where it holds (true, happened, or is one of `is`).")
    median: str | None = Field(None, description="Median over runs (runs where a round never came left out).")
    mean: str | None = Field(None, description="Mean over runs.")
    min: str | None = Field(None, description="Smallest value over runs.")
    max: str | None = Field(None, description="Largest value over runs.")
    is_: str | list[str] | None = Field(None, alias="is", description="For a named outcome (`UK-Russia:did_not_"
                                        "listen`): the value(s) `rate` counts.")
    against: str | None = Field(None, description="The scenario `baseline` means (a file relative to this one, or "
                                                  "a shipped name; default: the one `extends:` names).")
    note: str | None = Field(None, description="What the claim stands for, e.g. `F1: the channel collapses`.")

    @model_validator(mode="after")
    def _one_statistic(self) -> Claim:
        given = [s for s in STATISTICS if getattr(self, s) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(STATISTICS)} (got {', '.join(given) or 'none'}), "
                             "e.g. `rate: \">= 0.9\"`")
        parse_bound(getattr(self, given[0]))
        if self.is_ is not None and given[0] != "rate":
            raise ValueError("`is` picks the values `rate` counts; use it with `rate`")
        return self

    @property
    def statistic(self) -> str:
        """Which statistic the claim bounds."""
        return next(s for s in STATISTICS if getattr(self, s) is not None)

    @property
    def bound(self) -> Bound:
        return parse_bound(getattr(self, self.statistic))

    def __str__(self) -> str:
        values = self.is_ if isinstance(self.is_, list) else [self.is_] if self.is_ is not None else []
        what = f"{self.outcome} in {{{', '.join(values)}}}" if values else self.outcome
        return f"{what} {self.statistic} {self.bound}"
