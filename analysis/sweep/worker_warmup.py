"""Preloaded by the local pool's fork server: build the scenario schema's validators before any worker is forked.

pydantic builds them on first use (``defer_build``, which keeps `dipsim validate` and `--help` fast), ~0.1 s with
its plugin scan; done here, in the server while the parent plans, every forked worker starts with them built.
"""

from __future__ import annotations

from sim.schema import Scenario

Scenario.model_rebuild(force=True)
