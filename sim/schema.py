"""The scenario format: one pydantic model, the single source of truth for validation, docs and JSON Schema.

Field descriptions are the user documentation (`dipsim schema` publishes them). Structural checks live in
the models; cross-references between names (actors, issues, tracks, channels) in ``reference_problems``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.claims import Claim
from sim.limits import MAX_SEED
from sim.strategies import RECIPROCITY, SPEECH

MAX_ROUNDS = 100_000  # every round number, patience and cooldown is bounded by it (no int64 wrap-around)
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Round = Annotated[int, Field(ge=0, le=MAX_ROUNDS)]
Rounds = Annotated[int, Field(ge=1, le=MAX_ROUNDS)]
SpeechName = Literal[tuple(SPEECH)]  # type: ignore[valid-type]
RuleName = Literal[tuple(RECIPROCITY)]  # type: ignore[valid-type]


class Base(BaseModel):
    """Strict: unknown keys, NaN/inf and silent type coercions are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, populate_by_name=True, defer_build=True)


def coefficient(default: float, description: str, lo: float, hi: float) -> Any:
    """A model coefficient's field: its default, its documentation and its plausible range ``[lo, hi]``
    (``json_schema_extra={"plausible": [lo, hi]}``, what sensitivity designs sample by default)."""
    return Field(default, description=description, json_schema_extra={"plausible": [lo, hi]})


class Strategy(Base):
    """How an actor speaks and listens."""

    speaking: SpeechName = Field("assertive", description="respectful | assertive | ultimatum")
    speaking_to: dict[str, SpeechName] = Field(
        default_factory=dict,
        description="Its style toward named actors, overriding `speaking` for them (ultimatums to one capital, "
        "assertive with allies): `{Russia: ultimatum}`.",
    )
    openness: Unit = Field(
        0.5, description="Chance it really listens when its reciprocity rule says listen.",
        json_schema_extra={"plausible": [0.0, 1.0]},
    )
    reciprocity: RuleName = Field("tit_for_tat", description="Rule (Axelrod vocabulary) deciding when to listen.")
    latitude: Unit = Field(
        1.0, description="Arguments farther than this on an issue are ignored (bounded confidence).",
        json_schema_extra={"plausible": [0.2, 1.0]},
    )


class StrategyPatch(Base):
    """A partial strategy, for `set_strategy` events: only the given fields change."""

    speaking: SpeechName | None = None
    speaking_to: dict[str, SpeechName] | None = Field(
        None, description="Styles toward named actors from now on; actors not named keep theirs."
    )
    openness: Unit | None = None
    reciprocity: RuleName | None = None
    latitude: Unit | None = None


class IssueLabels(Base):
    low: str = Field("low", description="What position 0 means.")
    high: str = Field("high", description="What position 1 means.")


class Actor(Base):
    capability: Unit = Field(0.5, description="Weight in talks and persuasion.")
    position: dict[str, Unit] = Field(description="Position on every issue, 0 = low end, 1 = high end.")
    salience: dict[str, Unit] = Field(
        default_factory=dict,
        description="How hard it holds on per issue (1 = never moves); default dynamics.default_salience.",
    )
    strategy: Strategy = Field(default_factory=Strategy)
    sidelining_threshold: Unit | None = Field(
        None,
        description="Sidelining pressure at which its `opens: auto` channels open "
        "(default dynamics.sidelining_threshold).",
    )
    source: str | None = Field(None, description="Provenance: a short quote from the source text.")


class Relation(Base):
    """Initial trust: `between: [A, B]` (symmetric) or `from: A, to: B` (directed)."""

    between: list[str] | None = Field(None, min_length=2, max_length=2)
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    trust: Unit

    @model_validator(mode="after")
    def _one_form(self) -> Relation:
        if (self.between is None) == (self.from_ is None and self.to is None):
            raise ValueError("give either `between: [A, B]` or `from: A` with `to: B`")
        if self.between is None and (self.from_ is None or self.to is None):
            raise ValueError("a directed relation needs both `from` and `to`")
        return self


