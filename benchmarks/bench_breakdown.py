"""Where the time of one signature goes: the HS256 steps, PEM loading, a hop.

* HS256: ``sign_sync`` step by step (the steps of ``jwt_async._core.prepare``
  and after it), next to the same steps of the floor. This part calls
  jwt_async's private functions; when they change shape it says so and skips.
* Keys: loading a PEM private key with and without RSA key validation, and
  ``sign_sync`` RS256 with PEM text against a loaded key.
* Threads: what one ``anyio.to_thread.run_sync`` round trip costs, which is
  what the async API adds to each RSA or ECDSA signature.

Each figure is the median of several repeats, each of many calls.
"""

from __future__ import annotations

import base64
import hmac
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import anyio.to_thread
from cryptography.hazmat.primitives import serialization

import jwt_async

from ._common import (
    HMAC_SECRET,
    PAYLOAD,
    Results,
    common_arguments,
    fmt,
    key_pem,
    machine_info,
    print_machine,
    save_json,
    table,
)
from .bench_sign import compact_json, floor_op


def _time(call: Callable[[], object], seconds: float, repeats: int) -> float:
    """Return the median microseconds per call over ``repeats`` batches."""
    call()
    started = time.perf_counter()
    call()
    once = max(time.perf_counter() - started, 1e-7)
    count = max(1, round(seconds / repeats / once))
    batches = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(count):
            call()
        batches.append((time.perf_counter() - started) / count)
    return statistics.median(batches) * 1e6


def _hs256_steps() -> list[tuple[str, Callable[[], object]]]:
    """Return sign_sync's HS256 steps as separate calls, in pipeline order.

    Mirrors ``sign_sync`` and ``jwt_async._core.prepare``; update it when
    they change.
    """
    from jwt_async._claims import payload_bytes
    from jwt_async._core import SigningJob, _header_segment, prepare
    from jwt_async._encoding import b64url
    from jwt_async._keys import read_key
    from jwt_async._options import options_from

    options = options_from({})
    algorithm = options.algorithm
    segment, claim_set = payload_bytes(PAYLOAD, options)
    material = read_key(HMAC_SECRET, algorithm)
    header = _header_segment(options, is_claim_set=True)
    signing_text = f"{header}.{b64url(segment)}"
    job = prepare(PAYLOAD, HMAC_SECRET, options)
    signature = job.signature()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("options_from({})", lambda: options_from({})),
        ("payload_bytes (claims, JSON)", lambda: payload_bytes(PAYLOAD, options)),
        ("read_key(str secret)", lambda: read_key(HMAC_SECRET, algorithm)),
        ("_header_segment()", lambda: _header_segment(options, is_claim_set=True)),
        (
            "b64url(payload) + join",
            lambda: f"{header}.{b64url(segment)}",
        ),
        (
            "SigningJob(...)",
            lambda: SigningJob(algorithm, signing_text, material, options, claim_set),
        ),
        ("job.signature() (hmac)", job.signature),
        ("job.token()", lambda: job.token(signature)),
    ]
    for _, step in steps:
        step()  # fail here, before any timing, if a step no longer fits
    return steps


def _floor_steps() -> list[tuple[str, Callable[[], object]]]:
    secret = HMAC_SECRET.encode()
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {**PAYLOAD, "iat": int(time.time())}
    head = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    body = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    signing_input = b".".join(
        [base64.urlsafe_b64encode(head), base64.urlsafe_b64encode(body)]
    )
    digest = hmac.digest(secret, signing_input, "sha256")

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    return [
        ("claims copy + iat", lambda: {**PAYLOAD, "iat": int(time.time())}),
        ("json.dumps(payload)", lambda: compact_json(claims)),
        ("json.dumps(header)", lambda: compact_json(header)),
        ("b64 x2 + join", lambda: b64(head) + b"." + b64(body)),
        ("hmac.digest", lambda: hmac.digest(secret, signing_input, "sha256")),
        ("b64 signature + join", lambda: signing_input + b"." + b64(digest)),
    ]


def _tight_floor() -> Callable[[], str]:
    """Return the floor with its constant parts made once, as a cache would."""
    secret = HMAC_SECRET.encode()
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    head = base64.urlsafe_b64encode(
        encode({"alg": "HS256", "typ": "JWT"}).encode()
    ).rstrip(b"=")

    def floor() -> str:
        body = encode({**PAYLOAD, "iat": int(time.time())}).encode()
        signing_input = head + b"." + base64.urlsafe_b64encode(body).rstrip(b"=")
        digest = hmac.digest(secret, signing_input, "sha256")
        signature = base64.urlsafe_b64encode(digest).rstrip(b"=")
        return (signing_input + b"." + signature).decode()

    return floor


def _cell(micros: float) -> str:
    return "" if micros != micros else fmt(micros, 2)


