"""``sign_callback``: Node's ``jwt.sign(payload, key, [options,] callback)``.

Every behaviour is checked on the three paths a call can take: inside a
running asyncio loop ("loop"), with no loop at all ("thread"), and inside a
trio run, which has no asyncio loop and so takes the thread path ("trio").
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import gc
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
import trio
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import jwt_async
from jwt_async.exceptions import (
    CallbackError,
    InvalidKeyError,
    InvalidOptionError,
    SigningError,
)
from tests.helpers import FROZEN_NOW, private_key
from tests.test_async import Gate, until
from tests.test_sync import (
    ERROR_CASE_IDS,
    ERROR_CASES,
    SECRET,
    SIGN_CASE_IDS,
    SIGN_CASES,
    ErrorCase,
    SignCase,
    assert_same_error,
    assert_same_token,
    camel,
    public_of,
    sync_error,
)

WAIT = 10.0
"""Seconds to wait for a callback before the test fails: it was lost."""

PATHS = ["loop", "thread", "trio"]
OMITTED: Any = object()
"""Marks a call made in the three-argument form, without options."""


class Recorder:
    """A callback that records each call: its error, token and thread."""

    def __init__(self, order: list[str] | None = None) -> None:
        self.calls: list[tuple[BaseException | None, str | None, int]] = []
        self.order = order if order is not None else []
        self.called = threading.Event()

    def __call__(self, error: BaseException | None, token: str | None) -> None:
        self.calls.append((error, token, threading.get_ident()))
        self.order.append("callback")
        self.called.set()

    @property
    def only_call(self) -> tuple[BaseException | None, str | None]:
        """The error and token of the one call; fails unless there was exactly one."""
        assert len(self.calls) == 1
        return self.calls[0][:2]


def start(payload: Any, key: Any, options: Any, callback: Any) -> jwt_async.SignHandle:
    """Call ``sign_callback`` in its three- or four-argument form."""
    if options is OMITTED:
        return jwt_async.sign_callback(payload, key, callback)
    return jwt_async.sign_callback(payload, key, options, callback)


def run_on(path: str, main: Callable[[], Any]) -> None:
    """Run the call ``main`` makes, and wait for its handle, on ``path``."""

    async def in_asyncio() -> None:
        handle = main()
        assert isinstance(handle, asyncio.Future)
        await asyncio.wait_for(asyncio.shield(handle), WAIT)

    async def in_trio() -> None:
        handle = main()
        assert isinstance(handle, concurrent.futures.Future)
        with trio.fail_after(WAIT):
            await trio.to_thread.run_sync(handle.exception)

    if path == "loop":
        asyncio.run(in_asyncio())
    elif path == "trio":
        trio.run(in_trio)
    else:
        handle = main()
        assert isinstance(handle, concurrent.futures.Future)
        handle.exception(timeout=WAIT)


def sign_via(
    path: str, payload: Any, key: Any, options: Any = OMITTED
) -> tuple[BaseException | None, str | None]:
    """Sign through ``sign_callback`` on ``path``; return what the callback got."""
    recorder = Recorder()
    run_on(path, lambda: start(payload, key, options, recorder))
    return recorder.only_call


def assert_es384_signature(token: str, public: ec.EllipticCurvePublicKey) -> None:
    """Verify an ES384 token's raw r||s signature (PyJWT refuses a P-256 key)."""
    signing_input, _, signature = token.rpartition(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    assert len(raw) == 96
    r, s = int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big")
    der = encode_dss_signature(r, s)
    public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA384()))


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """A :class:`~tests.test_async.Gate` in front of the signature step."""
    installed = Gate().install(monkeypatch)
    yield installed
    installed.release()


