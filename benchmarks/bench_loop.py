"""Event-loop responsiveness while many tasks sign RS256 tokens.

A heartbeat task sleeps 1 ms at a time and records how late each wake-up is,
while N tasks (200 by default) each sign RS256 tokens with a loaded key in a
loop, ``await jwt_async.sign(...)`` after ``await jwt_async.sign(...)``. The
run reports the heartbeat's lateness (p50, p99, max) next to the signatures
per second the tasks reached, and that rate as a ratio of what ``sign_sync``
does in one thread with no event loop, timed just before each run.

It runs under asyncio and trio, for worker-thread limits of 1, 2, 4 and 40
(anyio's own default), and two references: an idle loop (the timer's own
lateness) and tasks that call ``sign_sync`` inline, which is what blocking
the loop looks like. Each figure is the median over the rounds.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel
from cryptography.hazmat.primitives import serialization

import jwt_async

from ._common import (
    PAYLOAD,
    Results,
    common_arguments,
    fmt,
    key_pem,
    machine_info,
    percentile,
    print_machine,
    ratio,
    save_json,
    table,
)

BACKENDS = ("asyncio", "trio")
LIMITS = (1, 2, 4, 40)
ANYIO_DEFAULT_LIMIT = 40
HEARTBEAT = 0.001
ALGORITHM = "RS256"

# How the tasks sign: "idle" runs no tasks, "inline" calls sign_sync in the
# loop, "await" awaits jwt_async.sign.
Mode = str


@dataclass(frozen=True, slots=True)
class Config:
    """One row of the table: a backend, how the tasks sign, the thread limit."""

    backend: str
    mode: Mode
    limit: int | None = None

    def label(self, default_limit: int) -> str:
        """Describe the row for the table."""
        if self.mode == "idle":
            return "idle loop (timer only)"
        if self.mode == "inline":
            return "sign_sync inline (blocks)"
        notes = []
        if self.limit == default_limit:
            notes.append("jwt_async default")
        if self.limit == ANYIO_DEFAULT_LIMIT:
            notes.append("anyio default")
        suffix = f" ({', '.join(notes)})" if notes else ""
        threads = "1 thread" if self.limit == 1 else f"{self.limit} threads"
        return f"await sign, {threads}{suffix}"


@dataclass(slots=True)
class Outcome:
    """What the rounds of one configuration measured."""

    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    worst: list[float] = field(default_factory=list)
    ticks: list[int] = field(default_factory=list)
    rate: list[float] = field(default_factory=list)
    vs_sync: list[float] = field(default_factory=list)


@dataclass(slots=True)
class Session:
    """One timed window: heartbeat lateness in seconds and signatures made."""

    lateness: list[float]
    signatures: int
    seconds: float


async def _session(mode: Mode, tasks: int, window: float, key: Any) -> Session:
    if mode == "await":
        # Start the worker threads before the window opens.
        async with anyio.create_task_group() as group:
            for _ in range(2 * jwt_async.thread_limit()):
                group.start_soon(_sign_once, key)
    lateness: list[float] = []
    signatures = 0
    started = time.perf_counter()
    deadline = started + window

    async def heartbeat() -> None:
        while (before := time.perf_counter()) < deadline:
            await anyio.sleep(HEARTBEAT)
            lateness.append(time.perf_counter() - before - HEARTBEAT)

    async def awaiting() -> None:
        nonlocal signatures
        while time.perf_counter() < deadline:
            await jwt_async.sign(PAYLOAD, key, algorithm=ALGORITHM)
            if time.perf_counter() <= deadline:
                signatures += 1

    async def inline() -> None:
        nonlocal signatures
        while time.perf_counter() < deadline:
            jwt_async.sign_sync(PAYLOAD, key, algorithm=ALGORITHM)
            signatures += 1
            # Yield as a request handler would between two pieces of work.
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as group:
        group.start_soon(heartbeat)
        if mode != "idle":
            worker = awaiting if mode == "await" else inline
            for _ in range(tasks):
                group.start_soon(worker)
    return Session(lateness, signatures, window)


async def _sign_once(key: Any) -> None:
    await jwt_async.sign(PAYLOAD, key, algorithm=ALGORITHM)


def _sync_rate(key: Any, window: float) -> float:
    """Return RS256 ``sign_sync`` signatures per second in this thread alone."""
    count = 0
    started = time.perf_counter()
    deadline = started + window
    while time.perf_counter() < deadline:
        jwt_async.sign_sync(PAYLOAD, key, algorithm=ALGORITHM)
        count += 1
    return count / (time.perf_counter() - started)


def _configs() -> list[Config]:
    configs: list[Config] = []
    for backend in BACKENDS:
        configs.append(Config(backend, "idle"))
        configs.append(Config(backend, "inline"))
        configs.extend(Config(backend, "await", limit) for limit in LIMITS)
    return configs


def run(quick: bool = False, tasks: int = 200) -> Results:
    """Measure every configuration, print the table and return the figures."""
    rounds, window, sync_window = (1, 0.25, 0.1) if quick else (3, 1.5, 0.5)
    print(
        f"\n== Event loop: 1 ms heartbeat while {tasks} tasks sign {ALGORITHM} "
        f"(loaded key; {rounds} round(s) of {window} s, medians) =="
    )
    key = serialization.load_pem_private_key(key_pem(ALGORITHM).encode(), None)
    default_limit = jwt_async.thread_limit()
    configs = _configs()
    outcomes = {config: Outcome() for config in configs}
    try:
        for index in range(rounds):
            ordered = configs if index % 2 == 0 else configs[::-1]
            for config in ordered:
                _measure(
                    config,
                    outcomes[config],
                    key,
                    tasks=tasks,
                    window=window,
                    sync_window=sync_window,
                    default_limit=default_limit,
                )
    finally:
        jwt_async.set_thread_limit(default_limit)
    return _report(configs, outcomes, default_limit, tasks, rounds)


def _measure(
    config: Config,
    outcome: Outcome,
    key: Any,
    *,
    tasks: int,
    window: float,
    sync_window: float,
    default_limit: int,
) -> None:
    sync_rate = _sync_rate(key, sync_window) if config.mode != "idle" else 0.0
    jwt_async.set_thread_limit(config.limit or default_limit)
    session = anyio.run(
        _session, config.mode, tasks, window, key, backend=config.backend
    )
    late_ms = [value * 1000 for value in session.lateness]
    outcome.p50.append(percentile(late_ms, 0.5))
    outcome.p99.append(percentile(late_ms, 0.99))
    outcome.worst.append(max(late_ms, default=float("nan")))
    outcome.ticks.append(len(late_ms))
    if config.mode != "idle":
        rate = session.signatures / session.seconds
        outcome.rate.append(rate)
        outcome.vs_sync.append(rate / sync_rate)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _report(
    configs: Sequence[Config],
    outcomes: dict[Config, Outcome],
    default_limit: int,
    tasks: int,
    rounds: int,
) -> Results:
    rows: list[list[str]] = []
    records: list[Results] = []
    for config in configs:
        outcome = outcomes[config]
        record: Results = {
            "backend": config.backend,
            "mode": config.mode,
            "thread_limit": config.limit,
            "label": config.label(default_limit),
            "late_p50_ms": _median(outcome.p50),
            "late_p99_ms": _median(outcome.p99),
            "late_max_ms": _median(outcome.worst),
            "heartbeats": _median(outcome.ticks),
            "signs_per_s": _median(outcome.rate),
            "vs_sign_sync": _median(outcome.vs_sync),
        }
        records.append(record)
        rows.append(
            [
                config.backend,
                record["label"],
                fmt(record["late_p50_ms"], 2),
                fmt(record["late_p99_ms"], 2),
                fmt(record["late_max_ms"], 2),
                fmt(record["heartbeats"], 0),
                fmt(record["signs_per_s"], 0),
                ratio(record["vs_sign_sync"]),
            ]
        )
    headers = [
        "loop",
        "tasks sign with",
        "late p50 ms",
        "p99 ms",
        "max ms",
        "beats",
        "signs/s",
        "vs sign_sync",
    ]
    print(table(headers, rows))
    print(
        "late = how long after its 1 ms the heartbeat woke; beats = heartbeats "
        "in the window.\n'vs sign_sync' = signs/s over one thread's "
        f"sign_sync signs/s; jwt_async's default limit here is {default_limit}."
    )
    return {"rounds": rounds, "tasks": tasks, "configs": records}


def main(argv: Sequence[str] | None = None) -> None:
    """Run this benchmark alone."""
    parser = common_arguments(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--tasks", type=int, default=200, help="concurrent signing tasks (200)"
    )
    args = parser.parse_args(argv)
    info = machine_info()
    print_machine(info)
    results = run(quick=args.quick, tasks=args.tasks)
    if args.json is not None:
        save_json(args.json, {"machine": info, "loop": results})


if __name__ == "__main__":
    main(sys.argv[1:])
