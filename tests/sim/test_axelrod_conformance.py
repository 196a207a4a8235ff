"""Every dipsim reciprocity rule, wrapped as an ``axelrod.Player``, plays move for move like its Axelrod strategy.

The wrapper builds a dipsim ``History`` from the two Axelrod histories and asks the dipsim rule. A rule
whose reply depends on the uniform draw takes it from the player's own ``self._random`` only when the reply
depends on it, as Axelrod's memory-one players do (``random_choice`` draws nothing when p is 0 or 1), so the
same match seed gives the same moves.
"""

from __future__ import annotations

import axelrod as axl
import numpy as np
import pytest

from sim.schema import Dynamics
from sim.strategies import RECIPROCITY, History, ReciprocityRule

C, D = axl.Action.C, axl.Action.D
GAME = axl.Game(r=3, s=0, t=5, p=1)
TURNS = 200
SEEDS = (0, 1, 2024)
GENEROSITY = Dynamics().generosity
AXELROD = {s.name: s for s in axl.all_strategies}
PANEL = {
    "Cooperator": axl.Cooperator,
    "Defector": axl.Defector,
    "Alternator": axl.Alternator,
    "TitForTat": axl.TitForTat,
    "Grudger": axl.Grudger,
    "Random(0.5)": lambda: axl.Random(0.5),
}
_ALMOST_ONE = float(np.nextafter(1.0, 0.0))


def _cell(value: bool | float) -> np.ndarray:
    """A (1, 1, 1) array: one run, one ordered pair."""
    return np.full((1, 1, 1), value)


class Dipsim(axl.Player):
    """A dipsim reciprocity rule playing in Axelrod's library (listen = C, ignore = D)."""

    name = "dipsim"
    classifier = {
        "memory_depth": float("inf"),
        "stochastic": False,
        "long_run_time": False,
        "inspects_source": False,
        "manipulates_source": False,
        "manipulates_state": False,
    }

    def __init__(self, rule: str = "tit_for_tat", generosity: float = GENEROSITY) -> None:
        super().__init__()
        self.rule: ReciprocityRule = RECIPROCITY[rule]
        self.generosity = generosity
        self.classifier["stochastic"] = self.rule.stochastic  # Match seeds only stochastic players

    def _memory(self, opponent: axl.Player, draw: float) -> History:
        """What this player remembers of the match, as a dipsim History of shape (1, 1, 1)."""
        met = len(self.history) > 0
        return History(
            met=_cell(met),
            opp_last=_cell(met and opponent.history[-1] == C),
            my_last=_cell(met and self.history[-1] == C),
            opp_ever_ignored=_cell(opponent.defections > 0),
            draw=_cell(draw),
            generosity=_cell(self.generosity),
        )

    def strategy(self, opponent: axl.Player) -> axl.Action:
        """Listen (C) when the dipsim rule intends to; draw a uniform only if the intent depends on it."""
        low = bool(self.rule.intent(self._memory(opponent, 0.0))[0, 0, 0])
        high = bool(self.rule.intent(self._memory(opponent, _ALMOST_ONE))[0, 0, 0])
        if low == high:
            return C if low else D
        draw = float(self._random.random())
        return C if bool(self.rule.intent(self._memory(opponent, draw))[0, 0, 0]) else D


def _play(player: axl.Player, opponent: axl.Player, seed: int) -> axl.Match:
    """A played 200-turn match under the standard payoffs R, P, S, T = 3, 1, 0, 5."""
    match = axl.Match((player, opponent), turns=TURNS, seed=seed, game=GAME)
    match.play()
    return match


def test_axelrod_names_exist():
    for rule in RECIPROCITY.values():
        assert rule.axelrod in AXELROD, f"{rule.name}: no Axelrod strategy named {rule.axelrod!r}"


def test_gtft_generosity_matches_axelrod():
    """Axelrod derives GTFT's p = min(1 - (T - R)/(R - S), (R - P)/(T - P)) = 1/3 from the payoffs."""
    assert axl.DefaultGame.RPST() == GAME.RPST()
    gtft = axl.GTFT()  # p is computed from the default (standard) game when the player is created
    gtft.set_match_attributes(game=GAME)
    assert gtft.p == pytest.approx(1 / 3, abs=1e-15)
    assert gtft.p == pytest.approx(GENEROSITY, abs=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("opponent", list(PANEL))
@pytest.mark.parametrize("rule", list(RECIPROCITY))
def test_moves_equal_axelrod(rule, opponent, seed):
    ours = _play(Dipsim(rule), PANEL[opponent](), seed)
    theirs = _play(AXELROD[RECIPROCITY[rule].axelrod](), PANEL[opponent](), seed)
    diff = next((k for k, (a, b) in enumerate(zip(ours.result, theirs.result, strict=True)) if a != b), None)
    assert diff is None, f"{rule} vs {opponent}, seed {seed}: first differing turn {diff + 1}"
    assert len(ours.result) == TURNS
    assert ours.final_score() == theirs.final_score()


@pytest.mark.parametrize(
    ("rule", "opponent", "scores"),
    [
        ("tit_for_tat", "Defector", (199, 204)),
        ("tit_for_tat", "Alternator", (498, 503)),
        ("grim_trigger", "Alternator", (597, 107)),
    ],
)
def test_published_scores(rule, opponent, scores):
    assert _play(Dipsim(rule), PANEL[opponent](), seed=0).final_score() == scores


def test_gtft_draws_only_after_being_ignored():
    """Against Cooperator GTFT never draws; against Defector it draws once per turn after the first."""
    for opponent, draws in (("Cooperator", 0), ("Defector", TURNS - 1)):
        player = Dipsim("generous_tit_for_tat")
        player.set_seed(5)
        reference = axl.RandomGenerator(seed=5)
        opp = PANEL[opponent]()
        for _ in range(TURNS):
            a, b = player.strategy(opp), opp.strategy(player)
            player.update_history(a, b)
            opp.update_history(b, a)
        for _ in range(draws):
            reference.random()
        assert player._random.random() == reference.random()