class Track(Base):
    name: str
    mediator: str = Field(description="The actor who tables the proposal.")
    participants: list[str] = Field(min_length=2, description="Actors at the table (the mediator usually among them).")
    opens: Round = Field(0, description="Round the talks start.")
    closes: Round | None = Field(None, description="Round the talks end (default: never).")


class Reopen(Base):
    cooldown: Round = Field(
        8, description="Rounds closed before it may reopen.", json_schema_extra={"plausible": [2, 16]}
    )
    min_trust: Unit = Field(
        0.3, description="Both sides must trust each other at least this much.",
        json_schema_extra={"plausible": [0.1, 0.6]},
    )


class Channel(Base):
    between: list[str] = Field(min_length=2, max_length=2)
    initiator: str | None = Field(None, description="Who opens it (default: the first of `between`).")
    opens: Round | Literal["auto"] | None = Field(
        0,
        description="Round it opens; `auto`: when the initiator's sidelining pressure passes its threshold; "
        "null: only by an open_channel event.",
    )
    patience: Rounds = Field(
        3, description="Grievance tolerated before it collapses: one-sided rounds in a row, each counted by how "
        "far the worse side's value of continuing falls below `threshold`, as a share of it (a round with no value "
        "left counts 1).",
        json_schema_extra={"plausible": [1, 8]},
    )
    threshold: Unit = Field(
        0.4,
        description="Value of walking away: a round is one-sided for a side whose value of continuing (perceived "
        "reciprocity + the channel's worth − its costs, see `dynamics`) is below this.",
        json_schema_extra={"plausible": [0.2, 0.6]},
    )
    reopen: Literal["never"] | Reopen = Field("never", description="`never` or {cooldown, min_trust}.")
    source: str | None = None


class _Event(Base):
    at: Round = Field(description="Round at which it applies (before decisions).")


class ExposureEvent(_Event):
    type: Literal["exposure"]
    channel: list[str] = Field(min_length=2, max_length=2)


class SetStrategyEvent(_Event):
    type: Literal["set_strategy"]
    actor: str
    strategy: StrategyPatch


class ShiftEvent(_Event):
    type: Literal["shift"]
    actor: str
    issue: str
    by: Annotated[float, Field(ge=-1.0, le=1.0)]


class JoinTrackEvent(_Event):
    type: Literal["join_track"]
    actor: str
    track: str


class LeaveTrackEvent(_Event):
    type: Literal["leave_track"]
    actor: str
    track: str


class OpenChannelEvent(_Event):
    type: Literal["open_channel"]
    channel: list[str] = Field(min_length=2, max_length=2)


class CloseChannelEvent(_Event):
    type: Literal["close_channel"]
    channel: list[str] = Field(min_length=2, max_length=2)


Event = Annotated[
    ExposureEvent
    | SetStrategyEvent
    | ShiftEvent
    | JoinTrackEvent
    | LeaveTrackEvent
    | OpenChannelEvent
    | CloseChannelEvent,
    Field(discriminator="type"),
]
EVENT_TYPES = ("exposure", "set_strategy", "shift", "join_track", "leave_track", "open_channel", "close_channel")


class Agreement(Base):
    tolerance: Unit = Field(
        0.1, description="Agreement: every track participant within this of the proposal on every issue."
    )


class SpeechCoefficients(Base):
    persuasion: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Multiplier on a listener's step.", json_schema_extra={"plausible": [0.5, 1.2]}
    )
    fall: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        description="Multiplier on the trust lost by the one it ignores.", json_schema_extra={"plausible": [0.25, 1.5]}
    )
    penalty: Unit = Field(
        description="Extra proportional trust loss of the hearer each round.",
        json_schema_extra={"plausible": [0.0, 0.15]},
    )
    cost: Unit = coefficient(
        0.0,
        "Cost to the hearer of listening to this style: lowers its chance of listening and its value of keeping a "
        "back channel (each style's own plausible range is in the table below).",
        0.0, 0.5,
    )


