"""The claims, header, options and encodings that sign_sync produces."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import jwt
import pytest

import jwt_async
from jwt_async import (
    InvalidHeaderError,
    InvalidOptionError,
    InvalidPayloadError,
    UnsupportedAlgorithmError,
)
from tests.helpers import FROZEN_NOW

SECRET = "a-test-secret-long-enough-for-hs512-" + "0123456789abcdef" * 2
pytestmark = pytest.mark.usefixtures("frozen_now")


def segment(token: str, index: int) -> bytes:
    """Decode one base64url segment of a compact token."""
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def header_of(token: str) -> dict[str, Any]:
    """Return a token's header, key order kept."""
    return dict(json.loads(segment(token, 0)))


def claims_of(token: str) -> Any:
    """Return a token's payload as JSON, key order kept."""
    return json.loads(segment(token, 1))


def sign(payload: Any, **options: Any) -> str:
    """Sign with the test secret."""
    return jwt_async.sign_sync(payload, SECRET, **options)


def test_default_is_hs256_with_iat_and_typ() -> None:
    """A claim set gets alg HS256, typ JWT and iat = now, verifiable by PyJWT."""
    token = sign({"foo": "bar"})
    assert header_of(token) == {"alg": "HS256", "typ": "JWT"}
    assert jwt.decode(token, SECRET, algorithms=["HS256"]) == {
        "foo": "bar",
        "iat": FROZEN_NOW,
    }


def test_known_answer_token() -> None:
    """The exact token for a fixed claim set, secret and time."""
    token = jwt_async.sign_sync({"foo": "bar"}, "shhhhh")
    assert token == (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJmb28iOiJiYXIiLCJpYXQiOjE3MDAwMDAwMDB9."
        "BUyVV1W17D2RjwutlvQYZHP2j43levQvE783vlwxjXk"
    )


def test_claims_are_appended_in_node_order() -> None:
    """iat, nbf, exp, aud, iss, sub, jti follow the payload's own claims."""
    token = sign(
        {"z": 1, "a": 2},
        jwtid="id-1",
        subject="user",
        issuer="me",
        audience=["x", "y"],
        expires_in=60,
        not_before=-5,
    )
    assert list(claims_of(token).items()) == [
        ("z", 1),
        ("a", 2),
        ("iat", FROZEN_NOW),
        ("nbf", FROZEN_NOW - 5),
        ("exp", FROZEN_NOW + 60),
        ("aud", ["x", "y"]),
        ("iss", "me"),
        ("sub", "user"),
        ("jti", "id-1"),
    ]


def test_payload_iat_is_kept_and_is_the_base_for_exp() -> None:
    """A backdated iat stays where it is and exp counts from it."""
    token = sign({"iat": FROZEN_NOW - 30, "x": 1}, expires_in="1h")
    assert list(claims_of(token).items()) == [
        ("iat", FROZEN_NOW - 30),
        ("x", 1),
        ("exp", FROZEN_NOW - 30 + 3600),
    ]


def test_payload_iat_zero_is_honoured() -> None:
    """iat 0 is a time, not a missing value."""
    assert claims_of(sign({"iat": 0}, expires_in=10)) == {"iat": 0, "exp": 10}


def test_no_timestamp_drops_iat_but_keeps_it_as_base() -> None:
    """no_timestamp removes a payload iat, which still anchors exp."""
    token = sign({"iat": 1000, "a": 1}, no_timestamp=True, expires_in=60)
    assert claims_of(token) == {"a": 1, "exp": 1060}
    assert claims_of(sign({"a": 1}, no_timestamp=True)) == {"a": 1}


@pytest.mark.parametrize(
    ("span", "seconds"),
    [
        (60, 60),
        (0, 0),
        (-10, -10),
        (60.0, 60),
        ("60", 0),
        ("2 days", 172800),
        ("10h", 36000),
        ("7d", 604800),
        ("1.5h", 5400),
        ("-1h", -3600),
        (".5m", 30),
        ("1y", 31557600),
        ("2 Weeks", 1209600),
        ("3 MINS", 180),
        ("1500ms", 1),
        ("1   d", 86400),
        ("1 ", 0),
        (datetime.timedelta(minutes=5), 300),
        (datetime.timedelta(seconds=1.9), 1),
    ],
)
def test_expires_in_and_not_before_forms(span: Any, seconds: int) -> None:
    """Seconds, ms-style timespans and timedeltas, floored to whole seconds."""
    claims = claims_of(sign({}, expires_in=span, not_before=span))
    assert claims["exp"] == FROZEN_NOW + seconds
    assert claims["nbf"] == FROZEN_NOW + seconds


