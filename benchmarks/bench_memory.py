"""Memory: peak RSS under many concurrent signatures, and RSS over long runs.

Each scenario runs in a fresh Python process, so that one scenario's peak
does not hide the next one's (the kernel keeps only a process's peak RSS).

* Concurrent: 10,000 tasks under asyncio each ``await jwt_async.sign`` at
  once, HS256 and RS256 with a loaded key; tasks that only yield show what
  the tasks themselves cost. Reported: peak RSS growth over the run, what is
  still resident after it, and after a second run: memory the allocator kept
  for reuse stays level, memory something still holds would grow again.
* Sequential: 100,000 ``sign_sync`` HS256 calls with a different secret
  each, 2,000 RS256 calls with a different PEM text each (a few generated
  keys, each text made unique by a leading explanatory line, which RFC 7468
  allows) and 2,000 ES256 calls with a fresh P-256 key each. RSS is read at
  every tenth of the run; it should stay flat, which shows that nothing
  keyed by the secret or the key text piles up.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio.lowlevel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import jwt_async

from ._common import (
    PAYLOAD,
    REPO_ROOT,
    Results,
    common_arguments,
    current_rss_kib,
    fmt,
    key_pem,
    machine_info,
    peak_rss_kib,
    print_machine,
    reset_peak_rss,
    save_json,
    table,
)

# RSS may step by an allocator arena or two without anything leaking.
FLAT_LIMIT_KIB = 1024
RSA_KEYS = 16


@dataclass(frozen=True, slots=True)
class Scenario:
    """One child process's work: its kind, what it signs, and how many."""

    name: str
    kind: str  # "concurrent" or "sequential"
    algorithm: str
    count: int
    quick_count: int
    description: str


SCENARIOS = (
    Scenario("tasks-only", "concurrent", "-", 10_000, 1_000, "tasks that only yield"),
    Scenario("HS256", "concurrent", "HS256", 10_000, 1_000, "await sign, HS256"),
    Scenario("RS256", "concurrent", "RS256", 10_000, 1_000, "await sign, RS256 object"),
    Scenario(
        "HS256-secrets",
        "sequential",
        "HS256",
        100_000,
        5_000,
        "sign_sync HS256, new secret each",
    ),
    Scenario(
        "RS256-pem",
        "sequential",
        "RS256",
        2_000,
        30,
        "sign_sync RS256, new PEM text each",
    ),
    Scenario(
        "ES256-pem",
        "sequential",
        "ES256",
        2_000,
        200,
        "sign_sync ES256, new P-256 key each",
    ),
)


def _secret(index: int) -> str:
    return f"bench-secret-{index:09d}-0123456789"