def _speech_default(name: str) -> SpeechCoefficients:
    s = SPEECH[name]
    return SpeechCoefficients(persuasion=s.persuasion, fall=s.fall, penalty=s.penalty, cost=s.cost)


class Speech(Base):
    respectful: SpeechCoefficients = Field(default_factory=lambda: _speech_default("respectful"))
    assertive: SpeechCoefficients = Field(default_factory=lambda: _speech_default("assertive"))
    ultimatum: SpeechCoefficients = Field(default_factory=lambda: _speech_default("ultimatum"))

    @model_validator(mode="before")
    @classmethod
    def _partial_styles(cls, data: Any) -> Any:
        """A style given in part (`ultimatum: {penalty: 0.2}`) keeps its other coefficients' defaults."""
        if not isinstance(data, dict):
            return data
        return {
            k: {**_speech_default(k).model_dump(), **v} if k in SPEECH and isinstance(v, dict) else v
            for k, v in data.items()
        }


class Dynamics(Base):
    """Every coefficient of the model, with its default.

    Every numeric coefficient carries ``json_schema_extra={"plausible": [lo, hi]}`` (``coefficient`` writes it):
    the range a sensitivity design samples by default (``--vary dynamics.*``; ``sim.ranges.plausible_ranges``).
    """

    meeting: Literal["all", "random_matching"] = Field(
        "all",
        description="all: every open contact meets each round; random_matching: each actor meets one random partner.",
    )
    update: Literal["step", "mean"] = Field(
        "step",
        description="step: move part of the way to each heard speaker (gap < latitude); "
        "mean: move to the weighted mean of heard positions within latitude (gap <= latitude), oneself included.",
    )
    alliance_listening: Literal["always", "strategy"] = Field(
        "always",
        description="always: allies hear each other every round (coordination); strategy: allies follow their rules.",
    )
    trust_sensitivity: Unit = coefficient(
        0.2, "How much distrust lowers the chance of listening: p = openness × (1 − s·(1 − trust)).", 0.0, 0.5
    )
    learning_rate: Unit = coefficient(
        0.3,
        "Step size of persuasion under `update: step` (Deffuant's mu when trust 1, salience 0); "
        "`mean` moves to the mean and ignores it.",
        0.1, 0.5,
    )
    default_trust: Unit = coefficient(0.5, "Initial trust where `relations` says nothing.", 0.2, 0.8)
    default_salience: Unit = coefficient(0.5, "Salience of an issue an actor's `salience` omits.", 0.2, 0.8)
    trust_gain: Unit = coefficient(0.2, "Share of the remaining distance to 1 gained when listened to.", 0.05, 0.4)
    trust_loss: Unit = coefficient(0.2, "Proportional trust lost when ignored.", 0.05, 0.4)
    speech: Speech = Field(default_factory=Speech, description="Per speech style: persuasion, fall and penalty.")
    reciprocity_memory: Unit = coefficient(
        0.3, "Weight of the latest round in perceived reciprocity (moving average).", 0.1, 0.6
    )
    initial_reciprocity: Unit = coefficient(1.0, "Perceived reciprocity when a contact opens.", 0.6, 1.0)
    generosity: Unit = coefficient(
        1 / 3, "Forgiveness probability of generous_tit_for_tat (Nowak-Sigmund 1/3).", 0.1, 0.5
    )
    track_pull: Unit = coefficient(
        0.3, "Step toward the mediator's proposal of a participant who listens to the mediator.", 0.1, 0.5
    )
    pressure_memory: Unit = coefficient(
        0.3, "Weight of the latest round in sidelining pressure (moving average).", 0.1, 0.6
    )
    sidelining_threshold: Unit = coefficient(
        0.1, "Default pressure at which an initiator opens an `auto` channel.", 0.05, 0.3
    )
    exposure_trust_loss: Unit = coefficient(
        0.3, "Proportional trust each side loses in the other when a contact is exposed.", 0.1, 0.5
    )
    exposure_patience_cut: Round = coefficient(
        1, "Rounds of patience an exposed channel loses.", 0, 2
    )
    distance_aversion: Annotated[float, Field(ge=0.0, le=3.0)] = coefficient(
        0.5,
        "Weight of the other's distance beyond one's latitude (salience-weighted mean over issues) in the cost of "
        "listening and of keeping a back channel: arguments far outside latitude are not worth hearing.",
        0.0, 1.5,
    )
    distrust_cost: Unit = coefficient(
        0.3,
        "Cost of keeping a back channel with someone one distrusts: weight of (1 − trust) in the value of continuing.",
        0.0, 0.8,
    )
    sidelining_worth: Annotated[float, Field(ge=0.0, le=3.0)] = coefficient(
        1.0,
        "Worth of a back channel per unit of the side's sidelining pressure (what made the initiator open it); adds "
        "to its chance of listening and its value of continuing.",
        0.0, 2.0,
    )
    wedge_worth: Unit = coefficient(
        0.3,
        "Worth of a back channel per unit of the capability share the other's allies hold in its bloc (a separate "
        "line splits the bloc, e.g. Russia talking to the UK apart from the EU).",
        0.0, 1.0,
    )
    exposure_cost: Unit = coefficient(
        0.2, "Cost, in the value of continuing, of a back channel that has become public (after `exposure`).", 0.0, 0.5
    )
    perception_noise: Unit = coefficient(
        0.0,
        "Chance a side mistakes a round it was listened to for one it was not (Axelrod's noise; its own random "
        "stream, so 0 leaves every other draw as it was).",
        0.0, 0.2,
    )


