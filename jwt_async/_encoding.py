"""Byte-level encodings: unpadded base64url, JavaScript-compatible JSON, text.

The JSON writer produces exactly what JavaScript's ``JSON.stringify`` writes for
the same value, so that tokens of deterministic algorithms are byte-identical to
node-jsonwebtoken's, with two deliberate differences: integers are written
exactly (JavaScript rounds above 2**53) and NaN or an infinity is an error
(JavaScript writes ``null``).
"""

from __future__ import annotations

import binascii
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from .exceptions import InvalidOptionError, InvalidPayloadError

# JSON.stringify escapes exactly what Python's encoder escapes when
# ensure_ascii is off: quote, backslash and the C0 controls.
_quote_string: Callable[[str], str] = (
    getattr(json.encoder, "c_encode_basestring", None)
    or json.encoder.py_encode_basestring
)

_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Node's Buffer encodings, by the names Node accepts, mapped to Python codecs.
# "hex" and "base64" are left out on purpose: Node decodes the text with them.
_TEXT_ENCODINGS = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf16le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "ucs2": "utf-16-le",
    "ucs-2": "utf-16-le",
    "latin1": "latin-1",
    "binary": "latin-1",
    "ascii": "ascii",
}


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def shown(value: object) -> str:
    """Describe a caller's value for an error message, briefly and safely.

    Strings are quoted and cut to 40 characters; anything else is named by its
    type, since its ``repr`` can be huge, can fail (an int past the digit
    limit) or can hold what it should not show.
    """
    if isinstance(value, str):
        return repr(value[:40]) + ("..." if len(value) > 40 else "")
    return f"a value of type {type(value).__name__}"


def b64url(data: bytes) -> str:
    """Return ``data`` as unpadded base64url text (RFC 7515 §2)."""
    encoded = binascii.b2a_base64(data, newline=False)
    return encoded.translate(_URL_SAFE).rstrip(b"=").decode("ascii")


def codec_for(encoding: str) -> str:
    """Return the Python codec for one of Node's encoding names."""
    codec = _TEXT_ENCODINGS.get(encoding.lower())
    if codec is None:
        known = ", ".join(sorted(_TEXT_ENCODINGS))
        raise InvalidOptionError(
            f'"encoding" must be one of {known}, not {shown(encoding)}',
            option="encoding",
        )
    return codec


def join_surrogate_pairs(text: str) -> str:
    """Join UTF-16 surrogate pairs stored as two code points into one character.

    A Python string can hold the two halves of a pair separately; JavaScript
    reads such a pair as the character it encodes, and so do we.
    """
    return _SURROGATE_PAIR.sub(_join_pair, text)


def _join_pair(match: re.Match[str]) -> str:
    pair = match.group()
    return chr(0x10000 + ((ord(pair[0]) - 0xD800) << 10) + (ord(pair[1]) - 0xDC00))


def encode_text(text: str, codec: str, what: str) -> bytes:
    """Encode ``text`` with ``codec``; a character it cannot hold is an error."""
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        pass
    try:
        return join_surrogate_pairs(text).encode(codec)
    except UnicodeEncodeError as exc:
        index = exc.start
    # Raised outside the handler: the UnicodeEncodeError holds the whole text
    # (a secret, for a key), and must not stay reachable as __context__.
    raise InvalidPayloadError(
        f"{what} has a character that the {codec} encoding cannot hold at index {index}"
    )


def json_bytes(value: Any, what: str, codec: str = "utf-8") -> bytes:
    """Return ``value`` as compact JSON, as JavaScript would write it, encoded.

    :param what: names the value in error messages (``payload``, ``header``).
    :param codec: the Python codec of the text.
    :raises InvalidPayloadError: the value holds something JSON cannot carry,
        or a character ``codec`` cannot hold.
    """
    text = json_text(value, what)
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        pass
    # JSON.stringify escapes lone surrogates since ES2019, in lower-case hex;
    # a pair stored as two code points is the character it encodes.
    escaped = _LONE_SURROGATE.sub(_escape_surrogate, join_surrogate_pairs(text))
    return encode_text(escaped, codec, what)


