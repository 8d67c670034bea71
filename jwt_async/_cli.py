"""The ``jwt-async`` command line: sign a JSON payload and print the token, or
print the public JWK of a key.

Usage::

    jwt-async sign [PAYLOAD] (--key-file PATH | --jwk-file PATH | --secret-env NAME)
                   [options]
    jwt-async jwk (--key-file PATH | --jwk-file PATH | --secret-env NAME)
                  [--alg ALG]
    python -m jwt_async sign [PAYLOAD] ...

PAYLOAD is JSON, given as the argument or read from stdin when it is absent
or ``-``. A JSON object is signed as a claim set; any other JSON value is
passed to :func:`jwt_async.sign_sync` as it is (a string is signed as that
string). Examples::

    JWT_SECRET=... jwt-async sign '{"sub": "42"}' --secret-env JWT_SECRET
    echo '{"sub": "42"}' | jwt-async sign -a RS256 --key-file key.pem \\
        --expires-in 1h --audience api --audience admin

The key never comes from the command line, where other users of the machine
could read it: ``--key-file`` names a file whose bytes are the key (PEM text
of a private key, or an HMAC secret taken byte for byte, trailing newline
included), ``--jwk-file`` a file holding a private JSON Web Key,
``--secret-env`` names an environment variable holding the key, and
``--passphrase-env`` names one holding the passphrase of an encrypted PEM key.

``jwk`` prints the public JWK of the key as one line of JSON, with its RFC 7638
thumbprint as ``kid`` (the ``keyid`` to sign with) and ``use: "sig"``; ``--alg``
adds ``alg``. It is what a service publishes in its JWKS.

The token and a newline go to stdout. Exit status: 0 on success, 2 for a
usage error (bad flags, no key source or two, an unreadable key file, an
unset variable, a payload or header that is not the expected JSON), 1 with
one line ``jwt-async: <message>`` on stderr when jwt_async refuses to sign.
No message ever shows the key, the secret or the passphrase.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from ._public_jwk import jwk_thumbprint, public_jwk
from ._signer import Signer
from ._sync import sign_sync
from ._types import Key
from .exceptions import JWTError

_PROG = "jwt-async"
# ASCII only: str.isdigit() would also take digits of other scripts.
_WHOLE_SECONDS = re.compile(r"-?[0-9]+", re.ASCII)
_BARE_DECIMAL = re.compile(r"-?[0-9]*\.[0-9]+", re.ASCII)
_MAX_DIGITS = 100

# Flags that map one to one onto a keyword of sign_sync.
_STRING_OPTIONS = ("algorithm", "issuer", "subject", "jwtid", "keyid", "encoding")
_SWITCHES = (
    "no_timestamp",
    "allow_insecure_key_sizes",
    "allow_invalid_asymmetric_key_types",
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    :returns: the exit status: 0 signed, 1 refused by jwt_async, 2 usage error.
    """
    parser, commands = _parsers()
    try:
        args = parser.parse_args(argv)
        command = commands[args.command]
        key = _key(args, command)
        payload: Any = None
        if args.command == "sign":
            payload = _payload(args.payload, command)
    except SystemExit as exc:  # argparse ends --help and usage errors this way
        return exc.code if isinstance(exc.code, int) else 0
    try:
        if args.command == "jwk":
            output = json.dumps(_published_jwk(key, args.alg), ensure_ascii=False)
        else:
            output = sign_sync(payload, key, **_options(args))
    except JWTError as exc:
        # One line, whatever the message holds: it may quote a flag's value or
        # the name of a claim.
        message = exc.message.replace("\r", "\\r").replace("\n", "\\n")
        print(f"{_PROG}: {message}", file=sys.stderr)
        return 1
    try:
        print(output, flush=True)
    except BrokenPipeError:
        # The reader went away (as with `| head -c0`): nothing to report to.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a full disk, a closed terminal...
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"{_PROG}: cannot write the output: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _published_jwk(key: Key, alg: str | None) -> dict[str, str]:
    if alg is not None:
        Signer(key, algorithm=alg)  # the key must be able to sign with alg
    jwk = public_jwk(key)
    jwk["kid"] = jwk_thumbprint(jwk)
    jwk["use"] = "sig"
    if alg is not None:
        jwk["alg"] = alg
    return jwk


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog=_PROG, description="Sign JSON Web Tokens as node-jsonwebtoken does."
    )
    parser.add_argument("--version", action="version", version=f"{_PROG} {__version__}")
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    sign = commands.add_parser(
        "sign",
        help="sign a JSON payload and print the token",
        description="Sign a JSON payload and print the compact token. The key "
        "comes from a file or an environment variable, never from the command "
        "line.",
        epilog="Exit status: 0 signed, 1 refused by jwt_async, 2 usage error.",
    )
    sign.add_argument(
        "payload",
        nargs="?",
        default="-",
        metavar="PAYLOAD",
        help="JSON payload; read from stdin when absent or '-'",
    )
    _add_key_arguments(sign)
    _add_option_arguments(sign)
    jwk = commands.add_parser(
        "jwk",
        help="print the public JWK of a key, with its thumbprint as kid",
        description="Print the public JSON Web Key of a private key as one line "
        'of JSON, with its RFC 7638 thumbprint as "kid" and "use": "sig".',
        epilog="Exit status: 0 printed, 1 refused by jwt_async, 2 usage error.",
    )
    _add_key_arguments(jwk)
    jwk.add_argument("--alg", metavar="ALG", help='adds "alg" to the JWK')
    return parser, {"sign": sign, "jwk": jwk}