@pytest.mark.parametrize(
    "span",
    [
        "",
        "abc",
        "1d\n",
        "1d ",
        " 1d",
        "1e3",
        "1 fortnight",
        "\u0661",
        "1\uff44",
        "1" * 101,
        True,
        1.5,
        float("nan"),
        [1],
        {"s": 1},
        b"1h",
    ],
)
def test_bad_timespans_name_the_option(span: Any) -> None:
    """Anything but seconds, a timespan or a timedelta is refused by name."""
    with pytest.raises(InvalidOptionError, match='"expires_in"') as info:
        sign({}, expires_in=span)
    assert info.value.option == "expires_in"
    with pytest.raises(InvalidOptionError, match='"not_before"'):
        sign({}, not_before=span)


def test_hundred_digit_timespan_is_accepted() -> None:
    """The ms grammar allows up to 100 characters; the result is a double."""
    claims = claims_of(sign({}, expires_in="1" * 100))
    assert claims["exp"] == pytest.approx(1.111e96, rel=1e-3)


@pytest.mark.parametrize(
    ("option", "claim"),
    [
        ("expires_in", "exp"),
        ("not_before", "nbf"),
        ("audience", "aud"),
        ("issuer", "iss"),
        ("subject", "sub"),
        ("jwtid", "jti"),
    ],
)
def test_option_and_claim_together_are_refused(option: str, claim: str) -> None:
    """A claim may come from the payload or the options, not both."""
    value = 60 if claim in ("exp", "nbf") else "x"
    with pytest.raises(InvalidOptionError, match=f'"{claim}"') as info:
        sign({claim: value}, **{option: value})
    assert info.value.option == option


@pytest.mark.parametrize("claim", ["iat", "exp", "nbf"])
@pytest.mark.parametrize("value", ["1", None, True, [1]])
def test_time_claims_must_be_numbers(claim: str, value: Any) -> None:
    """iat, exp and nbf in the payload must be numbers (bool is not)."""
    with pytest.raises(InvalidPayloadError, match=f'"{claim}"') as info:
        sign({claim: value})
    assert info.value.claim == claim


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("audience", 5),
        ("audience", [1]),
        ("issuer", 5),
        ("subject", b"x"),
        ("jwtid", 1.0),
        ("keyid", 7),
        ("no_timestamp", 1),
        ("mutate_payload", "yes"),
        ("allow_insecure_key_sizes", 0),
        ("allow_invalid_asymmetric_key_types", "true"),
        ("header", "x"),
        ("header", [("alg", "HS256")]),
        ("encoding", 8),
        ("encoding", "hex"),
        ("encoding", "base64"),
        ("encoding", "klingon"),
    ],
)
def test_ill_typed_options_name_the_option(option: str, value: Any) -> None:
    """Each option of the wrong type or value is an InvalidOptionError naming it."""
    with pytest.raises(InvalidOptionError, match=f'"{option}"') as info:
        sign({}, **{option: value})
    assert info.value.option == option


@pytest.mark.parametrize(
    "name", ["HS1", "hs256", "RS", "ES256k", "eddsa", "", 256, None]
)
def test_unknown_algorithms(name: Any) -> None:
    """Algorithm names are exact and case-sensitive."""
    if name is None:
        assert header_of(sign({}, algorithm=name))["alg"] == "HS256"
        return
    with pytest.raises(UnsupportedAlgorithmError) as info:
        sign({}, algorithm=name)
    assert info.value.option == "algorithm"
    with pytest.raises(UnsupportedAlgorithmError) as info:
        sign({}, header={"alg": name})
    assert info.value.option == "header"


def test_none_options_are_not_given() -> None:
    """An option passed as None is the same as leaving it out."""
    options = dict.fromkeys(
        [
            "algorithm",
            "expires_in",
            "not_before",
            "audience",
            "issuer",
            "subject",
            "jwtid",
            "keyid",
            "header",
            "no_timestamp",
            "mutate_payload",
            "encoding",
            "allow_insecure_key_sizes",
            "allow_invalid_asymmetric_key_types",
        ]
    )
    assert sign({"a": 1}, **options) == sign({"a": 1})


def test_header_order_alg_typ_kid_then_extra() -> None:
    """alg, typ and kid come first; the header option is merged over them."""
    token = sign({}, keyid="k1", header={"x5t": "t", "typ": "at+jwt", "kid": "k2"})
    assert list(header_of(token).items()) == [
        ("alg", "HS256"),
        ("typ", "at+jwt"),
        ("kid", "k2"),
        ("x5t", "t"),
    ]


