"""The `dipsim` command line: a thin layer over `sim` (the engine) and `analysis` (tables, sweeps, dashboards)."""
