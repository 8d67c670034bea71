"""The ``jwt-async sign`` command line: flags, key sources, exit codes, secrecy.

Most tests call :func:`jwt_async._cli.main` in-process; a few run
``python -m jwt_async`` and the console script for real. Tokens are checked
with PyJWT against the public key or the secret, never by jwt_async itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jwt
import jwt.warnings
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import jwt_async
from jwt_async._cli import main
from jwt_async.exceptions import InvalidOptionError
from tests.helpers import FROZEN_NOW, KEYS, key_text, private_key

SECRET = "cli-secret-" + "0123456789abcdef" * 4
SECRET_VAR = "JWT_ASYNC_TEST_SECRET"
PASSPHRASE = "correct horse"
PASSPHRASE_VAR = "JWT_ASYNC_TEST_PASSPHRASE"
RSA_KEY = str(KEYS / "rsa2048.pem")
N = FROZEN_NOW


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Put :data:`SECRET` in the environment variable :data:`SECRET_VAR`."""
    monkeypatch.setenv(SECRET_VAR, SECRET)
    return SECRET_VAR


@pytest.fixture
def passphrase_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Put the test keys' passphrase in :data:`PASSPHRASE_VAR`."""
    monkeypatch.setenv(PASSPHRASE_VAR, PASSPHRASE)
    return PASSPHRASE_VAR


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def token_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run a command that must succeed and return the one token it printed."""
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert out.endswith("\n") and out.count("\n") == 1
    return out[:-1]


def hs_verified(token: str, secret: str | bytes = SECRET) -> tuple[Any, Any]:
    """Verify an HMAC token with PyJWT; return its header and parsed payload."""
    alg = jwt.get_unverified_header(token)["alg"]
    parts = jwt.api_jws.decode_complete(token, secret, algorithms=[alg])
    return parts["header"], json.loads(parts["payload"])


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWS uses (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hs256_token(header: dict[str, Any], payload: bytes, secret: bytes) -> str:
    """Build an HS256 token independently of jwt_async."""
    head = json.dumps(header, separators=(",", ":")).encode()
    signing_input = f"{b64url(head)}.{b64url(payload)}"
    mac = hmac.digest(secret, signing_input.encode(), hashlib.sha256)
    return f"{signing_input}.{b64url(mac)}"


def library_message(payload: object, **options: Any) -> str:
    """Return the message jwt_async's own ``JWTError`` has for this call."""
    with pytest.raises(jwt_async.JWTError) as info:
        jwt_async.sign_sync(payload, SECRET, **options)  # type: ignore[arg-type]
    return info.value.message


# Signing: key sources


def test_secret_env_signs_the_exact_hs256_token(
    capsys: pytest.CaptureFixture[str], secret_env: str, frozen_now: int
) -> None:
    """--secret-env signs HS256 by default, with iat appended to the claims."""
    token = token_of(capsys, "sign", '{"sub": "42"}', "--secret-env", secret_env)

    expected_payload = f'{{"sub":"42","iat":{N}}}'.encode()
    header = {"alg": "HS256", "typ": "JWT"}
    assert token == hs256_token(header, expected_payload, SECRET.encode())


def test_rs256_key_file_token_verifies_with_the_public_key(
    capsys: pytest.CaptureFixture[str], frozen_now: int
) -> None:
    """--key-file reads a PEM private key; PyJWT verifies with the public key."""
    token = token_of(
        capsys, "sign", '{"sub": "42"}', "-a", "RS256", "--key-file", RSA_KEY
    )

    public = key_text("rsa2048_public.pem")
    parts = jwt.api_jws.decode_complete(token, public, algorithms=["RS256"])
    assert parts["header"] == {"alg": "RS256", "typ": "JWT"}
    assert json.loads(parts["payload"]) == {"sub": "42", "iat": N}