def test_header_typ_for_non_claim_payload_keeps_second_place() -> None:
    """A typ given through header still follows alg for a string payload."""
    token = sign("text", keyid="k", header={"cty": "text/plain", "typ": "x"})
    assert list(header_of(token)) == ["alg", "typ", "kid", "cty"]


def test_header_alg_is_the_signing_algorithm() -> None:
    """The token is signed with the algorithm its header names."""
    token = sign({"a": 1}, algorithm="HS256", header={"alg": "HS512"})
    assert header_of(token)["alg"] == "HS512"
    assert jwt.decode(token, SECRET, algorithms=["HS512"])["a"] == 1


def test_header_alg_none_downgrade_is_refused() -> None:
    """header alg "none" cannot silently drop the signature of a keyed call."""
    with pytest.raises(InvalidHeaderError, match='alg "none"'):
        sign({}, header={"alg": "none"})


def test_header_values_must_be_json() -> None:
    """A header value JSON cannot hold is an InvalidHeaderError."""
    with pytest.raises(InvalidHeaderError):
        sign({}, header={"x": {1, 2}})
    with pytest.raises(InvalidHeaderError):
        sign({}, header={1: "x"})


def test_header_text_is_utf8() -> None:
    """Non-Latin-1 header text survives as UTF-8."""
    token = sign({}, header={"x": "日本 😀"})
    assert header_of(token)["x"] == "日本 😀"


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        ("hello", b"hello"),
        ("", b""),
        ("日本", "日本".encode()),
        (b"\xff\xfe raw", b"\xff\xfe raw"),
        (bytearray(b"ba"), b"ba"),
        (5, b"5"),
        (1.5, b"1.5"),
        (1e21, b"1e+21"),
        (-0.0, b"0"),
        (True, b"true"),
        (False, b"false"),
        (2**64, b"18446744073709551616"),
    ],
)
def test_non_claim_payloads_are_signed_as_given(payload: Any, text: bytes) -> None:
    """Strings, bytes and numbers are the payload segment, with no typ header."""
    token = sign(payload)
    assert segment(token, 1) == text
    assert header_of(token) == {"alg": "HS256"}


@pytest.mark.parametrize("payload", [[1], (1,), None, {1, 2}, object()])
def test_unusable_payloads(payload: Any) -> None:
    """Lists, None and other objects are refused as payloads."""
    with pytest.raises(InvalidPayloadError):
        sign(payload)


@pytest.mark.parametrize(
    "option",
    ["expires_in", "not_before", "audience", "issuer", "subject", "jwtid"],
)
@pytest.mark.parametrize("payload", ["text", b"bytes", 5])
def test_claim_options_need_a_claim_set(payload: Any, option: str) -> None:
    """Claim options with a string, bytes or number payload name the option."""
    value = 60 if option in ("expires_in", "not_before") else "x"
    with pytest.raises(InvalidOptionError, match=option) as info:
        sign(payload, **{option: value})
    assert info.value.option == option


@pytest.mark.parametrize("iat", [float("nan"), float("inf"), 10**400])
@pytest.mark.parametrize("span", ["1h", datetime.timedelta(hours=1)])
def test_iat_out_of_range_for_a_timespan_is_refused(iat: Any, span: Any) -> None:
    """exp cannot be computed from a NaN, infinite or huge iat: a claim error."""
    with pytest.raises(InvalidPayloadError, match='"exp"') as info:
        sign({"iat": iat}, expires_in=span)
    assert info.value.claim == "exp"


def test_integers_past_the_digit_limit_are_refused() -> None:
    """Python will not write an int of more than 4300 digits: a payload error."""
    with pytest.raises(InvalidPayloadError, match="too large"):
        sign({"n": 10**5000})
    with pytest.raises(InvalidPayloadError, match="too large"):
        sign(10**5000)
    with pytest.raises(UnsupportedAlgorithmError):
        sign({}, algorithm=10**5000)


def test_no_timestamp_false_with_string_payload_is_refused_like_node() -> None:
    """Node refuses noTimestamp of any value with a non-object payload."""
    with pytest.raises(InvalidOptionError, match="no_timestamp"):
        sign("text", no_timestamp=False)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (1e16, "10000000000000000"),
        (-0.0, "0"),
        (2.0**60, "1152921504606847000"),
        (123.456, "123.456"),
        (5e-324, "5e-324"),
        (2**53 + 1, "9007199254740993"),
        (-(10**30), "-1000000000000000000000000000000"),
    ],
)
def test_numbers_are_written_as_javascript_does(value: Any, text: str) -> None:
    """Floats use JavaScript's layout; integers are written exactly."""
    token = sign({"n": value}, no_timestamp=True)
    assert segment(token, 1) == f'{{"n":{text}}}'.encode()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused(value: float) -> None:
    """NaN and infinities have no JSON form."""
    with pytest.raises(InvalidPayloadError):
        sign({"n": value})


