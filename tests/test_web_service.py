"""The web_service example, run as a real uvicorn server on 127.0.0.1.

The server runs in its own process, started as a reader would start it, and
is called over real HTTP with httpx. Its tokens are checked with PyJWT against
the key the server publishes. The example needs the ``examples`` extra
(starlette, uvicorn, httpx); without it, this module is skipped.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import importlib.util
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import jwt_async
from tests.helpers import key_text, private_key

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

# Imported after the skips, so that a missing extra skips rather than fails.
import httpx

APP = Path(__file__).parent.parent / "examples" / "web_service" / "app.py"
DEMO_LOGIN = {"username": "demo", "password": "demo-password"}
STARTED = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")
# Generous: a loaded 2-core CI machine can be slow to start Python and make
# an RSA key, and any single request may stall behind other processes.
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class Server:
    """A running example server: its base URL and what it published."""

    url: str
    jwks: dict[str, Any]

    @property
    def jwk(self) -> dict[str, Any]:
        """The one key in the server's JWK Set."""
        (key,) = self.jwks["keys"]
        assert isinstance(key, dict)
        return key


def _wait_for_start(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        started = STARTED.search(text)
        if started:
            return started[1]
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{text}")
        time.sleep(0.05)
    pytest.fail(f"the server did not start in {START_TIMEOUT:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Run ``examples/web_service/app.py --port 0``; stop it after the module."""
    log = tmp_path_factory.mktemp("web_service") / "server.log"
    with log.open("wb") as log_file:
        # Port 0: uvicorn binds a free port itself and logs it, so no port is
        # picked here that another process could take in the meantime.
        process = subprocess.Popen(
            [sys.executable, str(APP), "--port", "0"],
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    try:
        url = _wait_for_start(process, log)
        jwks = httpx.get(f"{url}/.well-known/jwks.json", timeout=REQUEST_TIMEOUT)
        assert jwks.status_code == 200
        yield Server(url, jwks.json())
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def login(url: str) -> str:
    """Log the demo user in; return the access token."""
    response = httpx.post(f"{url}/login", json=DEMO_LOGIN, timeout=REQUEST_TIMEOUT)
    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"access_token", "token_type"}
    assert body["token_type"] == "Bearer"
    token = body["access_token"]
    assert isinstance(token, str)
    return token


def verified_claims(token: str, jwk: dict[str, Any]) -> dict[str, Any]:
    """Check ``token`` with PyJWT against a published JWK; return its claims."""
    claims: dict[str, Any] = jwt.decode(token, jwt.PyJWK(jwk), algorithms=["RS256"])
    return claims


def b64url(data: bytes) -> str:
    """Encode as base64url without padding, as in a JWT."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _header(fields: dict[str, str]) -> str:
    return b64url(json.dumps(fields, separators=(",", ":")).encode())


def me(url: str, headers: dict[str, str]) -> httpx.Response:
    """Call ``GET /me`` with ``headers``."""
    return httpx.get(f"{url}/me", headers=headers, timeout=REQUEST_TIMEOUT)


def test_jwks_publishes_the_public_key_only(server: Server) -> None:
    """The JWK Set holds one RSA public key whose kid is its RFC 7638 thumbprint."""
    jwk = server.jwk

    # Only public members: a private one ("d", "p", ...) would leak the key.
    assert jwk.keys() == {"kty", "n", "e", "kid", "alg", "use"}
    assert (jwk["kty"], jwk["alg"], jwk["use"]) == ("RSA", "RS256", "sig")
    canonical = json.dumps(
        {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":")
    )
    assert jwk["kid"] == b64url(hashlib.sha256(canonical.encode()).digest())
    assert len(base64.urlsafe_b64decode(jwk["n"] + "==")) == 256  # RSA 2048


def test_login_token_verifies_against_the_jwks(server: Server) -> None:
    """A login token verifies with PyJWT, names the published kid, lasts 15 min."""
    before = int(time.time())
    token = login(server.url)
    after = int(time.time())

    assert jwt.get_unverified_header(token) == {
        "alg": "RS256",
        "typ": "JWT",
        "kid": server.jwk["kid"],
    }
    claims = verified_claims(token, server.jwk)
    assert claims.keys() == {"iat", "exp", "sub"}
    assert claims["sub"] == "demo"
    assert before <= claims["iat"] <= after
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_login_refuses_wrong_credentials_and_bad_bodies(server: Server) -> None:
    """Wrong credentials get 401; a body that is not the expected JSON, 400."""
    cases: list[tuple[dict[str, Any], int]] = [
        ({"json": {"username": "demo", "password": "wrong"}}, 401),
        ({"json": {"username": "nobody", "password": "demo-password"}}, 401),
        ({"json": {"username": "demo", "password": ""}}, 401),
        ({"json": {"username": "demo"}}, 400),
        ({"json": ["demo", "demo-password"]}, 400),
        ({"content": b"username=demo&password=demo-password"}, 400),
    ]
    for request, status in cases:
        response = httpx.post(f"{server.url}/login", timeout=REQUEST_TIMEOUT, **request)
        assert response.status_code == status, request
        assert "access_token" not in response.json()


def test_me_accepts_the_login_token(server: Server) -> None:
    """/me answers 200 with the user name for a fresh token."""
    token = login(server.url)

    response = me(server.url, {"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {"username": "demo"}


def _other_claims(token: str, jwk: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    claims = b64url(b'{"sub":"admin","exp":9999999999}')
    return f"{header}.{claims}.{signature}"


def _flipped_signature(token: str, jwk: dict[str, Any]) -> str:
    signed, signature = token.rsplit(".", 1)
    middle = len(signature) // 2
    flipped = "B" if signature[middle] == "A" else "A"
    return f"{signed}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


def _noncanonical_signature(token: str, jwk: dict[str, Any]) -> str:
    # A 256-byte signature leaves 4 spare bits in its last character; setting
    # one gives the same bytes to a lax decoder, but it is not the token issued.
    signed, signature = token.rsplit(".", 1)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet[alphabet.index(signature[-1]) | 1]
    assert last != signature[-1]
    return f"{signed}.{signature[:-1]}{last}"


def _unsigned(token: str, jwk: dict[str, Any]) -> str:
    header = _header({"alg": "none", "typ": "JWT", "kid": jwk["kid"]})
    return f"{header}.{token.split('.')[1]}."


def _hs256_with_public_key(token: str, jwk: dict[str, Any]) -> str:
    # The classic key confusion: HMAC keyed with the public key in PEM, which
    # a verifier that obeys the token's alg would check with that same text.
    header = _header({"alg": "HS256", "typ": "JWT", "kid": jwk["kid"]})
    signed = f"{header}.{token.split('.')[1]}"
    public_pem = jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"{signed}.{b64url(hmac.digest(public_pem, signed.encode(), 'sha256'))}"


def _other_key(token: str, jwk: dict[str, Any]) -> str:
    return jwt_async.sign_sync(
        {"sub": "demo"},
        key_text("rsa2048.pem"),
        algorithm="RS256",
        expires_in="15m",
        keyid=jwk["kid"],
    )


FORGERIES: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "other claims": _other_claims,
    "flipped signature": _flipped_signature,
    "non-canonical signature": _noncanonical_signature,
    "alg none": _unsigned,
    "HS256 keyed with the JWK": _hs256_with_public_key,
    "another RSA key": _other_key,
    "two segments": lambda token, jwk: token.rsplit(".", 1)[0],
    "not a token": lambda token, jwk: "not-a-token",
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_me_refuses_a_tampered_token(server: Server, forgery: str) -> None:
    """/me answers 401 to a token that was changed or not issued by the server."""
    token = login(server.url)
    forged = FORGERIES[forgery](token, server.jwk)
    assert forged != token

    response = me(server.url, {"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {"error": "invalid token"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk"}],
    ids=["no header", "empty", "basic"],
)
def test_me_refuses_requests_without_a_bearer_token(
    server: Server, headers: dict[str, str]
) -> None:
    """/me answers 401 and asks for a bearer token when none is given."""
    response = me(server.url, headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


BURST = 200
WRONG_PASSWORD_EVERY = 20
HEARTBEAT_BOUND = 1.0  # seconds: generous, for a loaded CI machine
MIN_HEARTBEATS_DURING_BURST = 5


@dataclass
class Heartbeats:
    """When each heartbeat was answered, and how long it took."""

    finished: list[float]
    latencies: list[float]


def _beat_until(url: str, stop: threading.Event, seen: Heartbeats) -> None:
    # Runs in a thread of its own, with its own connection: timed on the test's
    # event loop, which is busy with 200 responses, a heartbeat would measure
    # the test's own delays rather than the server's.
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.get("/heartbeat")
            finished = time.perf_counter()
            assert response.json() == {"ok": True}
            seen.finished.append(finished)
            seen.latencies.append(finished - started)
            stop.wait(0.005)


async def _timed_login(
    client: httpx.AsyncClient, number: int
) -> tuple[httpx.Response, float]:
    password = "wrong" if number % WRONG_PASSWORD_EVERY == 0 else "demo-password"
    response = await client.post(
        "/login", json={"username": "demo", "password": password}
    )
    return response, time.perf_counter()


@pytest.mark.asyncio
async def test_heartbeats_keep_answering_during_a_login_burst(server: Server) -> None:
    """200 concurrent logins are answered while /heartbeat keeps answering fast.

    The server signs in worker threads, so its event loop stays free to answer
    heartbeats between and during the signatures.
    """
    beats = Heartbeats([], [])
    stop = threading.Event()
    beating = asyncio.create_task(
        asyncio.to_thread(_beat_until, server.url, stop, beats)
    )
    many = httpx.Limits(max_connections=BURST, max_keepalive_connections=BURST)
    try:
        async with httpx.AsyncClient(
            base_url=server.url, timeout=REQUEST_TIMEOUT, limits=many
        ) as client:
            burst_started = time.perf_counter()
            results = await asyncio.gather(
                *(_timed_login(client, number) for number in range(BURST))
            )
    finally:
        stop.set()
        await beating

    last_login = max(finished for _, finished in results)
    statuses = [response.status_code for response, _ in results]
    refused = len(range(0, BURST, WRONG_PASSWORD_EVERY))
    assert statuses.count(401) == refused
    assert statuses.count(200) == BURST - refused
    for response, _ in results:
        if response.status_code == 200:
            claims = verified_claims(response.json()["access_token"], server.jwk)
            assert claims["sub"] == "demo"
    assert beats.latencies and max(beats.latencies) < HEARTBEAT_BOUND
    during = [t for t in beats.finished if burst_started < t < last_login]
    assert len(during) >= MIN_HEARTBEATS_DURING_BURST


def _load_app_module() -> ModuleType:
    # examples/ is not a package: load app.py from its path, as uvicorn would.
    spec = importlib.util.spec_from_file_location("web_service_app", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.asyncio
async def test_create_app_serves_the_given_key() -> None:
    """create_app(pem) publishes that key and checks kid and exp on /me.

    In process, through httpx's ASGI transport: the test signs tokens with the
    server's own key here, which only the factory lets it share.
    """
    app_module = _load_app_module()
    pem = key_text("rsa2048.pem")
    app = app_module.create_app(pem.encode("ascii"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        (jwk,) = (await client.get("/.well-known/jwks.json")).json()["keys"]
        public = private_key("rsa2048.pem").public_key()
        assert isinstance(public, rsa.RSAPublicKey)
        numbers = public.public_numbers()
        assert jwk["n"] == b64url(numbers.n.to_bytes(256, "big"))
        assert jwk["e"] == "AQAB" and numbers.e == 65537

        async def me_status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return (await client.get("/me", headers=headers)).status_code

        def signed(**options: Any) -> str:
            defaults = {"algorithm": "RS256", "keyid": jwk["kid"], "expires_in": "15m"}
            return jwt_async.sign_sync({"sub": "demo"}, pem, **{**defaults, **options})

        assert await me_status(signed()) == 200
        assert await me_status(signed(expires_in=-1)) == 401
        assert await me_status(signed(keyid="another")) == 401
        assert await me_status(signed(expires_in=None)) == 401  # no exp at all
        assert await me_status(signed(algorithm="RS512")) == 401


def test_create_app_refuses_a_key_that_cannot_sign_rs256() -> None:
    """create_app needs an RSA key: an EC key is refused at start-up."""
    app_module = _load_app_module()
    with pytest.raises(TypeError):
        app_module.create_app(key_text("ec_p256.pem").encode("ascii"))
