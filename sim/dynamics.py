"""Persuasion and trust: pure functions over arrays (no Mesa, no pandas).

Arrays over directed pairs (listener i, speaker j), runs last (see ``sim.channels``): (P, R), positions (N, K, R).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.strategies import ReciprocityRule, rule_groups

if TYPE_CHECKING:
    from sim.channels import Matching, Pairs


@dataclass
class PairParams:
    """Per pair and run (P, R): what each pair's listener and speaker bring, fixed between events."""

    capability: np.ndarray  # the speaker's relative capability
    ally_always: np.ndarray  # allies that hear each other whatever their rules
    openness: np.ndarray  # the listener's
    latitude: np.ndarray  # (P, 1, R) the listener's
    groups: list[tuple[ReciprocityRule, np.ndarray | None]]  # the listener's rule
    persuasion: np.ndarray  # the speaker's style
    kept_when_ignored: np.ndarray  # share of trust the listener keeps when the speaker ignores it
    kept_after_style: np.ndarray  # share of trust it keeps after the speaker's style penalty
    style_cost: np.ndarray  # the listener's cost of hearing the speaker's style (``sim.decisions``)


def pair_params(pairs: Pairs | Matching, capability: np.ndarray, speech: dict[str, np.ndarray], openness: np.ndarray,
                latitude: np.ndarray, rule: np.ndarray, alliance: np.ndarray, dyn: dict[str, np.ndarray]) -> PairParams:
    """``PairParams`` of a contact layout from per-actor arrays (N, R), the (N, N) alliance matrix and the pairs'
    speech coefficients (P, R) (``pair_speech``)."""
    listener, speaker = pairs.listener, pairs.speaker
    return PairParams(
        capability=capability_factor_of(listener(capability), speaker(capability)),
        ally_always=pairs.cells(alliance) & (dyn["alliance_always"] > 0),
        openness=listener(openness),
        latitude=listener(latitude)[:, None, :],
        groups=rule_groups(listener(rule)),
        persuasion=speech["persuasion"],
        kept_when_ignored=kept_when_ignored(dyn["trust_loss"], speech["fall"]),
        kept_after_style=1.0 - speech["penalty"],
        style_cost=speech["cost"],
    )


