"""Benchmarks of jwt_async: throughput, event-loop responsiveness and memory.

Run them all from the repository root with ``python -m benchmarks``; see
``benchmarks/README.md``. The modules are named ``bench_*`` so that pytest
never collects them.
"""
