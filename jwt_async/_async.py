"""``sign``: the coroutine. Asymmetric work goes to a worker thread."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Unpack

import anyio.lowlevel
import anyio.to_thread
from anyio import CapacityLimiter

from ._core import SigningJob, prepare
from ._limits import current_limiter
from ._options import options_from
from ._types import Key, Payload, SignKeywords


async def sign(payload: Payload, key: Key, **options: Unpack[SignKeywords]) -> str:
    """Sign ``payload`` with ``key`` and return the compact JWT.

    Validation, JSON, HMAC and Ed25519 run inline: they take microseconds,
    less than a thread hop. Loading a PEM or JWK private key and RSA, ECDSA or
    Ed448 signing run in a worker thread under jwt_async's own limiter (see
    :func:`set_thread_limit`), so the event loop keeps serving other tasks.
    Works under asyncio and trio through anyio.

    Cancelling the awaiting task while a worker thread signs lets the thread
    finish its signature, then raises the cancellation; no thread or limiter
    token is left behind, and a ``mutate_payload`` mapping is left untouched.

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
        signature = await _in_worker_thread(job.signature)
    else:
        signature = job.signature()
    return job.token(signature)


# Under asyncio the limiter token is held by the awaiting task itself, and the
# thread call borrows from this per-loop limiter, which never makes it wait.
_unlimited: anyio.lowlevel.RunVar[CapacityLimiter] = anyio.lowlevel.RunVar(
    "jwt_async_unlimited"
)


async def _in_worker_thread(compute: Callable[[], bytes]) -> bytes:
    limiter = current_limiter()
    if _running_asyncio_task() is None:
        # Trio: cancel scopes cannot interrupt a thread call that is not
        # abandoned on cancel, so it keeps its token to the end. But trio then
        # returns the result of the call even if a cancellation came while it
        # ran; raise that here, so that a cancelled sign gives no token and
        # leaves a mutate_payload mapping alone, as under asyncio.
        signature = await anyio.to_thread.run_sync(compute, limiter=limiter)
        await anyio.lowlevel.checkpoint_if_cancelled()
        return signature

    # anyio shields a thread call from its own cancel scopes only: a native
    # cancellation (Task.cancel, asyncio.timeout, wait_for) ends the call at
    # once and frees its limiter token while the thread still signs, so more
    # threads than the limit could run. Hence the token is taken here and the
    # call runs as a task of its own, whose end is awaited whatever happens.
    async with limiter:
        call = anyio.to_thread.run_sync(compute, limiter=_unlimited_limiter())
        return await _outlast_cancellation(asyncio.ensure_future(call))


async def _outlast_cancellation(work: asyncio.Future[bytes]) -> bytes:
    cancelled: asyncio.CancelledError | None = None
    while not work.done():
        try:
            await asyncio.wait((work,))
        except asyncio.CancelledError as exc:
            cancelled = cancelled or exc
    if cancelled is not None:
        if not work.cancelled():
            work.exception()  # seen, so asyncio does not log it as lost
        raise cancelled
    return work.result()


def _running_asyncio_task() -> asyncio.Task[object] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None  # no asyncio event loop in this thread


def _unlimited_limiter() -> CapacityLimiter:
    try:
        return _unlimited.get()
    except LookupError:
        limiter = CapacityLimiter(math.inf)
        _unlimited.set(limiter)
        return limiter