def _rsa_texts(count: int) -> Callable[[int], str]:
    """Return a maker of ``count`` distinct PEM texts of a few RSA keys."""
    keys = [rsa.generate_private_key(65537, 2048) for _ in range(min(RSA_KEYS, count))]
    formats = (
        serialization.PrivateFormat.PKCS8,
        serialization.PrivateFormat.TraditionalOpenSSL,
    )
    pems = [
        [
            key.private_bytes(
                serialization.Encoding.PEM, form, serialization.NoEncryption()
            ).decode("ascii")
            for key in keys
        ]
        for form in formats
    ]

    def text(index: int) -> str:
        key_index = index % len(keys)
        form = (index // len(keys)) % len(formats)
        return f"Bench key {index}\n{pems[form][key_index]}"

    return text


def _ec_text(_index: int) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _sequential(scenario: Scenario, count: int) -> Results:
    if scenario.algorithm == "HS256":
        make_key: Callable[[int], str] = _secret
    elif scenario.algorithm == "RS256":
        make_key = _rsa_texts(count)
    else:
        make_key = _ec_text
    algorithm = scenario.algorithm

    def sign(index: int) -> None:
        jwt_async.sign_sync(PAYLOAD, make_key(index), algorithm=algorithm)

    # Warm up with keys of their own, so that caches and allocator pools
    # that fill once are full before the first reading.
    for index in range(max(2, count // 50)):
        sign(count + index)
    gc.collect()
    reset_peak_rss()
    step = max(1, count // 10)
    readings = [(0, current_rss_kib(), peak_rss_kib())]
    started = time.perf_counter()
    for index in range(count):
        sign(index)
        if (index + 1) % step == 0 or index + 1 == count:
            readings.append((index + 1, current_rss_kib(), peak_rss_kib()))
    seconds = time.perf_counter() - started
    return {"readings": readings, "seconds": seconds}


async def _many(algorithm: str, key: Any, count: int) -> None:
    async def one(index: int) -> None:
        if algorithm == "-":
            await anyio.lowlevel.checkpoint()
        else:
            claims = {**PAYLOAD, "jti": str(index)}
            await jwt_async.sign(claims, key, algorithm=algorithm)

    async with asyncio.TaskGroup() as group:
        for index in range(count):
            group.create_task(one(index))


def _concurrent(scenario: Scenario, count: int) -> Results:
    key: Any = None
    if scenario.algorithm == "HS256":
        key = _secret(0)
    elif scenario.algorithm == "RS256":
        key = serialization.load_pem_private_key(key_pem("RS256").encode(), None)
    asyncio.run(_many(scenario.algorithm, key, 50))
    gc.collect()
    reset_peak_rss()
    before, peak_before = current_rss_kib(), peak_rss_kib()
    started = time.perf_counter()
    asyncio.run(_many(scenario.algorithm, key, count))
    seconds = time.perf_counter() - started
    peak_after = peak_rss_kib()
    gc.collect()
    after = current_rss_kib()
    # A second run tells memory the allocator kept for reuse (flat) from
    # memory that something still holds (it would grow again).
    asyncio.run(_many(scenario.algorithm, key, count))
    gc.collect()
    return {
        "rss_before_kib": before,
        "peak_before_kib": peak_before,
        "peak_after_kib": peak_after,
        "rss_after_kib": after,
        "rss_after_second_kib": current_rss_kib(),
        "seconds": seconds,
    }


def _child(name: str, count: int) -> None:
    scenario = next(each for each in SCENARIOS if each.name == name)
    if scenario.kind == "concurrent":
        result = _concurrent(scenario, count)
    else:
        result = _sequential(scenario, count)
    print(json.dumps(result))


def _spawn(scenario: Scenario, count: int) -> Results:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_memory",
            "--child",
            scenario.name,
            "--count",
            str(count),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"memory scenario {scenario.name} failed:\n{done.stderr}")
    result: Results = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _mib(kib: float | None) -> str:
    return "-" if kib is None else fmt(kib / 1024, 1)


def run(quick: bool = False) -> Results:
    """Run every scenario in its own process, print the tables, return figures."""
    print("\n== Memory: RSS (each scenario in a fresh process) ==")
    records: list[Results] = []
    concurrent_rows: list[list[str]] = []
    sequential_rows: list[list[str]] = []
    for scenario in SCENARIOS:
        count = scenario.quick_count if quick else scenario.count
        result = _spawn(scenario, count)
        record: Results = {"scenario": scenario.name, "kind": scenario.kind}
        record |= {"count": count, **result}
        if scenario.kind == "concurrent":
            peak_growth = result["peak_after_kib"] - result["peak_before_kib"]
            before = result["rss_before_kib"]
            retained = _difference(result["rss_after_kib"], before)
            second = _difference(result["rss_after_second_kib"], before)
            record |= {
                "peak_growth_kib": peak_growth,
                "retained_kib": retained,
                "retained_after_second_kib": second,
            }
            concurrent_rows.append(
                [
                    scenario.description,
                    f"{count:,}",
                    _mib(peak_growth),
                    fmt(peak_growth * 1024 / count, 0),
                    _mib(retained),
                    _mib(second),
                    fmt(result["seconds"], 2),
                ]
            )
        else:
            sequential_rows.append(_sequential_row(scenario, count, result, record))
        records.append(record)
    print(
        table(
            [
                "asyncio, all tasks at once",
                "tasks",
                "peak +MiB",
                "B/task",
                "held after +MiB",
                "after 2nd run",
                "s",
            ],
            concurrent_rows,
        )
    )
    print()
    print(
        table(
            [
                "sequential",
                "signs",
                "RSS start MiB",
                "at 50%",
                "end",
                "2nd half +KiB",
                "peak +KiB",
                "s",
                "memory",
            ],
            sequential_rows,
        )
    )
    print(
        "peak = rise of the peak RSS (VmHWM, reset at the start); held = RSS "
        "after the run and\ngc.collect() over RSS before; 2nd run = the same "
        "after running it again; 'flat' =\nthe second half of the run grew "
        f"RSS by less than {FLAT_LIMIT_KIB} KiB."
    )
    return {"scenarios": records}


def _difference(after: int | None, before: int | None) -> int | None:
    return None if after is None or before is None else after - before


def _sequential_row(
    scenario: Scenario, count: int, result: Results, record: Results
) -> list[str]:
    readings: list[tuple[int, int | None, int]] = [
        (done, rss, peak) for done, rss, peak in result["readings"]
    ]
    start, end = readings[0], readings[-1]
    middle = min(readings, key=lambda reading: abs(reading[0] - count // 2))
    late_growth = _difference(end[1], middle[1])
    if late_growth is None:  # no /proc: judge by the peak alone
        late_growth = end[2] - middle[2]
    peak_growth = end[2] - start[2]
    flat = late_growth < FLAT_LIMIT_KIB
    record |= {
        "late_growth_kib": late_growth,
        "peak_growth_kib": peak_growth,
        "flat": flat,
    }
    return [
        scenario.description,
        f"{count:,}",
        _mib(start[1]),
        _mib(middle[1]),
        _mib(end[1]),
        fmt(late_growth, 0),
        fmt(peak_growth, 0),
        fmt(result["seconds"], 1),
        "flat" if flat else "GROWS",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Run this benchmark alone (or, with ``--child``, one scenario)."""
    parser = common_arguments(__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args.child, args.count)
        return
    info = machine_info()
    print_machine(info)
    results = run(quick=args.quick)
    if args.json is not None:
        save_json(args.json, {"machine": info, "memory": results})


if __name__ == "__main__":
    main(sys.argv[1:])
