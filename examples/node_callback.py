"""Code ported from Node: ``jwt_async.sign_callback`` with error-first callbacks.

Run it with ``python examples/node_callback.py``.

In Node::

    jwt.sign(payload, key, { expiresIn: "2h" }, function (err, token) { ... });

Here the options keep Node's camelCase names::

    jwt_async.sign_callback(payload, key, {"expiresIn": "2h"}, callback)

The callback runs exactly once, never before ``sign_callback`` returns. With
no event loop it runs on a background thread and ``sign_callback`` returns a
``concurrent.futures.Future``; inside a running asyncio loop it runs on the
loop and the return value is an ``asyncio.Future`` that can be awaited.

The HMAC secret comes from the ``JWT_SECRET`` environment variable; without
one, the script makes a random secret for this run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import jwt_async


def on_signed(err: BaseException | None, token: str | None) -> None:
    """An error-first callback, as Node code writes them."""
    if err is not None:
        code = err.code if isinstance(err, jwt_async.JWTError) else "unexpected"
        print(f"  callback: error {code}: {err}")
        return
    print(f"  callback: token {token}")


def without_a_loop(secret: str) -> None:
    """Plain synchronous code: wait on the returned future when needed."""
    print("Without an event loop (HS256, expiresIn 2h):")
    options = {"expiresIn": "2h", "issuer": "node-port", "subject": "ada"}
    handle = jwt_async.sign_callback({"role": "admin"}, secret, options, on_signed)
    # With no running loop, the handle is a concurrent.futures.Future; its
    # result() returns once the callback ran: the token, or None on error.
    assert isinstance(handle, concurrent.futures.Future)
    token = handle.result(timeout=30)
    print(f"  future resolved: {token is not None}")

    print("Without an event loop, a bad option:")
    handle = jwt_async.sign_callback({}, secret, {"expiresIn": "soon"}, on_signed)
    assert isinstance(handle, concurrent.futures.Future)
    print(f"  future resolved: {handle.result(timeout=30)}")


async def inside_asyncio() -> None:
    """Inside asyncio: the callback runs on the loop; await the future."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    print("Inside asyncio.run (ES256, keyid, noTimestamp):")
    options = {"algorithm": "ES256", "keyid": "ec-1", "noTimestamp": True}
    handle = jwt_async.sign_callback({"role": "reader"}, pem, options, on_signed)
    print("  sign_callback returned; the callback has not run yet")
    # Inside a running asyncio loop, the handle is an asyncio.Future.
    assert isinstance(handle, asyncio.Future)
    token = await handle
    print(f"  awaited the future: {token is not None}")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    print(f"EC public key of this run:\n{public.decode('ascii')}", end="")


def main() -> None:
    """Run both halves of the demo."""
    secret = os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48)
    without_a_loop(secret)
    asyncio.run(inside_asyncio())


if __name__ == "__main__":
    main()
