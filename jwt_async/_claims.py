"""The payload: claim sets, the claims options add, and the other payload kinds."""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableMapping
from typing import Any

from ._encoding import encode_text, json_bytes, json_text
from ._options import SignOptions
from ._timespan import Seconds, Timespan, offset_from
from .exceptions import InvalidOptionError, InvalidPayloadError

_TIME_CLAIMS = ("iat", "exp", "nbf")
_NUMBER_TYPES = (int, float)


def now_seconds() -> int:
    """Return the current time in whole seconds since the epoch."""
    return int(time.time())


class ClaimSet:
    """The claims of an object payload, and how to hand them back to the caller.

    The claims options add are computed before anything is changed, so a
    rejected call leaves a ``mutate_payload`` caller's mapping as it was.
    """

    __slots__ = ("_added", "_drop_iat", "_target", "claims")

    def __init__(self, payload: Mapping[Any, Any], options: SignOptions) -> None:
        _check_time_claims(payload)
        _check_conflicts(payload, options)
        self._target = _mutable_target(payload, options)
        self._drop_iat = bool(options.no_timestamp) and "iat" in payload
        self._added = _added_claims(payload, options)
        claims = dict(payload)
        if self._drop_iat:
            del claims["iat"]
        claims.update(self._added)
        self.claims = claims

    def hand_back(self) -> None:
        """Give the added claims to the caller's mapping, if it asked for them."""
        if self._target is None:
            return
        if self._drop_iat:
            del self._target["iat"]
        self._target.update(self._added)


def _check_time_claims(payload: Mapping[Any, Any]) -> None:
    for claim in _TIME_CLAIMS:
        if claim not in payload:
            continue
        value = payload[claim]
        if type(value) not in _NUMBER_TYPES and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise InvalidPayloadError(
                f'"{claim}" should be a number of seconds, not {type(value).__name__}',
                claim=claim,
            )


def _check_conflicts(payload: Mapping[Any, Any], options: SignOptions) -> None:
    for option, claim in options.claims_asked:
        if claim in payload:
            raise InvalidOptionError(
                f'"{option}" cannot be used: the payload already has an '
                f'"{claim}" claim',
                option=option,
            )


def _mutable_target(
    payload: Mapping[Any, Any], options: SignOptions
) -> MutableMapping[Any, Any] | None:
    if not options.mutate_payload:
        return None
    if not isinstance(payload, MutableMapping):
        raise InvalidOptionError(
            '"mutate_payload" needs a mutable mapping payload, not '
            f"{type(payload).__name__}",
            option="mutate_payload",
        )
    return payload


def _added_claims(payload: Mapping[Any, Any], options: SignOptions) -> dict[str, Any]:
    # node-jsonwebtoken appends in this order: iat, nbf, exp, aud, iss, sub,
    # jti. Unlike Node, a payload "iat" of 0 is kept rather than replaced.
    base: Seconds = payload["iat"] if "iat" in payload else now_seconds()
    added: dict[str, Any] = {}
    if not options.no_timestamp:
        added["iat"] = base
    if options.not_before is not None:
        added["nbf"] = _offset(base, options.not_before, "nbf")
    if options.expires_in is not None:
        added["exp"] = _offset(base, options.expires_in, "exp")
    for claim, value in options.string_claims:
        # A fresh list each time: the options object is shared between calls.
        added[claim] = list(value) if isinstance(value, tuple) else value
    return added


def _offset(base: Seconds, span: Timespan, claim: str) -> Seconds:
    try:
        return offset_from(base, span)
    except (OverflowError, ValueError):
        # An iat that is NaN, infinite or past the range of a double, or a
        # datetime past the range of a timestamp.
        problem = f'"{claim}" cannot be computed: the time is out of range'
    raise InvalidPayloadError(problem, claim=claim)


def payload_bytes(
    payload: object, options: SignOptions
) -> tuple[bytes, ClaimSet | None]:
    """Return the payload segment's bytes, and the claim set of an object payload.

    :raises InvalidPayloadError: the payload cannot be signed.
    :raises InvalidOptionError: a claim option was given for a payload that is
        not a claim set, or conflicts with a claim.
    """
    if type(payload) is dict or isinstance(payload, Mapping):
        claim_set = ClaimSet(payload, options)
        return json_bytes(claim_set.claims, "payload", options.codec), claim_set
    _check_not_claims(payload, options)
    if isinstance(payload, str):
        return encode_text(payload, options.codec, "payload"), None
    if isinstance(payload, bytes | bytearray | memoryview):
        # Signed exactly as given; Node decodes a Buffer as UTF-8 first.
        return bytes(payload), None
    return encode_text(_scalar_text(payload), options.codec, "payload"), None


def _check_not_claims(payload: object, options: SignOptions) -> None:
    if payload is None:
        raise InvalidPayloadError("payload is required")
    if isinstance(payload, list | tuple):
        raise InvalidPayloadError(
            "payload must be a mapping (a claim set), a string or bytes, not "
            f"{type(payload).__name__}"
        )
    given = options.claim_options_given()
    if given:
        raise InvalidOptionError(
            f"{', '.join(given)} can only be used with a mapping payload, not "
            f"{type(payload).__name__}",
            option=given[0],
        )


def _scalar_text(payload: object) -> str:
    if isinstance(payload, int | float):
        return json_text(payload, "payload")
    raise InvalidPayloadError(
        "payload must be a mapping, str, bytes, or a number, not "
        f"{type(payload).__name__}"
    )