@pytest.mark.parametrize(
    ("name", "alg"),
    [
        ("rsa2048_encrypted.pem", "RS256"),
        ("rsa2048_encrypted_pkcs1.pem", "PS256"),
        ("ec_p256_encrypted.pem", "ES256"),
    ],
)
def test_encrypted_key_file_signs_with_passphrase_env(
    capsys: pytest.CaptureFixture[str],
    passphrase_env: str,
    frozen_now: int,
    name: str,
    alg: str,
) -> None:
    """--passphrase-env unlocks an encrypted PEM key file."""
    argv = ("sign", '{"sub": "42"}', "-a", alg, "--key-file", str(KEYS / name))
    token = token_of(capsys, *argv, "--passphrase-env", passphrase_env)

    public = private_key(name).public_key()
    claims = jwt.decode(token, public, algorithms=[alg], options={"verify_iat": False})
    assert claims == {"sub": "42", "iat": N}


def test_pem_key_in_secret_env_signs_rs256(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--secret-env may hold PEM text of a private key as well as a secret."""
    monkeypatch.setenv(SECRET_VAR, key_text("rsa2048.pem"))

    token = token_of(
        capsys, "sign", '"text"', "-a", "RS256", "--secret-env", SECRET_VAR
    )

    public = key_text("rsa2048_public.pem")
    assert jwt.api_jws.decode(token, public, algorithms=["RS256"]) == b"text"


def test_secret_key_file_is_used_byte_for_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An HMAC secret file's bytes are the secret, trailing newline included."""
    secret = os.urandom(40) + b"\n"
    path = tmp_path / "secret"
    path.write_bytes(secret)

    token = token_of(capsys, "sign", '{"n": 1}', "--key-file", str(path))

    assert hs_verified(token, secret)[1]["n"] == 1
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.api_jws.decode(token, secret.rstrip(b"\n"), algorithms=["HS256"])


# Signing: payloads


@pytest.mark.parametrize("argv", [("sign",), ("sign", "-")], ids=["absent", "dash"])
def test_payload_is_read_from_stdin(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    secret_env: str,
    frozen_now: int,
    argv: tuple[str, ...],
) -> None:
    """With PAYLOAD absent or '-', the JSON payload is read from stdin."""
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"sub": "stdin"}\n'))

    token = token_of(capsys, *argv, "--secret-env", secret_env)

    assert hs_verified(token) == (
        {"alg": "HS256", "typ": "JWT"},
        {"sub": "stdin", "iat": N},
    )


@pytest.mark.parametrize(
    ("payload", "signed"),
    [('"hello"', b"hello"), ("42", b"42"), ("-1.5", b"-1.5"), ("true", b"true")],
)
def test_non_object_json_is_signed_as_that_value(
    capsys: pytest.CaptureFixture[str], secret_env: str, payload: str, signed: bytes
) -> None:
    """A JSON string is signed as the string, a number or boolean as its text."""
    token = token_of(capsys, "sign", payload, "--secret-env", secret_env)

    assert token == hs256_token({"alg": "HS256"}, signed, SECRET.encode())


@pytest.mark.parametrize("payload", ["[1, 2]", "null"])
def test_payload_refused_by_jwt_async_exits_1(
    capsys: pytest.CaptureFixture[str], secret_env: str, payload: str
) -> None:
    """A JSON array or null reaches sign_sync and its refusal is exit 1."""
    expected = library_message(json.loads(payload))

    code, out, err = run(capsys, "sign", payload, "--secret-env", secret_env)

    assert (code, out, err) == (1, "", f"jwt-async: {expected}\n")


# Signing: every option flag