def test_json_text_escapes_like_javascript() -> None:
    """Controls escaped, non-ASCII kept, lone surrogates escaped, pairs joined."""
    payload = {"s": 'q"\\\n\x01é', "lone": "\ud800", "pair": "\ud83d\ude00"}
    token = sign(payload, no_timestamp=True)
    assert segment(token, 1) == (
        '{"s":"q\\"\\\\\\n\\u0001é","lone":"\\ud800","pair":"😀"}'.encode()
    )


def test_json_refuses_non_string_keys_and_foreign_objects() -> None:
    """Non-str keys, sets, datetimes and custom objects are InvalidPayloadError."""
    for payload in (
        {1: "x"},
        {"a": {(1, 2): "x"}},
        {"s": {1}},
        {"d": datetime.datetime(2020, 1, 1)},
        {"o": object()},
    ):
        with pytest.raises(InvalidPayloadError):
            sign(payload)


def test_self_referencing_payload_is_refused() -> None:
    """A payload that contains itself is an error, not a crash."""
    payload: dict[str, Any] = {}
    payload["me"] = payload
    with pytest.raises(InvalidPayloadError, match="nested too deeply"):
        sign(payload)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf8", "é".encode()),
        ("UTF-8", "é".encode()),
        ("utf16le", "é".encode("utf-16-le")),
        ("ucs2", "é".encode("utf-16-le")),
        ("latin1", "é".encode("latin-1")),
        ("binary", "é".encode("latin-1")),
    ],
)
def test_encodings(encoding: str, expected: bytes) -> None:
    """The encoding option encodes the payload segment only."""
    token = sign("é", encoding=encoding)
    assert segment(token, 1) == expected


@pytest.mark.parametrize(("encoding", "text"), [("ascii", "é"), ("latin1", "日")])
def test_unencodable_text_is_an_error(encoding: str, text: str) -> None:
    """A character the encoding cannot hold is refused, never truncated."""
    with pytest.raises(InvalidPayloadError, match="cannot hold"):
        sign({"t": text}, encoding=encoding)


def test_caller_dict_is_not_changed() -> None:
    """Without mutate_payload the caller's dict stays as it was."""
    payload = {"a": 1}
    sign(payload, expires_in=5, audience="x")
    assert payload == {"a": 1}


def test_mutate_payload_receives_the_added_claims() -> None:
    """With mutate_payload the caller's dict gets exactly the added claims."""
    payload: dict[str, Any] = {"a": 1, "iat": 5}
    token = sign(payload, mutate_payload=True, expires_in=5, issuer="me")
    assert payload == {"a": 1, "iat": 5, "exp": 10, "iss": "me"}
    assert claims_of(token) == payload


def test_failed_mutate_payload_call_changes_nothing() -> None:
    """A refused call leaves a mutate_payload dict untouched."""
    payload = {"a": 1, "aud": "x"}
    with pytest.raises(InvalidOptionError):
        sign(payload, mutate_payload=True, expires_in=5, audience="y")
    assert payload == {"a": 1, "aud": "x"}


def test_mutate_payload_needs_a_mutable_mapping() -> None:
    """A read-only mapping cannot receive claims."""
    from types import MappingProxyType

    with pytest.raises(InvalidOptionError, match="mutate_payload"):
        sign(MappingProxyType({"a": 1}), mutate_payload=True)
    assert claims_of(sign(MappingProxyType({"a": 1}))) == {"a": 1, "iat": FROZEN_NOW}


def test_none_algorithm_makes_an_unsigned_token() -> None:
    """alg none: empty signature, token ends with a dot, key optional."""
    token = jwt_async.sign_sync({"a": 1}, None, algorithm="none")
    assert token.endswith(".")
    assert header_of(token) == {"alg": "none", "typ": "JWT"}
    assert jwt_async.sign_sync({"a": 1}, "ignored", algorithm="none") == token


def test_unknown_keyword_is_pythons_type_error() -> None:
    """A keyword that does not exist is Python's own TypeError."""
    with pytest.raises(TypeError):
        jwt_async.sign_sync({}, SECRET, expiresIn=5)  # type: ignore[call-arg]
