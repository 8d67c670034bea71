"""``sign_callback``: node-jsonwebtoken's ``jwt.sign(payload, key, [options,] cb)``.

The callback fires exactly once, never before ``sign_callback`` returns.
Inside a running asyncio loop the work is a task on that loop and the callback
runs on the loop's thread; elsewhere (no loop, or a trio loop) it runs on a
small pool of background threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Mapping
from typing import Any, overload

from ._async import sign
from ._options import node_options
from ._sync import sign_sync
from ._types import Callback, Key, Payload
from .exceptions import CallbackError, InvalidOptionError, SigningError

SignHandle = asyncio.Future[str | None] | concurrent.futures.Future[str | None]
"""What ``sign_callback`` returns: resolves to the token, or ``None`` when the
error went to the callback; raises :class:`CallbackError` if the callback did."""

_Outcome = tuple[BaseException | None, str | None]

_pool_lock = threading.Lock()
_pool: concurrent.futures.ThreadPoolExecutor | None = None


@overload
def sign_callback(payload: Payload, key: Key, callback: Callback, /) -> SignHandle: ...


@overload
def sign_callback(
    payload: Payload,
    key: Key,
    options: Mapping[str, Any] | None,
    callback: Callback,
    /,
) -> SignHandle: ...


def sign_callback(
    payload: Payload,
    key: Key,
    options_or_callback: Mapping[str, Any] | Callback | None,
    callback: Callback | None = None,
    /,
) -> SignHandle:
    """Sign as node-jsonwebtoken's callback form does: ``callback(err, token)``.

    ``options`` takes Node's camelCase names (``expiresIn``, ``notBefore``,
    ``noTimestamp``, ``mutatePayload``, ``keyid``, ``jwtid``,
    ``allowInsecureKeySizes``, ``allowInvalidAsymmetricKeyTypes``...); an
    unknown name is an error passed to the callback.

    The callback is called exactly once, with ``(None, token)`` on success or
    ``(error, None)`` with the same :class:`JWTError` the other entry points
    raise; a cancelled signature gives a :class:`SigningError`. It is never
    called before this function returns.

    :returns: a future that resolves after the callback ran: an
        :class:`asyncio.Future` inside a running asyncio loop (await it, or
        cancel it to cancel the signature), else a
        :class:`concurrent.futures.Future` (call ``result()``). It holds the
        token, or ``None`` when the callback received an error, or raises
        :class:`CallbackError` when the callback itself raised; that case is
        also reported through the loop's exception handler or
        :func:`threading.excepthook`.
    :raises InvalidOptionError: at once, when ``callback`` is not callable.

    Cancelling the :class:`concurrent.futures.Future` of the thread path does
    not stop the signature: it completes and the callback fires with it.

    Limitation: with no asyncio loop, callbacks run on a pool of
    ``max(2, CPUs)`` threads; a callback that blocks waiting for another
    ``sign_callback`` result can exhaust it and deadlock. Wait in the caller,
    not in a callback.
    """
    options: object = options_or_callback
    if callback is None:
        callback, options = options_or_callback, None  # type: ignore[assignment]
    if not callable(callback):
        raise InvalidOptionError("callback must be callable", option="callback")
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _in_thread(payload, key, options, callback)
    return _on_loop(loop, payload, key, options, callback)


def _on_loop(
    loop: asyncio.AbstractEventLoop,
    payload: object,
    key: object,
    options: object,
    callback: Callback,
) -> asyncio.Future[str | None]:
    handle: asyncio.Future[str | None] = loop.create_future()
    task = loop.create_task(_outcome_async(payload, key, options))

    def finished(done: asyncio.Task[_Outcome]) -> None:
        if done.cancelled():
            outcome: _Outcome = (SigningError("signing was cancelled"), None)
        else:
            outcome = done.result()
        failure = _call_back_or_resolve(callback, outcome, handle)
        if failure is not None:
            loop.call_exception_handler(
                {"message": "sign_callback's callback raised", "exception": failure}
            )
        _resolve(handle, outcome[1], failure)
        if failure is not None and not handle.cancelled():
            # Reported just above: mark it retrieved, or asyncio would report
            # it a second time when an unawaited handle is collected.
            handle.exception()

    task.add_done_callback(finished)
    # Cancelling the handle cancels the signature; the callback still fires.
    handle.add_done_callback(lambda h: task.cancel() if h.cancelled() else None)
    return handle


async def _outcome_async(payload: Any, key: Any, options: object) -> _Outcome:
    try:
        return None, await sign(payload, key, **node_options(options))
    except Exception as exc:
        return exc, None


def _in_thread(
    payload: Any, key: Any, options: object, callback: Callback
) -> concurrent.futures.Future[str | None]:
    handle: concurrent.futures.Future[str | None] = concurrent.futures.Future()
    returned = threading.Event()

    def work() -> None:
        returned.wait()
        try:
            outcome: _Outcome = (None, sign_sync(payload, key, **node_options(options)))
        except Exception as exc:
            outcome = (exc, None)
        failure = _call_back_or_resolve(callback, outcome, handle)
        try:
            if failure is not None:
                # Reported before the handle resolves, so that whoever waits
                # on the handle finds the report already made.
                threading.excepthook(
                    threading.ExceptHookArgs(
                        (CallbackError, failure, None, threading.current_thread())
                    )
                )
        finally:
            _resolve(handle, outcome[1], failure)

    _thread_pool().submit(work)
    returned.set()
    return handle


def _call_back_or_resolve(
    callback: Callback,
    outcome: _Outcome,
    handle: asyncio.Future[str | None] | concurrent.futures.Future[str | None],
) -> CallbackError | None:
    """Like :func:`_call_back`; a KeyboardInterrupt or SystemExit from the
    callback still resolves the handle, so that no waiter hangs, and goes on."""
    try:
        return _call_back(callback, outcome)
    except BaseException as exc:
        failure = CallbackError("sign_callback's callback raised")
        failure.__cause__ = exc
        _resolve(handle, None, failure)
        raise


def _call_back(callback: Callback, outcome: _Outcome) -> CallbackError | None:
    """Call ``callback`` with the outcome; return the error to report if it raised."""
    error, token = outcome
    try:
        callback(error, token)
    except Exception as exc:
        failure = CallbackError("sign_callback's callback raised")
        failure.__cause__ = exc
        return failure
    return None


def _resolve(
    handle: asyncio.Future[str | None] | concurrent.futures.Future[str | None],
    token: str | None,
    failure: CallbackError | None,
) -> None:
    if handle.done():
        return  # its owner cancelled it
    if failure is None:
        handle.set_result(token)
    else:
        handle.set_exception(failure)


def _thread_pool() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=max(2, os.cpu_count() or 2),
                thread_name_prefix="jwt_async-callback",
            )
        return _pool