# Tokens and options


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", SIGN_CASES, ids=SIGN_CASE_IDS)
def test_callback_gets_the_token_sign_sync_gives(case: SignCase, path: str) -> None:
    """The callback gets (None, token), the token sign_sync makes for the case."""
    reference = jwt_async.sign_sync(case.payload, case.key, **case.options)

    error, token = sign_via(path, case.payload, case.key, camel(case.options))

    assert error is None
    assert token is not None
    assert_same_token(case, token, reference)


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("options", [OMITTED, None, {}], ids=["3-arg", "None", "{}"])
def test_call_forms_without_options_sign_with_the_defaults(
    options: Any, path: str
) -> None:
    """(payload, key, cb), (..., None, cb) and (..., {}, cb) all sign with HS256."""
    reference = jwt_async.sign_sync({"sub": "42"}, SECRET)

    assert sign_via(path, {"sub": "42"}, SECRET, options) == (None, reference)


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("path", PATHS)
def test_camel_case_claim_options_land_in_the_token(path: str) -> None:
    """expiresIn, notBefore, audience, issuer, subject, jwtid, keyid... are applied."""
    options = {
        "algorithm": "HS384",
        "expiresIn": "1h",
        "notBefore": "5m",
        "audience": ["api", "web"],
        "issuer": "issuer.test",
        "subject": "user-7",
        "jwtid": "id-9",
        "keyid": "key-3",
        "header": {"cty": "demo"},
        "encoding": "utf8",
    }

    error, token = sign_via(path, {"n": 1}, SECRET, options)

    assert error is None and token is not None
    assert jwt.get_unverified_header(token) == {
        "alg": "HS384",
        "typ": "JWT",
        "kid": "key-3",
        "cty": "demo",
    }
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS384"],
        audience="api",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims == {
        "n": 1,
        "iat": FROZEN_NOW,
        "nbf": FROZEN_NOW + 300,
        "exp": FROZEN_NOW + 3600,
        "aud": ["api", "web"],
        "iss": "issuer.test",
        "sub": "user-7",
        "jti": "id-9",
    }


@pytest.mark.parametrize("path", PATHS)
def test_no_timestamp_option_leaves_out_iat(path: str) -> None:
    """noTimestamp=True gives a token without iat, exactly sign_sync's."""
    error, token = sign_via(path, {"n": 1}, SECRET, {"noTimestamp": True})

    assert error is None
    assert token == jwt_async.sign_sync({"n": 1}, SECRET, no_timestamp=True)


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("mutate", [True, False])
def test_mutate_payload_option_writes_the_claims_back(path: str, mutate: bool) -> None:
    """mutatePayload=True gives the caller's dict iat and jti; False leaves it be."""
    payload = {"n": 1}

    sign_via(path, payload, SECRET, {"mutatePayload": mutate, "jwtid": "j"})

    assert payload == ({"n": 1, "iat": FROZEN_NOW, "jti": "j"} if mutate else {"n": 1})


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("allow", [True, False])
def test_allow_insecure_key_sizes_option_admits_a_1024_bit_key(
    path: str, allow: bool
) -> None:
    """allowInsecureKeySizes=True lets a 1024-bit key sign RS256; else it is refused."""
    key = private_key("rsa1024.pem")
    options = {"algorithm": "RS256", "allowInsecureKeySizes": allow}

    error, token = sign_via(path, {"n": 1}, key, options)

    if allow:
        assert error is None
        assert token == jwt_async.sign_sync(
            {"n": 1}, key, algorithm="RS256", allow_insecure_key_sizes=True
        )
    else:
        assert type(error) is InvalidKeyError
        assert token is None


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("allow", [True, False])
def test_allow_invalid_asymmetric_key_types_option_admits_another_curve(
    path: str, allow: bool
) -> None:
    """allowInvalidAsymmetricKeyTypes=True lets a P-256 key sign ES384."""
    key = private_key("ec_p256.pem")
    options = {"algorithm": "ES384", "allowInvalidAsymmetricKeyTypes": allow}

    error, token = sign_via(path, {"n": 1}, key, options)

    if allow:
        assert error is None and token is not None
        assert_es384_signature(token, public_of("ec_p256.pem"))
    else:
        assert type(error) is InvalidKeyError
        assert token is None


# Errors


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", ERROR_CASES, ids=ERROR_CASE_IDS)
def test_callback_gets_the_error_sign_sync_raises(case: ErrorCase, path: str) -> None:
    """Each error reaches the callback, once, as sign_sync raises it: class, message."""
    reference = sync_error(case)
    jwt_async.clear_key_cache()

    error, token = sign_via(path, case.payload, case.key, camel(case.options))

    assert_same_error(error, reference)
    assert token is None


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"expires": 60}, "expires"),
        ({"expires_in": 60}, "expires_in"),
        ([1], "options"),
    ],
    ids=["node-typo", "python-spelling", "not-a-mapping"],
)
def test_unknown_option_names_reach_the_callback_as_invalid_option(
    path: str, options: Any, option: str
) -> None:
    """A name Node does not know, or options that are no mapping, is an error."""
    error, token = sign_via(path, {"n": 1}, SECRET, options)

    assert type(error) is InvalidOptionError
    assert error.option == option
    assert token is None


