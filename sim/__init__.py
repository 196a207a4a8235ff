"""dipsim's simulation package: scenario schema, array dynamics and the Mesa façade.

The maths lives in pure-numpy modules (``strategies``, ``dynamics``, ``channels``, ``tracks``);
``engine`` advances a batch of runs; ``model``/``agents`` expose the same engine through Mesa.
"""

__version__ = "0.1.0"