def pair_speech(pairs: Pairs | Matching, speech: dict[str, np.ndarray], directed: np.ndarray,
                speech_to: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(P, R) speech coefficients of each pair's speaker: its style's (``speech``: (N, R) per key), or its style
    toward this listener where it has one (``directed[m] = (speaker, listener)``, ``speech_to``: (M, R), NaN: none)."""
    out = {key: pairs.speaker(values) for key, values in speech.items()}
    for m, (a, b) in enumerate(directed.tolist()):
        for key, values in speech_to.items():
            pairs.assign(out[key], b, a, values[m])
    return out


def directed_speech(per_actor: np.ndarray, speakers: np.ndarray, listeners: np.ndarray, directed: np.ndarray,
                    speech_to: np.ndarray) -> np.ndarray:
    """(K, R) one coefficient of speakers[k] speaking to listeners[k]: the speaker's style's value (``per_actor``,
    (N, R)), or that of its style toward the listener (``directed``/``speech_to`` as in ``pair_speech``)."""
    out = per_actor[speakers]
    for m, (a, b) in enumerate(directed.tolist()):
        hit = (speakers == a) & (listeners == b)
        if hit.any():
            out[hit] = np.where(np.isnan(speech_to[m]), out[hit], speech_to[m])
    return out


def unit(x: np.ndarray) -> np.ndarray:
    """Clip x to [0, 1] in place (``np.clip`` without its per-call overhead) and return it."""
    np.maximum(x, 0.0, out=x)
    return np.minimum(x, 1.0, out=x)


def capability_factor_of(listener: np.ndarray, speaker: np.ndarray) -> np.ndarray:
    """The speaker's capability relative to the pair's mean; 1 when capabilities are equal (or both 0)."""
    total = listener + speaker
    return np.divide(2.0 * speaker, total, out=np.ones_like(total), where=total > 0)



def persuasion_weight(listen: np.ndarray, trust: np.ndarray, capability: np.ndarray, persuasion: np.ndarray,
                      rate: np.ndarray) -> np.ndarray:
    """(P, R) weight of the speaker's argument on the listener: listened × trust × relative capability × the
    speaker's style × rate."""
    return listen * trust * capability * persuasion * rate


def learning_rate(update: str, rate: np.ndarray, track_pull: np.ndarray, mediated: list, pairs: int) -> np.ndarray:
    """Each pair's rate: 1 for ``mean``; for ``step`` the learning rate, or ``track_pull`` where a mediator speaks."""
    if update == "mean":
        return np.array(1.0)
    if not mediated:
        return rate
    out = np.broadcast_to(rate, (pairs, len(rate))).copy()
    for _, rows, med in mediated:
        out[rows] = np.where(med, track_pull, out[rows])
    return out


def move(
    pairs: Pairs | Matching, position: np.ndarray, heard: np.ndarray, weight: np.ndarray, movable: np.ndarray,
    latitude: np.ndarray, update: str,
) -> np.ndarray:
    """New positions (N, K, R) after every listener weighs what it heard.

    ``step``: i moves by Σ_j w_ij (heard − x_i) over arguments with gap < latitude, the total weight capped at 1
    (Deffuant-Weisbuch with one partner, trust 1, salience 0). ``mean``: i moves to the weighted mean of itself
    (weight 1) and the arguments with gap <= latitude (Hegselmann-Krause when all weights are 1). Either way the
    move is scaled by ``movable`` (1 − salience): salience 1 never moves; positions stay in [0, 1].

    ``heard`` (P, K, R): what each pair's listener hears (the speaker's position, or a mediator's proposal);
    ``weight`` (P, R); ``latitude`` (P, 1, R): the listener's; ``movable``: 1 − salience. ``heard`` is overwritten.
    """
    gap = pairs.minus_listener(heard, position)
    far = np.abs(gap)
    within = far < latitude if update == "step" else far <= latitude
    w = np.multiply(within, weight[:, None, :], out=far)
    total = pairs.per_listener(w)
    pull = pairs.per_listener(np.multiply(w, gap, out=gap))
    if update == "step":
        pull /= np.maximum(total, 1.0, out=total)
    else:
        total += 1.0
        pull /= total
    pull *= movable
    pull += position
    return unit(pull)



def trust_after(
    trust: np.ndarray, met: np.ndarray, heard: np.ndarray, kept_when_ignored: np.ndarray, kept_after_style: np.ndarray,
    gain: np.ndarray,
) -> np.ndarray:
    """The trust kernel, elementwise: up by ``gain`` of the distance to 1 where the other listened (``heard``),
    else times ``kept_when_ignored``; then times ``kept_after_style``; unchanged where the two did not meet."""
    up = np.subtract(1.0, trust)
    up *= gain
    up += trust
    after = np.where(heard, up, np.multiply(trust, kept_when_ignored))  # where: faster than copyto with a mask
    after *= kept_after_style
    return np.where(met, unit(after), trust)  # trust is in [0, 1] already: unchanged where they did not meet


def kept_when_ignored(loss: np.ndarray, fall_of_speaker: np.ndarray) -> np.ndarray:
    """Share of trust kept when the speaker ignores the hearer: 1 − min(1, loss × the speaker's fall)."""
    return 1.0 - np.clip(loss * fall_of_speaker, 0.0, 1.0)


def trust_fixed(gain: np.ndarray, loss: np.ndarray, fall: np.ndarray, penalty: np.ndarray) -> bool:
    """Whether trust can never move: no gain, no loss from being ignored, no style penalty."""
    return bool((gain == 0).all() and (loss * fall == 0).all() and (penalty == 0).all())