OPTION_CASES: list[tuple[list[str], dict[str, Any], dict[str, Any]]] = [
    (["-a", "HS384"], {"alg": "HS384"}, {"iat": N}),
    (["--algorithm", "HS512"], {"alg": "HS512"}, {"iat": N}),
    (["--expires-in", "60"], {}, {"iat": N, "exp": N + 60}),
    (["--expires-in", "2h"], {}, {"iat": N, "exp": N + 7200}),
    (["--expires-in", "1.5h"], {}, {"iat": N, "exp": N + 5400}),
    (["--not-before", "-60"], {}, {"iat": N, "nbf": N - 60}),
    (["--not-before=-60"], {}, {"iat": N, "nbf": N - 60}),
    (["--not-before", "90s"], {}, {"iat": N, "nbf": N + 90}),
    (["--audience", "api"], {}, {"iat": N, "aud": "api"}),
    (
        ["--audience", "api", "--audience", "admin"],
        {},
        {"iat": N, "aud": ["api", "admin"]},
    ),
    (["--issuer", "auth.test"], {}, {"iat": N, "iss": "auth.test"}),
    (["--subject", "user-7"], {}, {"iat": N, "sub": "user-7"}),
    (["--jwtid", "id-1"], {}, {"iat": N, "jti": "id-1"}),
    (["--no-timestamp"], {}, {}),
    (["--keyid", "k1"], {"kid": "k1"}, {"iat": N}),
    (["--header", '{"cty": "demo", "x": [1]}'], {"cty": "demo", "x": [1]}, {"iat": N}),
]


@pytest.mark.parametrize(
    ("flags", "header", "claims"),
    OPTION_CASES,
    ids=[" ".join(case[0]) for case in OPTION_CASES],
)
def test_option_flag_lands_in_the_token(
    capsys: pytest.CaptureFixture[str],
    secret_env: str,
    frozen_now: int,
    flags: list[str],
    header: dict[str, Any],
    claims: dict[str, Any],
) -> None:
    """Each option flag sets its claim or header field, in Node's claim order."""
    token = token_of(
        capsys, "sign", '{"name": "ada"}', "--secret-env", secret_env, *flags
    )

    got_header, got_claims = hs_verified(token)
    assert got_header == {"alg": "HS256", "typ": "JWT", **header}
    assert list(got_claims.items()) == [("name", "ada"), *claims.items()]


def test_encoding_flag_sets_the_payload_bytes(
    capsys: pytest.CaptureFixture[str], secret_env: str, frozen_now: int
) -> None:
    """--encoding latin1 writes the payload segment as Latin-1 bytes."""
    argv = ("sign", '{"name": "\\u00e9"}', "--secret-env", secret_env)
    token = token_of(capsys, *argv, "--encoding", "latin1")

    payload = jwt.api_jws.decode(token, SECRET, algorithms=["HS256"])
    assert payload == f'{{"name":"\xe9","iat":{N}}}'.encode("latin-1")


