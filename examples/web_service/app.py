"""A small token service: Starlette, served by uvicorn, signing with jwt_async.

Run it with ``python examples/web_service/app.py --port 8000``; it listens on
127.0.0.1 only. Or build the app yourself with :func:`create_app` and serve it
with any ASGI server.

- ``POST /login`` takes ``{"username": ..., "password": ...}`` and answers with
  a 15-minute RS256 access token, signed with ``await signer.sign(...)``: the
  RSA work runs in a worker thread, so the event loop keeps serving requests.
- ``GET /.well-known/jwks.json`` publishes the public key as a JWK Set, so that
  any JWT library can check the tokens.
- ``GET /me`` needs ``Authorization: Bearer <token>`` and says who you are.
- ``GET /heartbeat`` answers ``{"ok": true}`` at once.

The private key is loaded once, at start-up, into a :class:`jwt_async.Signer`;
its key id (``kid``) is the key's RFC 7638 thumbprint.
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import re
import time
from typing import Any

import uvicorn
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import jwt_async

# A stand-in for a user database. A real one stores password hashes; a slow
# hash (scrypt, argon2) is CPU work that, like signing, belongs off the loop.
USERS = {"demo": "demo-password"}

TOKEN_LIFETIME = "15m"


class InvalidTokenError(Exception):
    """A bearer token that is malformed, signed by another key, or expired."""


_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def _b64url_decode(segment: str) -> bytes:
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    # Python's decoder ignores the spare low bits of the last character, so
    # several spellings give the same bytes; accept only the canonical one, so
    # that a token has exactly one valid form.
    if base64.urlsafe_b64encode(data).rstrip(b"=") != segment.encode("ascii"):
        raise ValueError("not canonical base64url")
    return data


def verify_rs256(token: str, public_key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """Return the claims of ``token`` if it is a valid, unexpired RS256 token.

    The algorithm is fixed here, never taken from the token: a verifier that
    obeys a token's ``alg`` can be fooled with ``none`` or HS256. The signature
    is checked before anything in the token is parsed.

    :raises InvalidTokenError: anything is wrong with the token.
    """
    parts = token.split(".")
    if len(parts) != 3 or not all(_SEGMENT.fullmatch(part) for part in parts):
        raise InvalidTokenError("not a signed compact JWT")
    header_b64, claims_b64, signature_b64 = parts
    try:
        public_key.verify(
            _b64url_decode(signature_b64),
            f"{header_b64}.{claims_b64}".encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(claims_b64))
    except (InvalidSignature, ValueError) as exc:
        # ValueError covers bad base64, bad UTF-8 and bad JSON.
        raise InvalidTokenError("bad signature or encoding") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidTokenError("header or claims not a JSON object")
    if header.get("alg") != "RS256" or header.get("kid") != kid:
        raise InvalidTokenError("wrong algorithm or key id")
    expires = claims.get("exp")
    # "not now < expires" also refuses a NaN.
    if (
        isinstance(expires, bool)
        or not isinstance(expires, int | float)
        or not time.time() < expires
    ):
        raise InvalidTokenError("expired or no exp claim")
    return claims


def credentials_ok(username: str, password: str) -> bool:
    """Tell whether ``password`` is ``username``'s password."""
    expected = USERS.get(username)
    # compare_digest takes as long wherever the two differ; surrogatepass lets
    # any JSON string be encoded instead of raising.
    return expected is not None and hmac.compare_digest(
        password.encode("utf-8", "surrogatepass"), expected.encode("utf-8")
    )


class TokenService:
    """The endpoints, sharing the signer and the public key made at start-up."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        jwk = jwt_async.public_jwk(private_key)
        self.kid = jwt_async.jwk_thumbprint(jwk)
        self.jwks = {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}
        self.public_key = private_key.public_key()
        self.signer = jwt_async.Signer(
            private_key, algorithm="RS256", expires_in=TOKEN_LIFETIME, keyid=self.kid
        )

    async def login(self, request: Request) -> JSONResponse:
        """``POST /login``: trade a username and password for an access token."""
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # also JSON nested too deeply
            return _error(400, "body is not JSON")
        if not isinstance(body, dict):
            return _error(400, "body is not a JSON object")
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return _error(400, "username and password must be strings")
        if not credentials_ok(username, password):
            return _error(401, "invalid credentials")
        token = await self.signer.sign({}, subject=username)
        return JSONResponse({"access_token": token, "token_type": "Bearer"})

    async def jwks_document(self, request: Request) -> JSONResponse:
        """``GET /.well-known/jwks.json``: the public key that signs the tokens."""
        return JSONResponse(self.jwks)

    async def me(self, request: Request) -> JSONResponse:
        """``GET /me``: who the bearer token says you are."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return _error(401, "bearer token required", {"WWW-Authenticate": "Bearer"})
        try:
            claims = verify_rs256(token.strip(), self.public_key, self.kid)
        except InvalidTokenError:
            challenge = 'Bearer error="invalid_token"'
            return _error(401, "invalid token", {"WWW-Authenticate": challenge})
        return JSONResponse({"username": claims.get("sub")})

    async def heartbeat(self, request: Request) -> JSONResponse:
        """``GET /heartbeat``: answers at once while the loop is free."""
        return JSONResponse({"ok": True})


def _error(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def create_app(private_key_pem: bytes | None = None) -> Starlette:
    """Build the app around an unencrypted RSA private key in PEM.

    Without a key, a fresh RSA 2048 key is made, so tokens from an earlier
    run stop verifying. A real service reads its key from a secret store.
    """
    if private_key_pem is None:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        loaded = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise TypeError("the web service signs RS256: it needs an RSA key")
        private_key = loaded
    service = TokenService(private_key)
    return Starlette(
        routes=[
            Route("/login", service.login, methods=["POST"]),
            Route("/.well-known/jwks.json", service.jwks_document, methods=["GET"]),
            Route("/me", service.me, methods=["GET"]),
            Route("/heartbeat", service.heartbeat, methods=["GET"]),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    """Serve the app on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the token service example.")
    parser.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free one)"
    )
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