def json_text(value: Any, what: str) -> str:
    """Return ``value`` as compact JSON text, as JavaScript would write it.

    Lone surrogates are left in the text; :func:`json_bytes` escapes them.

    :raises InvalidPayloadError: the value holds something JSON cannot carry.
    """
    problem = None
    try:
        if _fast_encoder is not None and type(value) is dict and _is_flat(value):
            return "".join(_fast_encoder(value, 0))
        parts: list[str] = []
        _write(value, parts, what)
        return "".join(parts)
    except RecursionError:
        problem = "is nested too deeply or refers to itself"
    except InvalidPayloadError:
        raise
    except ValueError:
        # Python refuses to write integers of more than 4300 digits
        # (sys.get_int_max_str_digits): a guard against quadratic conversion.
        problem = "holds an integer too large to write"
    raise InvalidPayloadError(f"{what} {problem}")


# For the common claim set (string keys; strings, integers, booleans, null and
# lists of those as values) the C encoder writes exactly what JSON.stringify
# writes. Floats take the slow path: Python and JavaScript lay them out
# differently.
_FLAT_TYPES = frozenset({str, int, bool, type(None)})


def _make_fast_encoder() -> Callable[[Any, int], list[str]] | None:
    # The C encoder's constructor is private: check that it exists, takes the
    # arguments it takes today and writes what is expected, or do without.
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        encoder: Callable[[Any, int], list[str]] = make(
            None, None, _quote_string, None, ":", ",", False, False, False
        )
        works = "".join(encoder({"a": [1, True, None, "é"]}, 0)) == (
            '{"a":[1,true,null,"é"]}'
        )
    except Exception:
        return None
    return encoder if works else None


_fast_encoder = _make_fast_encoder()


def _is_flat(value: dict[Any, Any]) -> bool:
    for key, item in value.items():
        if type(key) is not str:
            return False
        kind = type(item)
        if kind in _FLAT_TYPES:
            continue
        if kind is not list or any(type(v) not in _FLAT_TYPES for v in item):
            return False
    return True


def _escape_surrogate(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _write(value: Any, parts: list[str], where: str) -> None:
    if isinstance(value, str):
        parts.append(_quote_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(js_number(value, where))
    elif isinstance(value, Mapping):
        _write_object(value, parts, where)
    elif isinstance(value, list | tuple):
        _write_array(value, parts, where)
    else:
        raise InvalidPayloadError(
            f"{where} holds a {type(value).__name__}, which JSON cannot represent"
        )


def _write_object(value: Mapping[Any, Any], parts: list[str], where: str) -> None:
    parts.append("{")
    first = True
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidPayloadError(
                f"{where} has a {type(key).__name__} key; JSON keys must be strings"
            )
        if not first:
            parts.append(",")
        first = False
        parts.append(_quote_string(key))
        parts.append(":")
        _write(item, parts, f"{where}.{key}")
    parts.append("}")


def _write_array(
    value: list[Any] | tuple[Any, ...], parts: list[str], where: str
) -> None:
    parts.append("[")
    for index, item in enumerate(value):
        if index:
            parts.append(",")
        _write(item, parts, f"{where}[{index}]")
    parts.append("]")


def js_number(value: float, where: str) -> str:
    """Write a float the way JavaScript's ``Number.prototype.toString`` does.

    Both languages print the shortest digits that read back to the same
    double; only the layout differs (ECMA-262 §6.1.6.1.20).
    """
    if not math.isfinite(value):
        raise InvalidPayloadError(
            f"{where} is {value!r}, which JSON cannot represent", claim=None
        )
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # The decimal point sits after `point` digits of `digits`.
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    return sign + _layout(digits, point)


def _layout(digits: str, point: int) -> str:
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return f"{digits[:point]}.{digits[point:]}"
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    sign = "+" if exponent >= 0 else "-"
    head = digits[0] if count == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{head}e{sign}{abs(exponent)}"