def test_allow_insecure_key_sizes_flag_lets_rsa1024_sign(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 1024-bit RSA key is refused (exit 1) unless the flag is given."""
    argv = ("sign", '"x"', "-a", "RS256", "--key-file", str(KEYS / "rsa1024.pem"))

    refused = run(capsys, *argv)
    token = token_of(capsys, *argv, "--allow-insecure-key-sizes")

    assert refused[0] == 1
    assert refused[2].startswith("jwt-async: RS256 needs an RSA key of at least 2048")
    public = private_key("rsa1024.pem").public_key()
    with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):
        assert jwt.api_jws.decode(token, public, algorithms=["RS256"]) == b"x"


def test_allow_invalid_asymmetric_key_types_flag_lets_p256_sign_es384(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """ES384 with a P-256 key is refused (exit 1) unless the flag is given."""
    argv = ("sign", '"x"', "-a", "ES384", "--key-file", str(KEYS / "ec_p256.pem"))

    refused = run(capsys, *argv)
    token = token_of(capsys, *argv, "--allow-invalid-asymmetric-key-types")

    assert refused[0] == 1
    assert "ES384 needs an EC key on curve secp384r1" in refused[2]
    # PyJWT sizes r and s by the key's curve, so verify the 48-byte halves here.
    signing_input, _, signature = token.rpartition(".")
    raw = base64.urlsafe_b64decode(signature + "==")
    assert len(raw) == 96
    der = encode_dss_signature(
        int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big")
    )
    public = private_key("ec_p256.pem").public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA384()))


def test_unicode_digits_are_a_timespan_string_not_seconds(
    capsys: pytest.CaptureFixture[str], secret_env: str
) -> None:
    """Only ASCII digits make seconds; other digits go on as a (bad) timespan."""
    expected = library_message({}, expires_in="\u0666\u0660")

    code, out, err = run(
        capsys, "sign", "{}", "--secret-env", secret_env, "--expires-in", "\u0666\u0660"
    )

    assert (code, out, err) == (1, "", f"jwt-async: {expected}\n")


# Exit code 1: jwt_async refuses


def test_unsupported_algorithm_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], secret_env: str
) -> None:
    """A JWTError is exit 1 and one line 'jwt-async: <message>' on stderr."""
    code, out, err = run(capsys, "sign", "{}", "--secret-env", secret_env, "-a", "HS1")

    assert (code, out) == (1, "")
    assert err == (
        "jwt-async: \"algorithm\" names an unsupported algorithm 'HS1'; expected "
        "one of none, HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, "
        "PS512, ES256, ES384, ES512, ES256K, EdDSA\n"
    )


def test_message_with_a_newline_stays_on_one_line(
    capsys: pytest.CaptureFixture[str], secret_env: str
) -> None:
    """A newline inside a JWTError message is escaped, keeping stderr one line."""
    # JSON reads 1e400 as infinity, which jwt_async refuses, naming the key.
    payload = '{"a\\nb": 1e400}'
    expected = library_message(json.loads(payload))
    assert "\n" in expected

    code, out, err = run(capsys, "sign", payload, "--secret-env", secret_env)

    assert (code, out) == (1, "")
    assert err == "jwt-async: " + expected.replace("\n", "\\n") + "\n"


def test_claim_option_with_string_payload_exits_1(
    capsys: pytest.CaptureFixture[str], secret_env: str
) -> None:
    """Claim flags with a non-object payload give jwt_async's option error."""
    with pytest.raises(InvalidOptionError) as info:
        jwt_async.sign_sync("x", SECRET, issuer="me")

    code, out, err = run(
        capsys, "sign", '"x"', "--secret-env", secret_env, "--issuer", "me"
    )

    assert (code, out, err) == (1, "", f"jwt-async: {info.value.message}\n")


# Exit code 2: usage errors


USAGE_CASES: list[tuple[str, list[str], str]] = [
    ("no-command", [], "jwt-async: error: the following arguments are required"),
    ("unknown-flag", ["sign", "{}", "--secret-env", SECRET_VAR, "--bogus"], "--bogus"),
    (
        "no-key-source",
        ["sign", "{}"],
        "one of the arguments --key-file --jwk-file --secret-env",
    ),
    (
        "both-key-sources",
        ["sign", "{}", "--key-file", RSA_KEY, "--secret-env", SECRET_VAR],
        "not allowed with argument",
    ),
    (
        "missing-key-file",
        ["sign", "{}", "--key-file", "/nonexistent/jwt-key.pem"],
        "cannot read the key file '/nonexistent/jwt-key.pem': No such file",
    ),
    (
        "key-file-is-a-directory",
        ["sign", "{}", "--key-file", str(KEYS)],
        "cannot read the key file",
    ),
    (
        "unset-secret-env",
        ["sign", "{}", "--secret-env", "JWT_ASYNC_TEST_UNSET"],
        "--secret-env: the environment variable 'JWT_ASYNC_TEST_UNSET' is not set",
    ),
    (
        "unset-passphrase-env",
        ["sign", "{}", "--key-file", RSA_KEY, "--passphrase-env", "JWT_ASYNC_NOPE"],
        "--passphrase-env: the environment variable 'JWT_ASYNC_NOPE' is not set",
    ),
    (
        "invalid-json-payload",
        ["sign", '{"sub": }', "--secret-env", SECRET_VAR],
        "the payload is not valid JSON: Expecting value",
    ),
    (
        "nan-payload",
        ["sign", "NaN", "--secret-env", SECRET_VAR],
        "the payload is not valid JSON: NaN is not a JSON value",
    ),
    (
        "header-not-json",
        ["sign", "{}", "--secret-env", SECRET_VAR, "--header", "{kid: 1}"],
        "argument --header: not valid JSON",
    ),
    (
        "header-not-an-object",
        ["sign", "{}", "--secret-env", SECRET_VAR, "--header", '["kid"]'],
        "argument --header: must be a JSON object",
    ),
    (
        "header-too-deep",
        ["sign", "{}", "--secret-env", SECRET_VAR, "--header", "[" * 100_000],
        "argument --header: not valid JSON: it nests too deeply",
    ),
    (
        "flag-without-value",
        ["sign", "{}", "--secret-env", SECRET_VAR, "--issuer"],
        "argument --issuer: expected one argument",
    ),
]


@pytest.mark.parametrize(
    ("argv", "message"),
    [case[1:] for case in USAGE_CASES],
    ids=[case[0] for case in USAGE_CASES],
)
def test_usage_error_exits_2_with_usage_on_stderr(
    capsys: pytest.CaptureFixture[str], secret_env: str, argv: list[str], message: str
) -> None:
    """A usage error prints usage and the error to stderr and exits 2."""
    code, out, err = run(capsys, *argv)

    assert (code, out) == (2, "")
    assert err.startswith("usage: jwt-async")
    assert message in err.splitlines()[-1]


@pytest.mark.parametrize("stdin", ["", "{", "[1,]\n", "\n".join(["{"] * 5)], ids=repr)
def test_invalid_json_on_stdin_exits_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    secret_env: str,
    stdin: str,
) -> None:
    """An empty or broken payload on stdin is a usage error."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))

    code, out, err = run(capsys, "sign", "--secret-env", secret_env)

    assert (code, out) == (2, "")
    assert "error: the payload is not valid JSON" in err.splitlines()[-1]


def test_deeply_nested_payload_exits_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    secret_env: str,
) -> None:
    """JSON nested past the parser's depth limit is a usage error, not a crash."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("[" * 100_000 + "]" * 100_000))

    code, out, err = run(capsys, "sign", "--secret-env", secret_env)

    assert (code, out) == (2, "")
    assert err.splitlines()[-1].endswith("not valid JSON: it nests too deeply")


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """--help describes the sign command and --version names the package version."""
    help_code, help_out, _ = run(capsys, "sign", "--help")
    version = run(capsys, "--version")

    assert help_code == 0
    assert "--passphrase-env NAME" in help_out
    assert version == (0, f"jwt-async {jwt_async.__version__}\n", "")


