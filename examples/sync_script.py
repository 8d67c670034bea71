"""``jwt_async.sign_sync`` in a plain script, with no event loop anywhere.

Run it with ``python examples/sync_script.py``.

It walks through the everyday uses of node-jsonwebtoken's ``jwt.sign``,
ported: HMAC with the default algorithm, RSA with a PEM private key, an
expiry written as an ``exp`` claim or asked for with ``expires_in``, and a
token backdated through its ``iat`` claim. It ends with a refused call, to
show what a caller catches.

The HMAC secret comes from the ``JWT_SECRET`` environment variable; without
one, the script makes a random secret for this run.
"""

from __future__ import annotations

import base64
import os
import secrets
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import jwt_async


def show(title: str, token: str) -> None:
    """Print a token with its decoded header and payload."""
    header, payload, _ = token.split(".")
    print(f"{title}:")
    print(f"  token: {token}")
    print(f"  header: {_decoded(header)}")
    print(f"  payload: {_decoded(payload)}")


def _decoded(segment: str) -> str:
    return base64.urlsafe_b64decode(segment + "==").decode("utf-8")


def demo_rsa_key() -> tuple[bytes, str]:
    """Return a fresh RSA key pair: private PEM bytes (a key file's content)
    and public PEM text.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, public.decode("ascii")


def main() -> None:
    """Sign one token per use case and print each."""
    secret = os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48)
    now = int(time.time())

    # No algorithm given: HS256, and iat is set to the current time.
    show("HS256 by default", jwt_async.sign_sync({"user": "ada"}, secret))

    # A PEM private key (str or bytes) with an RSA algorithm.
    pem, public_pem = demo_rsa_key()
    token = jwt_async.sign_sync({"user": "ada"}, pem, algorithm="RS256")
    show("RS256 with a PEM private key", token)
    print(f"  verify with this public key:\n{public_pem}", end="")

    # Expiry written by hand, in seconds since the epoch...
    token = jwt_async.sign_sync({"order": 42, "exp": now + 3600}, secret)
    show("Expiry as an exp claim", token)

    # ...or computed from iat: seconds, or a string such as "1h" or "2 days".
    token = jwt_async.sign_sync({"order": 42}, secret, expires_in="1h")
    show('Expiry with expires_in="1h"', token)

    # A payload iat is kept, and expires_in and not_before count from it.
    token = jwt_async.sign_sync({"user": "ada", "iat": now - 30}, secret)
    show("Backdated by 30 seconds", token)

    # Every refusal is a JWTError subclass with a stable code.
    try:
        jwt_async.sign_sync({"exp": now + 60}, secret, expires_in="1h")
    except jwt_async.InvalidOptionError as error:
        print(f"Refused ({error.code}, option {error.option}): {error}")


if __name__ == "__main__":
    main()
