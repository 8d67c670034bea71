"""Validation of the signing options, in their keyword and Node spellings."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._algorithms import Algorithm, algorithm_named
from ._encoding import codec_for, shown
from ._timespan import Timespan, check_timespan
from .exceptions import InvalidHeaderError, InvalidOptionError

# Node's camelCase option names and the keyword each one maps to.
NODE_OPTION_NAMES = {
    "algorithm": "algorithm",
    "expiresIn": "expires_in",
    "notBefore": "not_before",
    "audience": "audience",
    "issuer": "issuer",
    "jwtid": "jwtid",
    "subject": "subject",
    "noTimestamp": "no_timestamp",
    "header": "header",
    "keyid": "keyid",
    "mutatePayload": "mutate_payload",
    "encoding": "encoding",
    "allowInsecureKeySizes": "allow_insecure_key_sizes",
    "allowInvalidAsymmetricKeyTypes": "allow_invalid_asymmetric_key_types",
}

# Registered claims (RFC 7519 §4.1) that options fill in, by option name.
CLAIMS_BY_OPTION = (
    ("expires_in", "exp"),
    ("not_before", "nbf"),
    ("audience", "aud"),
    ("issuer", "iss"),
    ("subject", "sub"),
    ("jwtid", "jti"),
)
_STRING_CLAIM_OPTIONS = CLAIMS_BY_OPTION[2:]

# Options that only make sense when the payload is a claim set.
CLAIM_OPTIONS = (
    "expires_in",
    "not_before",
    "no_timestamp",
    "audience",
    "issuer",
    "subject",
    "jwtid",
)

_DEFAULT_ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class SignOptions:
    """Signing options after validation; ``None`` means not given."""

    algorithm: Algorithm
    algorithm_given: bool
    expires_in: Timespan | None = None
    not_before: Timespan | None = None
    audience: str | tuple[str, ...] | None = None
    issuer: str | None = None
    subject: str | None = None
    jwtid: str | None = None
    keyid: str | None = None
    header: Mapping[str, Any] | None = None
    no_timestamp: bool | None = None
    mutate_payload: bool = False
    codec: str = "utf-8"
    allow_insecure_key_sizes: bool = False
    allow_invalid_asymmetric_key_types: bool = False
    # Derived in __post_init__: the (option, claim) pairs these options add,
    # and the (claim, value) pairs of aud, iss, sub and jti, in Node's order.
    claims_asked: tuple[tuple[str, str], ...] = field(init=False, repr=False)
    string_claims: tuple[tuple[str, Any], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Computed once: a validated options object serves many calls.
        asked = tuple(
            (option, claim)
            for option, claim in CLAIMS_BY_OPTION
            if getattr(self, option) is not None
        )
        strings = tuple(
            (claim, getattr(self, option))
            for option, claim in _STRING_CLAIM_OPTIONS
            if getattr(self, option) is not None
        )
        object.__setattr__(self, "claims_asked", asked)
        object.__setattr__(self, "string_claims", strings)

    def claim_options_given(self) -> list[str]:
        """Return the names of the claim-only options that were given."""
        return [name for name in CLAIM_OPTIONS if getattr(self, name) is not None]


_CACHE_LIMIT = 256
_cache: dict[tuple[tuple[str, type, object], ...], SignOptions] = {}


def options_from(keywords: Mapping[str, Any]) -> SignOptions:
    """Return the validated options for ``keywords``, reusing earlier results.

    Services pass the same few option sets on every call, so validated sets
    are kept by value and type (``True`` and ``1`` differ); sets holding
    unhashable values, such as a ``header`` dict, are validated each time.
    """
    if not keywords:
        return _defaults()
    for name in keywords:
        if name not in _KEYWORDS:
            raise TypeError(_unknown_keyword(name))
    try:
        cache_key = tuple(
            (name, type(value), value) for name, value in keywords.items()
        )
        found = _cache.get(cache_key)
    except Exception:  # unhashable, or a __hash__ or __eq__ that raises
        return parse_options(**keywords)
    if found is None:
        found = parse_options(**keywords)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[cache_key] = found
    return found


_KEYWORDS = frozenset(NODE_OPTION_NAMES.values())


def _unknown_keyword(name: str) -> str:
    # Python's own TypeError, as for any wrong keyword, but naming the right
    # spelling when the caller used Node's.
    message = f"unknown signing option {name!r}"
    if name in NODE_OPTION_NAMES:
        message += f"; did you mean {NODE_OPTION_NAMES[name]!r}?"
    return message


@functools.cache
def _defaults() -> SignOptions:
    return parse_options()


def node_options(options: object) -> dict[str, Any]:
    """Translate a mapping of Node's camelCase options into keyword options.

    :raises InvalidOptionError: ``options`` is not a mapping, or holds a name
        that node-jsonwebtoken does not know.
    """
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise InvalidOptionError(
            f"options must be a mapping, not {type(options).__name__}",
            option="options",
        )
    keywords: dict[str, Any] = {}
    for name, value in options.items():
        keyword = NODE_OPTION_NAMES.get(name) if isinstance(name, str) else None
        if keyword is None:
            raise InvalidOptionError(
                f"{shown(name)} is not a known option",
                option=name if isinstance(name, str) else type(name).__name__,
            )
        keywords[keyword] = value
    return keywords


def parse_options(
    *,
    algorithm: object = None,
    expires_in: object = None,
    not_before: object = None,
    audience: object = None,
    issuer: object = None,
    subject: object = None,
    jwtid: object = None,
    keyid: object = None,
    header: object = None,
    no_timestamp: object = None,
    mutate_payload: object = None,
    encoding: object = None,
    allow_insecure_key_sizes: object = None,
    allow_invalid_asymmetric_key_types: object = None,
) -> SignOptions:
    """Check every option's type and value and return them as one object.

    :raises InvalidOptionError: naming the first option at fault.
    """
    header_map = _check_header(header)
    return SignOptions(
        algorithm=_effective_algorithm(algorithm, header_map),
        algorithm_given=algorithm is not None,
        expires_in=_optional_timespan(expires_in, "expires_in"),
        not_before=_optional_timespan(not_before, "not_before"),
        audience=_check_audience(audience),
        issuer=_optional_string(issuer, "issuer"),
        subject=_optional_string(subject, "subject"),
        jwtid=_optional_string(jwtid, "jwtid"),
        keyid=_optional_string(keyid, "keyid"),
        header=header_map,
        no_timestamp=_optional_flag(no_timestamp, "no_timestamp"),
        mutate_payload=_flag(mutate_payload, "mutate_payload"),
        codec=codec_for(_optional_string(encoding, "encoding") or "utf8"),
        allow_insecure_key_sizes=_flag(
            allow_insecure_key_sizes, "allow_insecure_key_sizes"
        ),
        allow_invalid_asymmetric_key_types=_flag(
            allow_invalid_asymmetric_key_types, "allow_invalid_asymmetric_key_types"
        ),
    )


def _optional_timespan(value: object, option: str) -> Timespan | None:
    return None if value is None else check_timespan(value, option)


def _optional_string(value: object, option: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidOptionError(
            f'"{option}" must be a string, not {type(value).__name__}', option=option
        )
    return value


def _optional_flag(value: object, option: str) -> bool | None:
    return None if value is None else _flag(value, option)


def _flag(value: object, option: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidOptionError(
            f'"{option}" must be a boolean, not {type(value).__name__}', option=option
        )
    return value


def _check_audience(value: object) -> str | tuple[str, ...] | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InvalidOptionError(
        '"audience" must be a string or a list of strings', option="audience"
    )


def _check_header(value: object) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidOptionError(
            f'"header" must be a mapping, not {type(value).__name__}', option="header"
        )
    for name in value:
        if not isinstance(name, str):
            raise InvalidHeaderError('"header" names must be strings', option="header")
    return value


def _effective_algorithm(
    algorithm: object, header: Mapping[str, Any] | None
) -> Algorithm:
    if algorithm is not None:
        chosen = algorithm_named(algorithm, option="algorithm")
    else:
        chosen = algorithm_named(_DEFAULT_ALGORITHM, option="algorithm")
    if header is None or "alg" not in header:
        return chosen
    # The header wins, as in Node: the token is signed with the algorithm
    # that its header names.
    named = algorithm_named(header["alg"], option="header")
    if named.name == "none" and chosen.name != "none":
        raise InvalidHeaderError(
            f'"header" names alg "none" while the algorithm is {chosen.name}; '
            'pass algorithm="none" to make an unsigned token',
            option="header",
        )
    return named