def test_main_without_argv_reads_sys_argv(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    secret_env: str,
    frozen_now: int,
) -> None:
    """main() with no argument parses sys.argv[1:]."""
    argv = ["jwt-async", "sign", '{"a": 1}', "--secret-env", secret_env]
    monkeypatch.setattr(sys, "argv", argv)

    assert main() == 0
    assert hs_verified(capsys.readouterr().out.strip())[1] == {"a": 1, "iat": N}


# Secrets stay secret


def _pem_body_lines(name: str) -> list[str]:
    return [line for line in key_text(name).splitlines() if "-----" not in line]


LEAK_CASES: list[tuple[str, list[str]]] = [
    ("secret-for-rs256", ["--secret-env", SECRET_VAR, "-a", "RS256"]),
    (
        "secret-as-pem-mapping",
        ["--secret-env", SECRET_VAR, "--passphrase-env", PASSPHRASE_VAR],
    ),
    ("secret-with-bad-header", ["--secret-env", SECRET_VAR, "--header", '{"alg": 1}']),
    ("pem-for-hs256", ["--key-file", RSA_KEY]),
    (
        "pem-with-wrong-passphrase",
        [
            "--key-file",
            str(KEYS / "rsa2048_encrypted.pem"),
            "-a",
            "RS256",
            "--passphrase-env",
            SECRET_VAR,
        ],
    ),
    (
        "pem-without-passphrase",
        ["--key-file", str(KEYS / "rsa2048_encrypted.pem"), "-a", "RS256"],
    ),
    (
        "passphrase-on-plain-pem",
        ["--key-file", RSA_KEY, "-a", "ES256", "--passphrase-env", PASSPHRASE_VAR],
    ),
    ("both-sources", ["--key-file", RSA_KEY, "--secret-env", SECRET_VAR]),
]