@pytest.mark.parametrize("callback", [None, "callback", 42, {"expiresIn": 60}])
@pytest.mark.parametrize("form", ["3-arg", "4-arg"])
def test_a_callback_that_is_not_callable_raises_at_once(
    callback: Any, form: str
) -> None:
    """A non-callable callback raises InvalidOptionError at once, in the caller."""
    options = OMITTED if form == "3-arg" else {}

    with pytest.raises(InvalidOptionError) as caught:
        start({"n": 1}, SECRET, options, callback)

    assert type(caught.value) is InvalidOptionError
    assert caught.value.option == "callback"


@pytest.mark.asyncio
async def test_a_callback_that_is_not_callable_schedules_nothing_in_a_loop() -> None:
    """Inside a loop, a non-callable callback raises before any task is made."""
    tasks = asyncio.all_tasks()

    with pytest.raises(InvalidOptionError):
        start({"n": 1}, SECRET, {}, None)

    assert asyncio.all_tasks() == tasks


# When and where the callback runs


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("options", [{}, {"bogus": 1}], ids=["token", "error"])
def test_callback_is_never_called_before_sign_callback_returns(
    path: str, options: dict[str, Any]
) -> None:
    """Even for an instant result, the callback runs after sign_callback returned."""
    for _ in range(20):
        order: list[str] = []
        recorder = Recorder(order)

        def call(recorder: Recorder = recorder, order: list[str] = order) -> Any:
            handle = start({"n": 1}, SECRET, options, recorder)
            order.append("returned")
            return handle

        run_on(path, call)

        assert order == ["returned", "callback"]


@pytest.mark.parametrize("path", PATHS)
def test_callback_thread_is_the_loops_or_else_a_background_one(path: str) -> None:
    """In an asyncio loop the callback runs on the loop thread; else on another."""
    recorder = Recorder()
    callers: list[int] = []

    def call() -> Any:
        callers.append(threading.get_ident())
        return start(
            {"n": 1}, private_key("ec_p256.pem"), {"algorithm": "ES256"}, recorder
        )

    run_on(path, call)

    (_, token, thread), caller = recorder.calls[0], callers[0]
    assert token is not None
    assert (thread == caller) == (path == "loop")


# Exactly once, whatever happens


@pytest.mark.asyncio
async def test_cancelling_the_handle_gives_the_callback_a_signing_error(
    gate: Gate,
) -> None:
    """A cancelled handle cancels the sign; the callback gets one SigningError."""
    recorder = Recorder()
    payload = {"n": 1}
    gate.hold()
    handle = jwt_async.sign_callback(
        payload,
        private_key("rsa2048.pem"),
        {"algorithm": "RS256", "mutatePayload": True},
        recorder,
    )
    assert isinstance(handle, asyncio.Future)
    await until(lambda: gate.active > 0)

    handle.cancel()
    await asyncio.sleep(0.01)
    before_release = len(recorder.calls)
    gate.release()
    await until(recorder.called.is_set)
    await asyncio.sleep(0.01)

    error, token = recorder.only_call
    assert before_release == 0  # the thread still signed when the handle was cancelled
    assert type(error) is SigningError
    assert token is None
    assert handle.cancelled()
    assert payload == {"n": 1}
    assert jwt_async.current_limiter().borrowed_tokens == 0


@pytest.mark.parametrize("in_flight", [False, True], ids=["not-started", "in-thread"])
def test_loop_shutdown_gives_a_pending_sign_one_signing_error(
    in_flight: bool, gate: Gate
) -> None:
    """When asyncio.run ends with a sign pending, its callback still fires, once."""
    recorder = Recorder()
    gate.hold()

    async def main() -> None:
        jwt_async.sign_callback(
            {"n": 1}, private_key("rsa2048.pem"), {"algorithm": "RS256"}, recorder
        )
        if in_flight:
            await until(lambda: gate.active > 0)

    asyncio.run(main())
    calls_at_shutdown = list(recorder.calls)
    gate.release()

    assert len(calls_at_shutdown) == 1
    error, token = recorder.only_call
    assert type(error) is SigningError
    assert token is None
    assert gate.entries == int(in_flight)


def test_a_raising_callback_in_a_loop_is_reported_once_and_fails_the_handle() -> None:
    """The loop's exception handler gets the CallbackError; awaiting it raises it."""
    reports: list[dict[str, Any]] = []
    calls: list[object] = []
    boom = ValueError("boom")

    def callback(error: BaseException | None, token: str | None) -> None:
        calls.append(token)
        raise boom

    async def main() -> BaseException | None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: reports.append(context))
        handle = jwt_async.sign_callback({"n": 1}, SECRET, callback)
        assert isinstance(handle, asyncio.Future)
        try:
            await handle
        except CallbackError as exc:
            return exc
        return None

    raised = asyncio.run(main())

    assert len(calls) == 1
    assert type(raised) is CallbackError
    assert raised.__cause__ is boom
    assert [report["exception"] for report in reports] == [raised]


