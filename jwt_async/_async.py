"""``sign``: the coroutine. Asymmetric work goes to a worker thread."""

from __future__ import annotations

from typing import Unpack

from ._core import SigningJob, prepare
from ._options import options_from
from ._types import Key, Payload, SignKeywords
from ._workers import sign_in_worker


async def sign(payload: Payload, key: Key, **options: Unpack[SignKeywords]) -> str:
    """Sign ``payload`` with ``key`` and return the compact JWT.

    Validation, JSON, HMAC and Ed25519 run inline: they take microseconds,
    less than a thread hop. Loading a PEM or JWK private key and RSA, ECDSA or
    Ed448 signing run in a worker thread under jwt_async's own limiter (see
    :func:`set_thread_limit`), so the event loop keeps serving other tasks.
    Works under asyncio and trio through anyio.

    Under load, waiting signatures are signed in batches, one thread hop per
    batch. Cancelling the awaiting task raises
    the cancellation and gives no token: a signature still queued is dropped,
    one already in a worker thread is finished and discarded, no thread or
    limiter token is left behind, and a ``mutate_payload`` mapping is left
    untouched.

    :param payload: a claim set (mapping), or a str, bytes or number signed as
        it is; a claim set gets ``typ: "JWT"`` in its header.
    :param key: an HMAC secret (str or bytes), PEM private key text, a
        ``{"key": pem, "passphrase": ...}`` mapping, a private JWK (dict or
        JSON text), or an RSA, EC, Ed25519 or Ed448 private key object from
        ``cryptography``.
    :param algorithm: ``HS256`` (default), ``HS384``, ``HS512``, ``RS256``,
        ``RS384``, ``RS512``, ``PS256``, ``PS384``, ``PS512``, ``ES256``,
        ``ES384``, ``ES512``, ``ES256K``, ``EdDSA`` or ``none``.
    :param expires_in: sets ``exp``: seconds, a timespan string such as
        ``"2 days"`` or a :class:`~datetime.timedelta`, counted from ``iat``;
        or a timezone-aware :class:`~datetime.datetime`, an absolute time.
    :param not_before: sets ``nbf``, like ``expires_in``.
    :param audience: sets ``aud``: a string or a list of strings.
    :param issuer: sets ``iss``.
    :param subject: sets ``sub``.
    :param jwtid: sets ``jti``.
    :param keyid: sets the header's ``kid``.
    :param header: fields merged over the header that jwt_async builds.
    :param no_timestamp: leave out ``iat`` (and drop a payload ``iat``).
    :param mutate_payload: write the added claims into the caller's mapping.
    :param encoding: text encoding of the payload segment: ``utf8`` (default),
        ``utf16le``/``ucs2``, ``latin1``/``binary`` or ``ascii``.
    :param allow_insecure_key_sizes: accept RSA keys under 2048 bits.
    :param allow_invalid_asymmetric_key_types: accept an EC key on another
        curve than the algorithm's.
    :returns: the token, ``header.payload.signature``.
    :raises InvalidOptionError: an option has the wrong type or value.
    :raises InvalidPayloadError: the payload or a claim in it is unusable.
    :raises InvalidKeyError: the key is missing, unreadable or does not fit.
    :raises SigningError: the cryptographic backend failed.
    """
    return await finish(prepare(payload, key, options_from(options)))


async def finish(job: SigningJob) -> str:
    """Sign ``job``, in a worker thread when the work is CPU-heavy."""
    if job.needs_thread:
        signature = await sign_in_worker(job)
    else:
        signature = job.signature()
    return job.token(signature)