@pytest.mark.parametrize(
    "flags", [case[1] for case in LEAK_CASES], ids=[case[0] for case in LEAK_CASES]
)
def test_errors_never_show_secret_passphrase_or_key(
    capsys: pytest.CaptureFixture[str],
    secret_env: str,
    passphrase_env: str,
    flags: list[str],
) -> None:
    """No error output holds the secret, the passphrase or a line of a PEM key."""
    code, out, err = run(capsys, "sign", '{"sub": "42"}', *flags)

    assert code in (1, 2) and out == ""
    assert err.strip()
    for material in (SECRET, PASSPHRASE, *_pem_body_lines("rsa2048.pem")):
        assert material not in err
    for material in _pem_body_lines("rsa2048_encrypted.pem"):
        assert material not in err


# Real processes


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def test_python_m_jwt_async_signs_stdin_payload() -> None:
    """`python -m jwt_async sign` reads stdin and prints a token PyJWT verifies."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jwt_async",
            "sign",
            "--secret-env",
            SECRET_VAR,
            "--expires-in",
            "1h",
            "--audience",
            "api",
        ],
        input='{"sub": "42"}',
        capture_output=True,
        text=True,
        env=_env(**{SECRET_VAR: SECRET}),
        timeout=60,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    claims = jwt.decode(
        result.stdout.strip(), SECRET, algorithms=["HS256"], audience="api"
    )
    assert claims["sub"] == "42" and claims["exp"] - claims["iat"] == 3600


def test_python_m_jwt_async_refusal_is_one_line_without_traceback() -> None:
    """A refused signature in a real process: exit 1, one stderr line, no secret."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jwt_async",
            "sign",
            '{"sub": "42"}',
            "--secret-env",
            SECRET_VAR,
            "-a",
            "ES256",
        ],
        capture_output=True,
        text=True,
        env=_env(**{SECRET_VAR: SECRET}),
        timeout=60,
        check=False,
    )

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        'jwt-async: ES256 needs a private key (PEM text, a mapping with "key" '
        'and "passphrase", or a key object), not an HMAC secret\n'
    )


