"""Why a side listens, and why it walks away: pure functions of the actors' state over the batch axis.

A reciprocity rule (``sim.strategies``) gives the *intent* to listen; these functions decide how reliably the
intent is carried out and whether a side keeps a back channel. What a diplomat weighs:

- trust in the other (``trust``);
- how far the other stands on the issues that matter to it, beyond its latitude (``excess_distance``);
- the other's way of speaking (an ultimatum makes listening costly: ``speech.STYLE.cost``);
- what the channel is worth to it (``channel_worth``: the sidelining pressure that made the initiator open it;
  for the other side, a way to split the initiator's bloc);
- the cost of the contact becoming public (``exposure_cost``).

A side's value of continuing a channel is its perceived reciprocity plus the channel's worth minus those costs
(``continue_value``); it finds a round one-sided when that value is below the value of walking away (the
channel's ``threshold``), and the shortfall adds to the channel's grievance (``grievance``), which collapses it on
reaching ``patience``. With every new coefficient 0 the chance and the one-sided test reduce to the plain rules
(chance = openness × (1 − s·(1 − trust)); one-sided when perceived reciprocity < threshold).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _unit(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0)


def excess_distance(gap: np.ndarray, salience: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    """(…, R) how far beyond its latitude the other stands, averaged over issues weighted by the side's salience.

    ``gap``: absolute position gaps (…, K, R); ``salience``: the side's (…, K, R); ``latitude``: (…, 1, R).
    Arguments within latitude cost nothing; an issue of salience 0 never counts.
    """
    beyond = np.maximum(gap - latitude, 0.0)
    return (beyond * salience).mean(axis=-2)


def listen_chance(openness: np.ndarray, trust: np.ndarray, excess: np.ndarray, style_cost: np.ndarray,
                  worth: np.ndarray | float, sensitivity: np.ndarray, distance_aversion: np.ndarray) -> np.ndarray:
    """Chance an intent to listen is carried out: openness × (1 − s·(1 − trust) − a·excess − style cost + worth),
    the bracket clipped to [0, 1]. Distrust, far positions and an ultimatum make listening costly; a channel worth
    something to the listener makes it worth the cost."""
    reliability = 1.0 - sensitivity * (1.0 - trust) - distance_aversion * excess - style_cost + worth
    return openness * _unit(reliability)


def bloc_share(capability: np.ndarray, alliance: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(2, C, R) per channel side: the capability share the *other* side's allies (oneself excluded) hold in the
    other's bloc, 0 when the other has no allies — what a separate line to the other splits off.

    ``capability``: (N, R); ``alliance``: (N, N) bool; ``ends``: (C, 2) initiator first.
    """
    out = np.zeros((2, len(ends), capability.shape[-1]))
    for c, (a, b) in enumerate(ends.tolist()):
        for side, (x, y) in enumerate(((a, b), (b, a))):
            allies = alliance[y].copy()
            allies[x] = False
            held = capability[allies].sum(axis=0)
            total = held + capability[y]
            out[side, c] = np.divide(held, total, out=np.zeros_like(total), where=total > 0)
    return out


def channel_worth(pressure: np.ndarray, wedge: np.ndarray, sidelining_worth: np.ndarray,
                  wedge_worth: np.ndarray) -> np.ndarray:
    """What keeping the channel is worth to a side: its sidelining pressure (being left out of the talks that
    matter) and the share of the other's bloc a separate line splits off, each with its weight."""
    return sidelining_worth * pressure + wedge_worth * wedge


@dataclass(frozen=True)
class Value:
    """A side's value of continuing a channel and its parts (arrays of one shape), for the decision and its reason."""

    reciprocity: np.ndarray  # perceived reciprocity of the other
    worth: np.ndarray
    trust: np.ndarray
    cost: np.ndarray  # distrust + distance + the other's style + exposure
    total: np.ndarray  # reciprocity + worth − cost


def continue_value(reciprocity: np.ndarray, worth: np.ndarray, trust: np.ndarray, excess: np.ndarray,
                   style_cost: np.ndarray, exposed: np.ndarray, distrust_cost: np.ndarray,
                   distance_aversion: np.ndarray, exposure_cost: np.ndarray) -> Value:
    """Expected value of continuing: being heard (perceived reciprocity) plus the channel's worth, minus the
    cost of distrust, of hearing far-off positions, of the other's style, and of exposure."""
    cost = distrust_cost * (1.0 - trust) + distance_aversion * excess + style_cost + exposure_cost * exposed
    return Value(reciprocity, worth, trust, cost, reciprocity + worth - cost)


def walks(value: Value, walk_away: np.ndarray) -> np.ndarray:
    """Bool: the side finds the round one-sided, its value of continuing below the value of walking away."""
    return value.total < walk_away


def perceived(listened: np.ndarray, draw: np.ndarray | None, noise: np.ndarray) -> np.ndarray:
    """What a side believes the other did: a round it was listened to is mistaken for one it was not with
    probability ``noise`` (``draw`` uniform in [0, 1); None: no noise anywhere)."""
    if draw is None:
        return listened
    return listened & (draw >= noise)


def channel_values(ends: np.ndarray, position: np.ndarray, salience: np.ndarray, latitude: np.ndarray,
                   trust: np.ndarray, reciprocity: np.ndarray, pressure: np.ndarray, wedge: np.ndarray,
                   style_cost: np.ndarray, exposed: np.ndarray, dyn: dict[str, np.ndarray]) -> tuple[Value, Value]:
    """Each side's value of continuing each back channel, initiator first; every part (C, R).

    Runs last: ``position``/``salience`` (N, K, R); ``latitude``/``pressure`` (N, R); ``trust``/``reciprocity``
    (N_i, N_j, R) (i's of j); ``wedge`` (2, C, R) (``bloc_share``); ``style_cost`` (2, C, R) the cost of the style
    each side hears from the other; ``exposed`` (C, R).
    """
    out = []
    for side in (0, 1):
        x, y = ends[:, side], ends[:, 1 - side]
        excess = excess_distance(np.abs(position[y] - position[x]), salience[x], latitude[x][:, None, :])
        worth = channel_worth(pressure[x], wedge[side], dyn["sidelining_worth"], dyn["wedge_worth"])
        out.append(continue_value(reciprocity[x, y], worth, trust[x, y], excess, style_cost[side], exposed,
                                  dyn["distrust_cost"], dyn["distance_aversion"], dyn["exposure_cost"]))
    return out[0], out[1]


def grievance(values: tuple[Value, Value], walk_away: np.ndarray) -> np.ndarray:
    """What a one-sided round adds to a channel's grievance: the worse side's shortfall below the value of walking
    away, as a share of it (1: a round with nothing left of the value of continuing). A channel collapses when its
    grievance reaches ``patience``: a hopeless channel goes fast, one barely below the line lasts."""
    short = np.maximum(walk_away - np.minimum(values[0].total, values[1].total), 0.0)
    with np.errstate(over="ignore"):  # a walk-away value near 0: any shortfall is hopeless (inf collapses at once)
        return np.divide(short, walk_away, out=np.where(short > 0, np.inf, 0.0), where=walk_away > 0)