def _hs256(seconds: float, repeats: int) -> Results:
    print("\n-- HS256 sign_sync, step by step (us per call) --")
    try:
        steps = _hs256_steps()
    except Exception as exc:  # the private pipeline changed shape
        print(f"skipped: jwt_async's internals changed ({exc!r})")
        return {"skipped": repr(exc)}
    floor_steps = _floor_steps()
    ours = [(name, _time(call, seconds, repeats)) for name, call in steps]
    theirs = [(name, _time(call, seconds, repeats)) for name, call in floor_steps]
    total = _time(lambda: jwt_async.sign_sync(PAYLOAD, HMAC_SECRET), seconds, repeats)
    # The very floor that bench_sign compares with.
    floor_total = _time(
        floor_op("HS256", HMAC_SECRET.encode(), "loaded"), seconds, repeats
    )
    tight = _time(_tight_floor(), seconds, repeats)
    rows = []
    for index in range(max(len(ours), len(theirs))):
        left = ours[index] if index < len(ours) else ("", float("nan"))
        right = theirs[index] if index < len(theirs) else ("", float("nan"))
        rows.append([left[0], _cell(left[1]), right[0], _cell(right[1])])
    rows.append(
        [
            "sum of the steps",
            fmt(sum(value for _, value in ours), 2),
            "sum of the steps",
            fmt(sum(value for _, value in theirs), 2),
        ]
    )
    rows.append(
        ["sign_sync, whole", fmt(total, 2), "floor, whole", fmt(floor_total, 2)]
    )
    rows.append(["", "", "floor, header cached", fmt(tight, 2)])
    print(table(["jwt_async step", "us", "floor step", "us"], rows))
    print(
        f"sign_sync / floor = {total / floor_total:.2f}x; / floor with its "
        f"header made once and a reused encoder = {total / tight:.2f}x"
    )
    return {
        "floor_header_cached_us": tight,
        "steps_us": dict(ours),
        "floor_steps_us": dict(theirs),
        "sign_sync_us": total,
        "floor_us": floor_total,
    }


def _keys(seconds: float, repeats: int) -> Results:
    print("\n-- Keys: PEM loading and RS256 with PEM text (us per call) --")
    rsa_pem = key_pem("RS256").encode()
    ec_pem = key_pem("ES256").encode()
    loaded: Any = serialization.load_pem_private_key(rsa_pem, None)
    text = rsa_pem.decode()
    cases: list[tuple[str, Callable[[], object]]] = [
        (
            "load_pem_private_key RSA-2048",
            lambda: serialization.load_pem_private_key(rsa_pem, None),
        ),
        (
            "  same, unsafe_skip_rsa_key_validation",
            lambda: serialization.load_pem_private_key(
                rsa_pem, None, unsafe_skip_rsa_key_validation=True
            ),
        ),
        (
            "load_pem_private_key EC P-256",
            lambda: serialization.load_pem_private_key(ec_pem, None),
        ),
        (
            "sign_sync RS256, PEM text",
            lambda: jwt_async.sign_sync(PAYLOAD, text, algorithm="RS256"),
        ),
        (
            "sign_sync RS256, key object",
            lambda: jwt_async.sign_sync(PAYLOAD, loaded, algorithm="RS256"),
        ),
    ]
    figures = {name.strip(): _time(call, seconds, repeats) for name, call in cases}
    set_size = getattr(jwt_async, "set_key_cache_size", None)
    get_size = getattr(jwt_async, "key_cache_size", None)
    if callable(set_size) and callable(get_size):
        # The key cache hides the load when the same text comes back; with
        # the cache off every call pays for it, as a new key text would.
        size = get_size()
        set_size(0)
        try:
            figures["sign_sync RS256, PEM text, key cache off"] = _time(
                lambda: jwt_async.sign_sync(PAYLOAD, text, algorithm="RS256"),
                seconds,
                repeats,
            )
        finally:
            set_size(size)
    print(table(["", "us"], [[name, fmt(value, 1)] for name, value in figures.items()]))
    return figures


def _noop() -> None:
    return None


async def _hops(count: int) -> float:
    limiter = anyio.CapacityLimiter(1)
    await anyio.to_thread.run_sync(_noop, limiter=limiter)
    started = time.perf_counter()
    for _ in range(count):
        await anyio.to_thread.run_sync(_noop, limiter=limiter)
    return (time.perf_counter() - started) / count * 1e6


def _threads(count: int, repeats: int) -> Results:
    print("\n-- One worker-thread round trip (anyio.to_thread.run_sync, us) --")
    figures: dict[str, float] = {}
    for backend in ("asyncio", "trio"):
        samples = [anyio.run(_hops, count, backend=backend) for _ in range(repeats)]
        figures[backend] = statistics.median(samples)
    print(table(["", "us"], [[name, fmt(value, 1)] for name, value in figures.items()]))
    return figures


def run(quick: bool = False) -> Results:
    """Print the three breakdowns and return their figures."""
    seconds, repeats, hops = (0.05, 3, 200) if quick else (0.5, 7, 2000)
    print("\n== Breakdown: where the time goes (medians) ==")
    return {
        "hs256": _hs256(seconds, repeats),
        "keys": _keys(seconds * 2, repeats),
        "thread_hop_us": _threads(hops, repeats),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run this benchmark alone."""
    parser = common_arguments(__doc__.splitlines()[0] if __doc__ else "")
    args = parser.parse_args(argv)
    info = machine_info()
    print_machine(info)
    results = run(quick=args.quick)
    if args.json is not None:
        save_json(args.json, {"machine": info, "breakdown": results})


if __name__ == "__main__":
    main(sys.argv[1:])
