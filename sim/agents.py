"""Mesa agents: the states of a scenario. They hold no maths; their attributes read the engine's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.strategies import RECIPROCITY, SPEECH

if TYPE_CHECKING:
    from sim.engine import Engine


class StateAgent(mesa.Agent):
    """One actor (a state or bloc), a view onto row ``index`` of the engine's batch of one run."""

    def __init__(self, model: mesa.Model, engine: Engine, name: str, index: int):
        super().__init__(model)
        self._engine = engine
        self.name = name
        self.index = index

    @property
    def position(self) -> dict[str, float]:
        """Current position on every issue (0 = low end, 1 = high end)."""
        issues = self._engine.structure.issues
        return {k: float(self._engine.state.position[0, self.index, i]) for i, k in enumerate(issues)}

    @property
    def capability(self) -> float:
        return float(self._engine.params.capability[0, self.index])

    @property
    def salience(self) -> dict[str, float]:
        issues = self._engine.structure.issues
        return {k: float(self._engine.params.salience[0, self.index, i]) for i, k in enumerate(issues)}

    @property
    def strategy(self) -> dict[str, object]:
        """Speaking style (and styles toward named actors), openness, reciprocity rule and latitude in force now
        (events may change them)."""
        p, st = self._engine.params, self._engine.structure
        styles = list(SPEECH)
        return {
            "speaking": styles[int(p.speaking[0, self.index])],
            "speaking_to": {st.actors[b]: styles[int(p.speaking_to[0, m])]
                            for m, (a, b) in enumerate(st.speech_pairs.tolist())
                            if a == self.index and p.speaking_to[0, m] >= 0},
            "openness": float(p.openness[0, self.index]),
            "reciprocity": list(RECIPROCITY)[int(p.rule[0, self.index])],
            "latitude": float(p.latitude[0, self.index]),
        }

    @property
    def pressure(self) -> float:
        """Sidelining pressure: how much it loses by being left out of tracks."""
        return float(self._engine.state.pressure[0, self.index])

    def trust_in(self, other: StateAgent | str) -> float:
        """How much this actor trusts ``other``, in [0, 1]."""
        j = other.index if isinstance(other, StateAgent) else self._engine.actor_index(other)
        return float(self._engine.state.trust[0, self.index, j])

    def __repr__(self) -> str:
        return f"StateAgent({self.name!r})"
