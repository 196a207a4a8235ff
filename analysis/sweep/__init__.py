"""Sweeps: plan (designs, sweep files, run specs), tasks run by backends, and the streamed on-disk table."""