def test_console_script_signs_with_rsa_key_file() -> None:
    """The installed `jwt-async` console script signs RS256 from a key file."""
    script = Path(sys.executable).with_name("jwt-async")
    if not script.exists():
        pytest.skip("the jwt-async console script is not installed here")
    result = subprocess.run(
        [str(script), "sign", '{"sub": "42"}', "-a", "RS256", "--key-file", RSA_KEY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    public = key_text("rsa2048_public.pem")
    claims = jwt.decode(result.stdout.strip(), public, algorithms=["RS256"])
    assert claims["sub"] == "42"


def test_jwk_command_prints_the_public_jwk_with_its_thumbprint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """jwk prints kty, public members, kid = thumbprint, use and alg."""
    code, out, err = run(capsys, "jwk", "--key-file", RSA_KEY, "--alg", "RS256")
    assert (code, err) == (0, "")
    jwk = json.loads(out)
    assert jwk["kid"] == jwt_async.jwk_thumbprint(key_text("rsa2048.pem"))
    assert (jwk["use"], jwk["alg"], jwk["kty"]) == ("sig", "RS256", "RSA")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
    public = jwt.PyJWK(jwk).key
    assert public.public_numbers() == (
        private_key("rsa2048.pem").public_key().public_numbers()
    )


def test_jwk_command_refuses_a_secret(
    capsys: pytest.CaptureFixture[str], secret_env: str
) -> None:
    """An HMAC secret has no public JWK: exit 1, no secret on stderr."""
    code, out, err = run(capsys, "jwk", "--secret-env", secret_env)
    assert (code, out) == (1, "")
    assert "HMAC secret" in err
    assert SECRET not in err


def test_jwk_file_signs_with_a_private_jwk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--jwk-file reads a private JWK; the token verifies with its public half."""
    from tests.test_jwk_and_eddsa import RFC8037_JWK

    path = tmp_path / "key.jwk"
    path.write_text(json.dumps(RFC8037_JWK), encoding="utf-8")
    token = token_of(capsys, "sign", "{}", "--jwk-file", str(path), "-a", "EdDSA")
    public = jwt.PyJWK(jwt_async.public_jwk(RFC8037_JWK)).key
    assert "iat" in jwt.decode(token, public, algorithms=["EdDSA"])


@pytest.mark.parametrize("content", ["not json", "[1]", '{"kty": "oct", "k": '])
def test_bad_jwk_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str
) -> None:
    """A JWK file that is not a JSON object is exit 2, without quoting it."""
    path = tmp_path / "key.jwk"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "sign", "{}", "--jwk-file", str(path))
    assert (code, out) == (2, "")
    assert content not in err


@pytest.mark.parametrize("value", ["1.5", "60.0", "-.5", "9" * 101])
def test_bare_decimal_or_huge_timespan_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], secret_env: str, value: str
) -> None:
    """A bare decimal would be milliseconds (ms grammar): refused, as are huge ones."""
    code, out, err = run(
        capsys, "sign", "{}", "--secret-env", secret_env, f"--expires-in={value}"
    )
    assert (code, out) == (2, "")
    assert "--expires-in" in err
    assert "_timespan" not in err


def test_jwk_alg_must_fit_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    """jwk --alg refuses an algorithm the key cannot sign with."""
    ec_key = str(KEYS / "ec_p256.pem")
    code, out, err = run(capsys, "jwk", "--key-file", ec_key, "--alg", "RS256")
    assert (code, out) == (1, "")
    assert "RS256" in err
    code, out, err = run(capsys, "jwk", "--key-file", ec_key, "--alg", "banana")
    assert (code, out) == (1, "")


def test_passphrase_with_jwk_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, passphrase_env: str
) -> None:
    """--passphrase-env has no meaning with --jwk-file."""
    path = tmp_path / "key.jwk"
    path.write_text('{"kty": "oct", "k": "c2VjcmV0"}', encoding="utf-8")
    code, out, err = run(
        capsys,
        "sign",
        "{}",
        "--jwk-file",
        str(path),
        "--passphrase-env",
        passphrase_env,
    )
    assert (code, out) == (2, "")
    assert "--passphrase-env" in err


def test_closed_stdout_is_not_a_traceback(tmp_path: Path) -> None:
    """A reader that goes away (| head -c0) ends the command without a traceback."""
    process = subprocess.run(
        f"{sys.executable} -m jwt_async sign '{{}}' --key-file {RSA_KEY} -a RS256"
        " | head -c0",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in process.stderr


def test_full_disk_is_one_line_not_a_traceback(secret_env: str) -> None:
    """Writing the token to a full device fails with one line and exit 1."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        process = subprocess.run(
            [
                sys.executable,
                "-m",
                "jwt_async",
                "sign",
                "{}",
                "--secret-env",
                secret_env,
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert process.stderr.startswith("jwt-async: cannot write the output")


def test_timespan_with_spaces_around_digits_is_seconds(
    capsys: pytest.CaptureFixture[str], secret_env: str
) -> None:
    """'60 ' on the command line is 60 seconds, as '60' is."""
    token = token_of(
        capsys, "sign", "{}", "--secret-env", secret_env, "--expires-in", "60 "
    )
    _, claims = hs_verified(token)
    assert claims["exp"] - claims["iat"] == 60
