"""``sign``: the coroutine. Asymmetric work goes to a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Unpack

import anyio
import anyio.to_thread

from ._core import prepare
from ._limits import current_limiter
from ._options import parse_options
from ._types import Key, Payload, SignKeywords
from .exceptions import SigningError


async def sign(payload: Payload, key: Key, **options: Unpack[SignKeywords]) -> str:
    """Sign ``payload`` with ``key`` and return the compact JWT.

    Validation, JSON and HMAC run inline: they take microseconds, less than a
    thread hop. Loading a PEM private key and RSA or ECDSA signing run in a
    worker thread under jwt_async's own limiter (see
    :func:`set_thread_limit`), so the event loop keeps serving other tasks.
    Works under asyncio and trio through anyio.

    Cancelling the awaiting task while a worker thread signs lets the thread
    finish its signature, then raises the cancellation; no thread or limiter
    token is left behind, and a ``mutate_payload`` mapping is left untouched.

    :param payload: a claim set (mapping), or a str, bytes or number signed as
        it is; a claim set gets ``typ: "JWT"`` in its header.
    :param key: an HMAC secret (str or bytes), PEM private key text, a
        ``{"key": pem, "passphrase": ...}`` mapping, or an RSA or EC private
        key object from ``cryptography``.
    :param algorithm: ``HS256`` (default), ``HS384``, ``HS512``, ``RS256``,
        ``RS384``, ``RS512``, ``PS256``, ``PS384``, ``PS512``, ``ES256``,
        ``ES384``, ``ES512`` or ``none``.
    :param expires_in: sets ``exp``: seconds, a timespan string such as
        ``"2 days"`` or a :class:`~datetime.timedelta`, counted from ``iat``.
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
    job = prepare(payload, key, parse_options(**options))
    if job.needs_thread:
        signature = await _in_worker_thread(job.signature)
    else:
        signature = job.signature()
    return job.token(signature)


async def _in_worker_thread(compute: Callable[[], bytes]) -> bytes:
    # anyio shields a worker-thread call from its own cancel scopes only. A
    # native asyncio cancellation (Task.cancel, asyncio.timeout, wait_for)
    # would end the call at once and hand its limiter token back while the
    # thread still signs, so more threads than the limit could run. A task
    # group absorbs that cancellation in its host and waits for the child,
    # whose call keeps the token until the thread is done; the host then
    # raises the cancellation.
    outcome: list[bytes | Exception] = []

    async def run() -> None:
        try:
            signature = await anyio.to_thread.run_sync(
                compute, limiter=current_limiter()
            )
        except Exception as exc:
            outcome.append(exc)
        else:
            outcome.append(signature)

    async with anyio.create_task_group() as group:
        group.start_soon(run)
    if not outcome:
        # Only the child was cancelled, natively: the event loop is closing.
        raise SigningError("signing was cancelled")
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]
