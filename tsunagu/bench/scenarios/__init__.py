"""Benchmark scenarios, one module each; every module registers its scenario with ``@scenario``."""
