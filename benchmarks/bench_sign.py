"""Throughput of one signature: jwt_async next to PyJWT, joserfc and a floor.

For each of HS256, RS256, PS256 and ES256, every implementation signs the
same claim set (with an ``iat``) in two key modes: the key as text on every
call (PEM text, or the HMAC secret as ``str``) and the key already loaded (a
``cryptography`` key object, or the secret as ``bytes``; joserfc gets its own
key objects). The floor is the least work a JWT signature needs, written
directly on ``cryptography`` and the standard library. With ``--node``,
node-jsonwebtoken is timed as well, in a Node process per sample (the time is
taken inside Node, after a short warm-up).

Cases are timed in rounds: each round times every case once, in an order that
reverses from one round to the next, so slow drift on a shared machine hits
all cases alike. Figures are medians over the rounds, and each ratio is the
median of the ratios taken within a round.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import hmac
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt as pyjwt
import trio
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

import jwt_async

from ._common import (
    HMAC_SECRET,
    KEY_FILES,
    KEYS_DIR,
    PAYLOAD,
    Results,
    common_arguments,
    fmt,
    key_pem,
    machine_info,
    print_machine,
    ratio,
    save_json,
    table,
)

ALGORITHMS = ("HS256", "RS256", "PS256", "ES256")
FLOOR = "floor (cryptography)"
PYJWT = "PyJWT"
IMPLEMENTATIONS = (
    FLOOR,
    "jwt_async sign_sync",
    "jwt_async asyncio",
    "jwt_async trio",
    PYJWT,
    "joserfc",
)
NODE = "node-jsonwebtoken"
# "text": PEM text or a str secret on every call; "loaded": a key object, or
# the secret as bytes.
KEY_MODES = ("text", "loaded")
NODE_SCRIPT = Path(__file__).with_name("node_sign.js")
NODE_MODULES_VARIABLE = "JWT_ASYNC_BENCH_NODE_MODULES"

Measure = Callable[[int], float]
SyncOp = Callable[[], str]
AsyncOp = Callable[[], Awaitable[str]]
Signer = Callable[[Any, bytes], bytes]


@dataclass(slots=True)
class Case:
    """One implementation, algorithm and key mode, and its timings."""

    algorithm: str
    implementation: str
    mode: str
    measure: Measure
    token: Callable[[], str]
    count: int = 1
    samples: list[float] = field(default_factory=list)

    @property
    def key_label(self) -> str:
        """Say how the key is passed, in the table's words."""
        if self.algorithm.startswith("HS"):
            return "str" if self.mode == "text" else "bytes"
        return "PEM" if self.mode == "text" else "object"


