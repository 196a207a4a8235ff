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
import pandas as pd

from sim.agents import StateAgent
from sim.engine import Engine
from sim.loader import load_scenario
from sim.result import BatchResult
from sim.schema import Scenario
from sim.seeding import default_seed


class ActorCollector(mesa.DataCollector):
    """Mesa's DataCollector whose agent table is indexed by ``Step`` (the round, an int) and ``actor`` (the name)."""

    def __init__(self, names: dict[int, str], **reporters: dict) -> None:
        super().__init__(**reporters)
        self.names = names

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """One row per round and actor, as Mesa's but keyed by actor name instead of AgentID."""
        frame = super().get_agent_vars_dataframe()
        steps = frame.index.get_level_values(0).to_numpy().astype(np.int64)
        actors = frame.index.get_level_values(1).map(self.names)
        frame.index = pd.MultiIndex.from_arrays([steps, actors], names=["Step", "actor"])
        return frame


class DiplomacyModel(mesa.Model):
    """States negotiating over issues; one ``step()`` is one round (a diplomatic week)."""

    def __init__(self, scenario: Scenario, *, rng: int | None = None):
        if rng is not None and not isinstance(rng, (int, np.integer)):
            raise TypeError("rng must be an integer seed, so the run can be reproduced by the batch engine")
        rng = default_seed(rng, scenario.seed)
        super().__init__(rng=int(rng))
        self.spec = scenario  # `scenario` is Mesa's own (experimental) attribute
        self.engine = Engine(scenario, [int(rng)], record=True)
        agents = [StateAgent(self, self.engine, name, index)
                  for index, name in enumerate(self.engine.structure.actors)]
        self.datacollector = ActorCollector(
            {a.unique_id: a.name for a in agents},
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
