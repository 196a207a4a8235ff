"""Registries of reciprocity rules and speech styles: YAML names mapped to vectorised behaviour.

Listening is cooperating in the Axelrod vocabulary. Every rule sees, for each ordered pair (i, j) of a
batch of runs, what j did the last time they met and returns whether i *intends* to listen; the actor's
``openness`` then decides whether the intent is carried out. Adding a rule is one small class and one
entry in ``_RULES`` (and a row in the table test).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class History:
    """What i remembers of its contact with j: arrays of one shape, (runs, actors, actors) or the engine's
    (pairs, runs); ``generosity`` broadcasts against them."""

    met: np.ndarray  # i and j have met at least once
    opp_last: np.ndarray  # j listened to i the last time they met
    my_last: np.ndarray  # i listened to j the last time they met
    opp_ever_ignored: np.ndarray  # j has ignored i at least once
    draw: np.ndarray  # a uniform draw in [0, 1) for rules that randomise
    generosity: np.ndarray  # forgiveness probability of generous rules, e.g. (runs, 1, 1)


class ReciprocityRule:
    """Base class: a named rule that maps a ``History`` to an intent to listen."""

    name: ClassVar[str]
    axelrod: ClassVar[str]  # the Axelrod library strategy it plays like
    description: ClassVar[str]
    stochastic: ClassVar[bool] = False

    def intent(self, h: History) -> np.ndarray:
        raise NotImplementedError


class AlwaysListen(ReciprocityRule):
    name = "always_listen"
    axelrod = "Cooperator"
    description = "Listens every round, whatever the other does."

    def intent(self, h: History) -> np.ndarray:
        return np.ones_like(h.met)


class NeverListen(ReciprocityRule):
    name = "never_listen"
    axelrod = "Defector"
    description = "Only speaks; never listens."

    def intent(self, h: History) -> np.ndarray:
        return np.zeros_like(h.met)


class TitForTat(ReciprocityRule):
    name = "tit_for_tat"
    axelrod = "Tit For Tat"
    description = "Listens first, then does what the other did last time."

    def intent(self, h: History) -> np.ndarray:
        return ~h.met | h.opp_last


class GenerousTitForTat(ReciprocityRule):
    name = "generous_tit_for_tat"
    axelrod = "GTFT"
    description = "Tit-for-tat that forgives an ignored round with probability `dynamics.generosity` (1/3)."
    stochastic = True

    def intent(self, h: History) -> np.ndarray:
        return ~h.met | h.opp_last | (h.draw < h.generosity)


class GrimTrigger(ReciprocityRule):
    name = "grim_trigger"
    axelrod = "Grudger"
    description = "Listens until the other ignores it once, then never again."

    def intent(self, h: History) -> np.ndarray:
        return ~h.opp_ever_ignored


class WinStayLoseShift(ReciprocityRule):
    name = "win_stay_lose_shift"
    axelrod = "Win-Stay Lose-Shift"
    description = "Pavlov: repeats its last move when the other listened, switches when ignored."

    def intent(self, h: History) -> np.ndarray:
        return ~h.met | (h.my_last == h.opp_last)


_RULES: tuple[type[ReciprocityRule], ...] = (
    AlwaysListen,
    NeverListen,
    TitForTat,
    GenerousTitForTat,
    GrimTrigger,
    WinStayLoseShift,
)
RECIPROCITY: dict[str, ReciprocityRule] = {cls.name: cls() for cls in _RULES}
RECIPROCITY_CODES: dict[str, int] = {name: code for code, name in enumerate(RECIPROCITY)}


def rule_groups(codes: np.ndarray) -> list[tuple[ReciprocityRule, np.ndarray | None]]:
    """The rules present in ``codes``, each with the mask of where it applies (None: everywhere)."""
    present = np.flatnonzero(np.bincount(codes.ravel(), minlength=len(RECIPROCITY)))
    rules = list(RECIPROCITY.values())
    if len(present) == 1:
        return [(rules[present[0]], None)]
    return [(rules[code], codes == code) for code in present]


def intent_of(groups: list[tuple[ReciprocityRule, np.ndarray | None]], h: History) -> np.ndarray:
    """Intent to listen where each group's rule applies (``rule_groups``)."""
    (rule, where), *more = groups
    if where is None:
        return np.broadcast_to(rule.intent(h), h.met.shape)
    out = where & rule.intent(h)
    for rule, where in more:
        out |= where & rule.intent(h)
    return out



def listening(contact: np.ndarray, intent: np.ndarray, coins: np.ndarray | None, chance: np.ndarray | None,
              ally_always: np.ndarray) -> np.ndarray:
    """Who listens: in contact and intending to (``intent_of``), carried out with ``chance``
    (``sim.decisions.listen_chance``) against ``coins`` (None: that chance is exactly 1); allies always."""
    listen = contact & intent
    if coins is not None:
        listen &= coins < chance
    listen |= contact & ally_always
    return listen


def any_stochastic(codes: np.ndarray) -> bool:
    """Whether any actor follows a rule that draws (so the round needs its draws)."""
    used = np.bincount(codes.ravel(), minlength=len(RECIPROCITY)) > 0
    return bool(np.array([rule.stochastic for rule in RECIPROCITY.values()])[used].any())


def chance_matters(openness: np.ndarray, sensitivity: np.ndarray, distance: bool = False,
                   style_cost: np.ndarray | float = 0.0) -> bool:
    """Whether listening is ever left to chance (so the round needs its coins): openness below 1, distrust, distance
    or a costly style lowering the chance (``sim.decisions.listen_chance``)."""
    return bool((openness < 1).any() or (sensitivity > 0).any() or distance or (np.asarray(style_cost) > 0).any())


@dataclass(frozen=True)
class SpeechStyle:
    """How a style of speaking persuades and moves the hearer's trust (defaults; `dynamics.speech` overrides)."""

    name: str
    description: str
    persuasion: float  # multiplier on the step of a hearer who listens
    fall: float  # multiplier on the hearer's trust loss when the speaker ignores the hearer
    penalty: float  # extra proportional trust loss of the hearer each round the style is heard
    cost: float = 0.0  # cost to the hearer of listening (lowers its chance of listening and of staying)
    cost_plausible: tuple[float, float] = (0.0, 0.5)  # the range of ``cost`` a sensitivity analysis samples


SPEECH: dict[str, SpeechStyle] = {
    s.name: s
    for s in (
        SpeechStyle("respectful", "Acknowledges the other's position; softens the fall of trust.", 1.0, 0.5, 0.0,
                    0.0, (0.0, 0.05)),
        SpeechStyle("assertive", "Presents its own position firmly.", 0.9, 1.0, 0.0, 0.0, (0.0, 0.15)),
        SpeechStyle("ultimatum", "Demands; persuades less, costs the hearer's trust every round and makes listening "
                    "costly.", 0.6, 1.0, 0.08, 0.3, (0.15, 0.5)),
    )
}
SPEECH_CODES: dict[str, int] = {name: code for code, name in enumerate(SPEECH)}
