"""``sign_sync``: the signing pipeline called directly, with no event loop."""

from __future__ import annotations

from typing import Unpack

from ._core import prepare
from ._options import options_from
from ._types import Key, Payload, SignKeywords


def sign_sync(payload: Payload, key: Key, **options: Unpack[SignKeywords]) -> str:
    """Sign ``payload`` with ``key`` and return the compact JWT, blocking.

    The same result as :func:`jwt_async.sign`, computed in the calling thread.
    It never starts, borrows or blocks on an event loop, so it is safe in
    scripts, in many threads at once and inside a running loop (where it
    blocks that loop for as long as an RSA signature takes).

    :param payload: a claim set (mapping), or a str, bytes or number signed
        as it is.
    :param key: an HMAC secret (str or bytes), PEM private key text, a
        ``{"key": pem, "passphrase": ...}`` mapping, a private JWK (dict or
        JSON text), or an RSA, EC, Ed25519 or Ed448 private key object from
        ``cryptography``.
    :param options: see :func:`jwt_async.sign`.
    :returns: the token, ``header.payload.signature``.
    :raises JWTError: any input is unusable or signing failed.
    """
    job = prepare(payload, key, options_from(options))
    return job.token(job.signature())