def test_an_unawaited_raising_callback_is_reported_only_once() -> None:
    """A dropped handle whose callback raised is not reported again when collected."""
    reports: list[type[BaseException]] = []

    def callback(error: BaseException | None, token: str | None) -> None:
        raise ValueError("boom")

    def report(loop: object, context: dict[str, Any]) -> None:
        # Only the class is kept: holding the error would keep the handle alive.
        reports.append(type(context["exception"]))

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(report)
        jwt_async.sign_callback({"n": 1}, SECRET, callback)
        await until(lambda: bool(reports))
        gc.collect()
        await asyncio.sleep(0.01)

    asyncio.run(main())

    assert reports == [CallbackError]


@pytest.mark.parametrize("path", ["thread", "trio"])
def test_a_raising_callback_without_a_loop_goes_to_threading_excepthook(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no loop, threading.excepthook gets the CallbackError before the handle."""
    hooked: list[threading.ExceptHookArgs] = []

    def slow_hook(args: threading.ExceptHookArgs) -> None:
        time.sleep(0.05)  # the handle must still wait for the report
        hooked.append(args)

    monkeypatch.setattr(threading, "excepthook", slow_hook)
    calls: list[object] = []
    boom = ValueError("boom")
    handles: list[jwt_async.SignHandle] = []

    def callback(error: BaseException | None, token: str | None) -> None:
        calls.append(token)
        raise boom

    def call() -> jwt_async.SignHandle:
        handles.append(start({"n": 1}, SECRET, OMITTED, callback))
        return handles[0]

    run_on(path, call)

    handle = handles[0]
    assert isinstance(handle, concurrent.futures.Future)
    raised = handle.exception()
    assert len(calls) == 1
    assert type(raised) is CallbackError
    assert raised.__cause__ is boom
    assert [(args.exc_type, args.exc_value) for args in hooked] == [
        (CallbackError, raised)
    ]


def test_500_calls_from_16_threads_each_fire_their_callback_once() -> None:
    """500 calls from 16 threads, no loop: each callback fires once, none is lost."""
    ec_key = private_key("ec_p256.pem")
    fired: dict[str, list[str | None]] = {}
    lock = threading.Lock()
    handles: list[concurrent.futures.Future[str | None]] = []
    start_together = threading.Barrier(16)

    def callback_for(jti: str) -> Callable[[BaseException | None, str | None], None]:
        def callback(error: BaseException | None, token: str | None) -> None:
            assert error is None
            with lock:
                fired.setdefault(jti, []).append(token)

        return callback

    def work(worker: int) -> None:
        start_together.wait(timeout=WAIT)
        for index in range(worker, 500, 16):
            jti = str(index)
            key, alg = (ec_key, "ES256") if index % 2 else (SECRET, "HS256")
            handle = jwt_async.sign_callback(
                {"n": index}, key, {"algorithm": alg, "jwtid": jti}, callback_for(jti)
            )
            assert isinstance(handle, concurrent.futures.Future)
            with lock:
                handles.append(handle)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    done, _ = concurrent.futures.wait(handles, timeout=WAIT)

    assert len(handles) == len(done) == 500
    assert sorted(fired, key=int) == [str(n) for n in range(500)]
    for jti, tokens in fired.items():
        assert len(tokens) == 1
        token = tokens[0]
        assert token is not None
        alg, verify_key = ("ES256", public_of("ec_p256.pem"))
        if int(jti) % 2 == 0:
            alg, verify_key = "HS256", SECRET
        assert jwt.decode(token, verify_key, algorithms=[alg])["jti"] == jti
    assert sorted(handle.result() or "" for handle in handles) == sorted(
        tokens[0] or "" for tokens in fired.values()
    )


def test_keyboard_interrupt_in_a_callback_still_resolves_the_handle() -> None:
    """A callback raising KeyboardInterrupt does not leave waiters hanging."""

    def callback(error: BaseException | None, token: str | None) -> None:
        raise KeyboardInterrupt

    handle = jwt_async.sign_callback({}, "s" * 32, callback)
    assert isinstance(handle, concurrent.futures.Future)
    with pytest.raises(jwt_async.CallbackError) as info:
        handle.result(timeout=30)
    assert isinstance(info.value.__cause__, KeyboardInterrupt)
