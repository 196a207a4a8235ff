"""The Mesa façade: a ``mesa.Model`` driving the batch engine with a batch of one run.

Usable from a notebook::

    model = DiplomacyModel.from_yaml("scenarios/article_baseline.yaml", rng=7)
    model.run_for(10)
    model.datacollector.get_agent_vars_dataframe()
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike

import mesa
import numpy as np

from sim.agents import StateAgent
from sim.engine import Engine
from sim.loader import load_scenario
from sim.result import BatchResult
from sim.schema import Scenario
from sim.seeding import default_seed


class DiplomacyModel(mesa.Model):
    """States negotiating over issues; one ``step()`` is one round (a diplomatic week)."""

    def __init__(self, scenario: Scenario, *, rng: int | None = None):
        if rng is not None and not isinstance(rng, (int, np.integer)):
            raise TypeError("rng must be an integer seed, so the run can be reproduced by the batch engine")
        rng = default_seed(rng, scenario.seed)
        super().__init__(rng=int(rng))
        self.spec = scenario  # `scenario` is Mesa's own (experimental) attribute
        self.engine = Engine(scenario, [int(rng)], record=True)
        for index, name in enumerate(self.engine.structure.actors):
            StateAgent(self, self.engine, name, index)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "agreement": lambda m: bool(m.engine.state.agreement_round[0] >= 0),
                "open_channels": lambda m: int((m.engine.state.ch_status[0] == 1).sum()),
            },
            agent_reporters={  # read single cells: a.position[k] would build every issue's dict per reporter
                **{f"position:{k}": (lambda a, i=i: float(a.model.engine.state.position[0, a.index, i]))
                   for i, k in enumerate(self.engine.structure.issues)},
                "pressure": "pressure",
            },
        )
        self.datacollector.collect(self)

    @classmethod
    def from_yaml(
        cls, path: str | PathLike[str], *, rng: int | None = None, overrides: Sequence[str] = ()
    ) -> DiplomacyModel:
        """Load a scenario file (with optional ``PATH=VALUE`` overrides) and build the model."""
        return cls(load_scenario(path, overrides), rng=rng)

    def step(self) -> None:
        """One round for the single run; stops (``running = False``) at the scenario's horizon."""
        if self.engine.round >= self.engine.rounds:
            self.running = False
            return
        self.engine.step()
        self.datacollector.collect(self)
        self.running = self.engine.round < self.engine.rounds

    def agent(self, name: str) -> StateAgent:
        """The agent of an actor by name."""
        return next(a for a in self.agents if a.name == name)

    @property
    def events(self) -> list[dict]:
        """The event log so far (openings, collapses with reasons, scheduled shocks)."""
        return self.engine.log[0]

    def result(self) -> BatchResult:
        return self.engine.result()