class Population(Base):
    """A generated population of synthetic actors (scale tests, published-model checks)."""

    count: Annotated[int, Field(ge=2, le=100_000)] = Field(description="Number of actors.")
    issues: Annotated[int, Field(ge=1, le=100)] = Field(1, description="Number of issues (named issue1, issue2, ...).")
    position: Literal["uniform", "regular"] = Field(
        "uniform", description="uniform: seeded random; regular: actor i at i/(n-1)."
    )
    capability: Unit = 0.5
    salience: Unit = 0.0
    trust: Unit | None = Field(None, description="Initial trust between all actors (default dynamics.default_trust).")
    strategy: Strategy = Field(default_factory=Strategy)
    channels: Literal["complete", "none"] = Field(
        "complete", description="complete: every pair is in (always-open) contact."
    )


class Scenario(Base):
    """One dipsim scenario."""

    name: str = Field(description="Free text.")
    description: str | None = None
    rounds: Rounds = Field(description="Number of rounds (diplomatic weeks).")
    round_length: str | None = Field(None, description="What one round stands for (default: one week).")
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = Field(None, description="Default seed.")
    issues: dict[str, IssueLabels | None] = Field(
        default_factory=dict, description="Issues with their low/high labels."
    )
    actors: dict[str, Actor] = Field(default_factory=dict, description="The actors, keyed by name.")
    population: Population | None = None
    relations: list[Relation] = Field(default_factory=list)
    alliances: list[Annotated[list[str], Field(min_length=2)]] = Field(default_factory=list)
    tracks: list[Track] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    agreement: Agreement = Field(default_factory=Agreement)
    dynamics: Dynamics = Field(default_factory=Dynamics)
    expect: list[Claim] = Field(
        default_factory=list, description="Claims over many seeds, checked by `dipsim check` (not inherited)."
    )

    @property
    def issue_names(self) -> list[str]:
        if self.population is not None and not self.issues:
            return [f"issue{k + 1}" for k in range(self.population.issues)]
        return list(self.issues)

    @property
    def actor_names(self) -> list[str]:
        if self.population is not None:
            width = len(str(self.population.count - 1))
            return [f"a{i:0{width}d}" for i in range(self.population.count)]
        return list(self.actors)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (for editors: yaml-language-server and friends)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dipsim scenario"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2)
