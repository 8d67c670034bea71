"""An async login handler that issues RS256 access tokens with ``jwt_async.sign``.

Run it with ``python examples/async_handler.py``.

The private key is loaded once, at start-up, and the loaded key object is
handed to every ``sign`` call, so no request pays for parsing the PEM again.
Many logins arrive at once; each awaits ``jwt_async.sign``, which does the RSA
work in a worker thread, at most ``WORKERS`` at a time (``set_thread_limit``).
Meanwhile a heartbeat task keeps ticking on the event loop, showing that the
loop keeps serving other work while tokens are signed.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import jwt_async

REQUESTS = 500
WORKERS = 2
ISSUER = "https://auth.example.test"
AUDIENCE = "orders-api"
KEY_ID = "demo-rsa-1"


@dataclass(frozen=True)
class LoginRequest:
    """The parsed body of a ``POST /login`` request."""

    username: str
    password: str


@dataclass(frozen=True)
class Response:
    """What the handler hands back to the web framework."""

    status: int
    body: dict[str, str]


class TokenIssuer:
    """The login endpoint, holding the signing key loaded at start-up."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self._key = private_key

    async def login(self, request: LoginRequest) -> Response:
        """Check the credentials and answer with a 15-minute access token."""
        if not _password_ok(request):
            return Response(401, {"error": "invalid credentials"})
        token = await jwt_async.sign(
            {"scope": "orders:read"},
            self._key,
            algorithm="RS256",
            expires_in="15m",
            issuer=ISSUER,
            audience=AUDIENCE,
            subject=request.username,
            keyid=KEY_ID,
        )
        return Response(200, {"access_token": token, "token_type": "Bearer"})

    def public_pem(self) -> str:
        """Return the public key that resource servers check the tokens with."""
        public = self._key.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        return public.decode("ascii")


def _password_ok(request: LoginRequest) -> bool:
    # Stands in for a password-hash lookup; compare_digest avoids timing leaks.
    expected = f"password-of-{request.username}"
    return hmac.compare_digest(request.password.encode(), expected.encode())


@dataclass
class Heartbeat:
    """What the heartbeat saw while the logins were served."""

    ticks: int = 0
    longest_gap: float = 0.0
    peak_threads: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, interval: float = 0.002) -> None:
        """Tick every ``interval`` seconds until stopped, timing each gap."""
        limiter = jwt_async.current_limiter()
        last = time.perf_counter()
        while not self.stop.is_set():
            await asyncio.sleep(interval)
            now = time.perf_counter()
            self.ticks += 1
            self.longest_gap = max(self.longest_gap, now - last)
            self.peak_threads = max(self.peak_threads, int(limiter.borrowed_tokens))
            last = now


def load_signing_key() -> rsa.RSAPrivateKey:
    """Load the service's private key, once.

    A real service reads the PEM from a file or a secret store; this demo
    makes a fresh key so that it needs no files.
    """
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def incoming_requests() -> list[LoginRequest]:
    """A burst of logins; every hundredth one has a wrong password."""
    requests = []
    for number in range(REQUESTS):
        username = f"user-{number:03d}"
        password = f"password-of-{username}" if number % 100 else "guess"
        requests.append(LoginRequest(username, password))
    return requests


def claims_of(token: str) -> dict[str, Any]:
    """Read a token's claims, without verifying it, for display."""
    segment = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=="))
    return claims


async def serve() -> None:
    """Start up, serve one burst of logins, and report what happened."""
    jwt_async.set_thread_limit(WORKERS)
    print(f"thread limit: {jwt_async.thread_limit()} worker threads")
    issuer = TokenIssuer(load_signing_key())
    heartbeat = Heartbeat()
    beating = asyncio.create_task(heartbeat.run())

    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        calls = [group.create_task(issuer.login(r)) for r in incoming_requests()]
    elapsed = time.perf_counter() - started
    heartbeat.stop.set()
    await beating

    responses = [call.result() for call in calls]
    granted = [r.body["access_token"] for r in responses if r.status == 200]
    refused = sum(1 for r in responses if r.status == 401)
    print(
        f"{len(responses)} logins in {elapsed * 1000:.0f} ms: "
        f"{len(granted)} answered 200, {refused} answered 401"
    )
    print(
        f"heartbeat: {heartbeat.ticks} ticks, longest gap "
        f"{heartbeat.longest_gap * 1000:.1f} ms, peak worker threads "
        f"{heartbeat.peak_threads} of {WORKERS}"
    )
    print(f"sample token: {granted[0]}")
    print(f"sample claims: {json.dumps(claims_of(granted[0]))}")
    print(f"verify with this public key:\n{issuer.public_pem()}", end="")


if __name__ == "__main__":
    asyncio.run(serve())