def _add_key_arguments(sign: argparse.ArgumentParser) -> None:
    source = sign.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--key-file",
        metavar="PATH",
        help="file holding a PEM private key or an HMAC secret (its exact bytes)",
    )
    source.add_argument(
        "--jwk-file",
        metavar="PATH",
        help="file holding a private JSON Web Key",
    )
    source.add_argument(
        "--secret-env",
        metavar="NAME",
        help="environment variable holding an HMAC secret or PEM private key",
    )
    sign.add_argument(
        "--passphrase-env",
        metavar="NAME",
        help="environment variable holding the passphrase of an encrypted PEM key",
    )


def _add_option_arguments(sign: argparse.ArgumentParser) -> None:
    timespan = "seconds if only digits (optionally '-'), else a timespan like 2h"
    sign.add_argument(
        "-a", "--algorithm", metavar="ALG", help="HS256 (default), RS256, ES256..."
    )
    for flag, claim in (("--expires-in", "exp"), ("--not-before", "nbf")):
        sign.add_argument(
            flag, type=_timespan, metavar="SPAN", help=f"sets {claim}: {timespan}"
        )
    sign.add_argument(
        "--audience", action="append", metavar="AUD", help="sets aud; repeat for a list"
    )
    for flag, claim in (("--issuer", "iss"), ("--subject", "sub"), ("--jwtid", "jti")):
        sign.add_argument(flag, metavar=claim.upper(), help=f"sets {claim}")
    sign.add_argument("--keyid", metavar="KID", help="sets the header's kid")
    sign.add_argument(
        "--header",
        type=_json_object,
        metavar="JSON",
        help="a JSON object merged over the header",
    )
    sign.add_argument(
        "--encoding",
        metavar="NAME",
        help="payload text encoding: utf8 (default), latin1, ascii...",
    )
    sign.add_argument("--no-timestamp", action="store_true", help="leave out iat")
    sign.add_argument(
        "--allow-insecure-key-sizes",
        action="store_true",
        help="accept RSA keys under 2048 bits",
    )
    sign.add_argument(
        "--allow-invalid-asymmetric-key-types",
        action="store_true",
        help="accept an EC key on another curve than the algorithm's",
    )


def _timespan(text: str) -> int | str:
    # "60" must be 60 seconds: as a string, jwt_async would read it as Node's
    # ms() does, that is as 60 milliseconds. A bare decimal ("1.5") would be
    # milliseconds too, which nobody means on a command line: refused.
    text = text.strip()  # "60 " is 60 seconds too, not 60 ms as in ms()
    if _WHOLE_SECONDS.fullmatch(text):
        if len(text) > _MAX_DIGITS:
            raise argparse.ArgumentTypeError("too many digits")
        return int(text)
    if _BARE_DECIMAL.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "give whole seconds, or a number with a unit such as 1.5h"
        )
    return text


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = _parse_json(text)
    except RecursionError:
        raise argparse.ArgumentTypeError(
            "not valid JSON: it nests too deeply"
        ) from None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return value


def _parse_json(text: str) -> Any:
    """Parse strict JSON: NaN and Infinity are JavaScript, not JSON."""
    return json.loads(text, parse_constant=_reject_constant)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _key(args: argparse.Namespace, sign: argparse.ArgumentParser) -> Key:
    if args.jwk_file is not None:
        if args.passphrase_env is not None:
            sign.error("--passphrase-env goes with an encrypted PEM, not --jwk-file")
        return _jwk_file(args.jwk_file, sign)
    if args.key_file is not None:
        try:
            with open(args.key_file, "rb") as file:
                key: str | bytes = file.read()
        except OSError as exc:
            sign.error(f"cannot read the key file {args.key_file!r}: {exc.strerror}")
    else:
        key = _environment(args.secret_env, "--secret-env", sign)
    if args.passphrase_env is None:
        return key
    passphrase = _environment(args.passphrase_env, "--passphrase-env", sign)
    return {"key": key, "passphrase": passphrase}


def _jwk_file(path: str, parser: argparse.ArgumentParser) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            value = _parse_json(file.read().decode("utf-8"))
    except OSError as exc:
        parser.error(f"cannot read the JWK file {path!r}: {exc.strerror}")
    except (ValueError, RecursionError):
        # Not the parser's message: it would quote the key material.
        parser.error(f"the JWK file {path!r} is not valid JSON")
    if not isinstance(value, dict):
        parser.error(f"the JWK file {path!r} does not hold a JSON object")
    return value


def _environment(name: str, flag: str, sign: argparse.ArgumentParser) -> str:
    value = os.environ.get(name)
    if value is None:
        sign.error(f"{flag}: the environment variable {name!r} is not set")
    return value


def _payload(text: str, sign: argparse.ArgumentParser) -> Any:
    if text == "-":
        try:
            text = sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            sign.error(f"cannot read the payload from stdin: {exc}")
    try:
        return _parse_json(text)
    except RecursionError:
        sign.error("the payload is not valid JSON: it nests too deeply")
    except ValueError as exc:
        sign.error(f"the payload is not valid JSON: {exc}")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {
        name: getattr(args, name)
        for name in (*_STRING_OPTIONS, "expires_in", "not_before", "header")
        if getattr(args, name) is not None
    }
    options.update({name: True for name in _SWITCHES if getattr(args, name)})
    audience = args.audience
    if audience is not None:
        options["audience"] = audience[0] if len(audience) == 1 else audience
    return options
