"""Benchmarks: runnable measurements of the core, kept with the code they measure."""