def _now() -> int:
    return int(time.time())


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def compact_json(value: object) -> bytes:
    """Return ``value`` as compact JSON in UTF-8, as the floor writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _floor_signer(algorithm: str) -> Signer:
    digest = hashes.SHA256()
    if algorithm == "HS256":

        def hs256(key: bytes, data: bytes) -> bytes:
            return hmac.digest(key, data, "sha256")

        return hs256
    if algorithm in ("RS256", "PS256"):
        scheme: padding.AsymmetricPadding = padding.PKCS1v15()
        if algorithm == "PS256":
            scheme = padding.PSS(padding.MGF1(digest), padding.PSS.DIGEST_LENGTH)

        def rsa_sign(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
            return key.sign(data, scheme, digest)

        return rsa_sign
    ecdsa = ec.ECDSA(digest)

    def es256(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
        # JWS wants R and S as two 32-byte big-endian integers, not DER.
        r, s = decode_dss_signature(key.sign(data, ecdsa))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    return es256


def floor_op(algorithm: str, key: Any, mode: str) -> SyncOp:
    """Return the floor: the least work that makes a signed token.

    :param mode: ``"text"`` to decode the key on every call, ``"loaded"`` to
        take ``key`` as it is.
    """
    sign = _floor_signer(algorithm)
    header = {"alg": algorithm, "typ": "JWT"}

    def load(key: Any) -> Any:
        # The text mode pays for decoding the key on every call, as callers
        # that keep keys as text do.
        if algorithm.startswith("HS"):
            return key.encode("utf-8") if mode == "text" else key
        if mode == "text":
            return serialization.load_pem_private_key(key.encode("ascii"), None)
        return key

    def op() -> str:
        signing_input = (
            _b64(compact_json(header))
            + b"."
            + _b64(compact_json({**PAYLOAD, "iat": _now()}))
        )
        signature = sign(load(key), signing_input)
        return (signing_input + b"." + _b64(signature)).decode("ascii")

    return op


def _joserfc_op(algorithm: str, key: Any, mode: str) -> SyncOp:
    header = {"alg": algorithm}
    allowed = [algorithm]
    kind: type[OctKey] | type[RSAKey] | type[ECKey] = OctKey
    if algorithm[:2] in ("RS", "PS"):
        kind = RSAKey
    elif algorithm.startswith("ES"):
        kind = ECKey
    if mode == "loaded":
        loaded = kind.import_key(key)
        return lambda: jose_jwt.encode(
            header, {**PAYLOAD, "iat": _now()}, loaded, algorithms=allowed
        )
    return lambda: jose_jwt.encode(
        header,
        {**PAYLOAD, "iat": _now()},
        kind.import_key(key),
        algorithms=allowed,
    )


async def _timed(op: AsyncOp, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        await op()
    return time.perf_counter() - started


def _sync_measure(op: SyncOp) -> Measure:
    def measure(count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            op()
        return time.perf_counter() - started

    return measure


def _node_run(
    node_modules: Path, algorithm: str, mode: str, count: int
) -> dict[str, Any]:
    """Time ``count`` node-jsonwebtoken signatures in a Node process."""
    node = shutil.which("node") or "node"
    key_file = KEYS_DIR / KEY_FILES.get(algorithm[:2], "rsa2048.pem")
    command = [
        node,
        str(NODE_SCRIPT),
        str(node_modules),
        algorithm,
        mode,
        str(count),
        str(key_file),
        HMAC_SECRET,
        json.dumps(PAYLOAD),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"node-jsonwebtoken {algorithm} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _node_case(node_modules: Path, algorithm: str, mode: str) -> Case:
    def measure(count: int) -> float:
        seconds: float = _node_run(node_modules, algorithm, mode, count)["seconds"]
        return seconds

    def token() -> str:
        made: str = _node_run(node_modules, algorithm, mode, 1)["token"]
        return made

    return Case(algorithm, NODE, mode, measure, token)


def _cases(
    algorithm: str, runner: asyncio.Runner, node_modules: Path | None
) -> list[Case]:
    """Build every case of ``algorithm``, in table order."""
    cases: list[Case] = []
    for mode in KEY_MODES:
        if algorithm.startswith("HS"):
            key: Any = HMAC_SECRET if mode == "text" else HMAC_SECRET.encode()
        else:
            pem = key_pem(algorithm)
            key = pem if mode == "text" else _load(pem)

        def sync_op(key: Any = key) -> str:
            return jwt_async.sign_sync(PAYLOAD, key, algorithm=algorithm)

        async def async_op(key: Any = key) -> str:
            return await jwt_async.sign(PAYLOAD, key, algorithm=algorithm)

        def pyjwt_op(key: Any = key) -> str:
            return pyjwt.encode({**PAYLOAD, "iat": _now()}, key, algorithm=algorithm)

        def in_asyncio(count: int, op: AsyncOp = async_op) -> float:
            return runner.run(_timed(op, count))

        def in_trio(count: int, op: AsyncOp = async_op) -> float:
            return trio.run(_timed, op, count)

        floor = floor_op(algorithm, key, mode)
        joserfc = _joserfc_op(algorithm, key, mode)
        measures: dict[str, tuple[Measure, Callable[[], str]]] = {
            FLOOR: (_sync_measure(floor), floor),
            "jwt_async sign_sync": (_sync_measure(sync_op), sync_op),
            "jwt_async asyncio": (in_asyncio, _asyncio_token(runner, async_op)),
            "jwt_async trio": (in_trio, _trio_token(async_op)),
            PYJWT: (_sync_measure(pyjwt_op), pyjwt_op),
            "joserfc": (_sync_measure(joserfc), joserfc),
        }
        for name in IMPLEMENTATIONS:
            measure, token = measures[name]
            cases.append(Case(algorithm, name, mode, measure, token))
        if node_modules is not None:
            cases.append(_node_case(node_modules, algorithm, mode))
    return cases


def _asyncio_token(runner: asyncio.Runner, op: AsyncOp) -> Callable[[], str]:
    async def once() -> str:
        return await op()

    return lambda: runner.run(once())


def _trio_token(op: AsyncOp) -> Callable[[], str]:
    return lambda: trio.run(op)


def _load(pem: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), None)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return key


def _check_tokens(cases: Sequence[Case]) -> None:
    """Verify one token of every case with PyJWT, so that all do equal work."""
    for case in cases:
        algorithm = case.algorithm
        if algorithm.startswith("HS"):
            verify_key: Any = HMAC_SECRET
        else:
            verify_key = _load(key_pem(algorithm)).public_key()
        token = case.token()
        claims = pyjwt.decode(token, verify_key, algorithms=[algorithm])
        header = pyjwt.get_unverified_header(token)
        expected = {**PAYLOAD, "iat": claims.get("iat")}
        if claims != expected or header.get("typ") != "JWT" or "iat" not in claims:
            raise SystemExit(
                f"{case.implementation} {algorithm} {case.mode}: made "
                f"header {header} and claims {claims}, not the expected ones"
            )


def _calibrate(case: Case, target: float) -> None:
    """Choose how many calls one sample makes, so that it lasts about ``target``."""
    case.measure(1)  # the first call warms caches, threads and the limiter
    estimate = case.measure(1)
    if estimate < target / 100:
        estimate = case.measure(100) / 100
    case.count = max(1, min(1_000_000, round(target / max(estimate, 1e-9))))


def _per_round_ratios(case: Case, reference: Case) -> float:
    ratios = [
        mine / theirs
        for mine, theirs in zip(case.samples, reference.samples, strict=True)
    ]
    return statistics.median(ratios)


def node_modules_from(given: Path | None) -> Path | None:
    """Return the node_modules folder to find node-jsonwebtoken in, if any.

    :param given: the ``--node`` option; the environment variable
        ``JWT_ASYNC_BENCH_NODE_MODULES`` is the fallback.
    """
    if given is None and os.environ.get(NODE_MODULES_VARIABLE):
        given = Path(os.environ[NODE_MODULES_VARIABLE])
    if given is None:
        return None
    if not (given / "jsonwebtoken").is_dir():
        raise SystemExit(f"no jsonwebtoken package in {given}")
    return given.resolve()


def run(quick: bool = False, node_modules: Path | None = None) -> Results:
    """Time every case, print the table and return the figures.

    :param node_modules: a folder holding node-jsonwebtoken, to time it too.
    """
    rounds, target = (2, 0.01) if quick else (7, 0.1)
    print(
        f"\n== Throughput: one signature ({rounds} interleaved rounds, "
        f"~{target * 1000:.0f} ms per sample, medians) =="
    )
    with asyncio.Runner() as runner:
        cases = [
            case for alg in ALGORITHMS for case in _cases(alg, runner, node_modules)
        ]
        _check_tokens(cases)
        for case in cases:
            _calibrate(case, target)
        for index in range(rounds):
            # Alternate the order so that no case always runs first or last.
            ordered = cases if index % 2 == 0 else cases[::-1]
            for case in ordered:
                gc.collect()
                case.samples.append(case.measure(case.count) / case.count)
    results = _report(cases, rounds)
    if node_modules is not None:
        package = json.loads(
            (node_modules / "jsonwebtoken" / "package.json").read_text()
        )
        results["node_jsonwebtoken"] = package.get("version")
        results["node"] = _node_run(node_modules, "HS256", "loaded", 1)["node"]
        version, node = results["node_jsonwebtoken"], results["node"]
        print(f"node-jsonwebtoken {version} on Node {node}")
    return results


def _report(cases: Sequence[Case], rounds: int) -> Results:
    def find(algorithm: str, implementation: str, mode: str) -> Case:
        return next(
            case
            for case in cases
            if (case.algorithm, case.implementation, case.mode)
            == (algorithm, implementation, mode)
        )

    rows: list[list[str]] = []
    records: list[Results] = []
    for case in cases:
        floor = find(case.algorithm, FLOOR, "loaded")
        pyjwt_case = find(case.algorithm, PYJWT, case.mode)
        micros = statistics.median(case.samples) * 1e6
        vs_floor = _per_round_ratios(case, floor)
        vs_pyjwt = _per_round_ratios(case, pyjwt_case)
        rows.append(
            [
                case.algorithm,
                case.implementation,
                case.key_label,
                fmt(micros),
                fmt(1e6 / micros, 0),
                ratio(vs_floor),
                ratio(vs_pyjwt),
            ]
        )
        records.append(
            {
                "algorithm": case.algorithm,
                "implementation": case.implementation,
                "key": case.key_label,
                "us_per_op": micros,
                "ops_per_s": 1e6 / micros,
                "vs_floor": vs_floor,
                "vs_pyjwt": vs_pyjwt,
                "calls_per_sample": case.count,
                "samples_us": [sample * 1e6 for sample in case.samples],
            }
        )
    headers = ["alg", "implementation", "key", "us/op", "ops/s", "vs floor", "vs PyJWT"]
    print(table(headers, rows))
    print(
        "key: str/PEM = the secret or PEM text on every call; bytes/object = "
        "loaded once.\n'vs floor' compares with the floor's loaded-key row, "
        "also for the text rows."
    )
    return {"rounds": rounds, "cases": records}


def add_node_argument(parser: argparse.ArgumentParser) -> None:
    """Add the ``--node`` option that also times node-jsonwebtoken."""
    parser.add_argument(
        "--node",
        metavar="NODE_MODULES",
        type=Path,
        help="also time node-jsonwebtoken from this node_modules folder "
        f"(default: ${NODE_MODULES_VARIABLE}, if set)",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run this benchmark alone."""
    parser = common_arguments(__doc__.splitlines()[0] if __doc__ else "")
    add_node_argument(parser)
    args = parser.parse_args(argv)
    node_modules = node_modules_from(args.node)
    info = machine_info()
    print_machine(info)
    results = run(quick=args.quick, node_modules=node_modules)
    if args.json is not None:
        save_json(args.json, {"machine": info, "sign": results})


if __name__ == "__main__":
    main(sys.argv[1:])
