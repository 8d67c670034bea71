"""Run every benchmark: ``python -m benchmarks [--quick] [--json PATH]``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from . import bench_breakdown, bench_loop, bench_memory, bench_sign
from ._common import Results, common_arguments, machine_info, print_machine, save_json

BENCHMARKS = ("sign", "loop", "memory", "breakdown")


def main(argv: Sequence[str] | None = None) -> None:
    """Print the machine, then each benchmark's table, and save them if asked."""
    parser = common_arguments("Run jwt_async's benchmarks.")
    bench_sign.add_node_argument(parser)
    parser.add_argument(
        "--only",
        choices=BENCHMARKS,
        action="append",
        help="run only this benchmark (may be repeated)",
    )
    args = parser.parse_args(argv)
    node_modules = bench_sign.node_modules_from(args.node)
    chosen = set(args.only or BENCHMARKS)
    info = machine_info()
    print_machine(info)
    results: Results = {"machine": info, "quick": args.quick}
    started = time.perf_counter()
    if "sign" in chosen:
        results["sign"] = bench_sign.run(args.quick, node_modules)
    if "loop" in chosen:
        results["loop"] = bench_loop.run(args.quick)
    if "memory" in chosen:
        results["memory"] = bench_memory.run(args.quick)
    if "breakdown" in chosen:
        results["breakdown"] = bench_breakdown.run(args.quick)
    elapsed = time.perf_counter() - started
    # Other work on the machine skews single figures; ratios within a run less.
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nall done in {elapsed:.0f} s; load average now {load}")
    results["seconds"] = elapsed
    if args.json is not None:
        save_json(args.json, results)


if __name__ == "__main__":
    main(sys.argv[1:])
