"""The scripts in examples/ run, exit 0 and print tokens that really verify.

Each script runs in its own process, as a reader would run it. The scripts
make their keys at run time and print the public half; the HMAC secret is
handed to them through ``JWT_SECRET`` so that PyJWT can check their tokens.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
SECRET = "example-secret-" + "fedcba9876543210" * 4
PUBLIC_PEM = re.compile(
    r"-----BEGIN PUBLIC KEY-----\n.+?\n-----END PUBLIC KEY-----\n", re.DOTALL
)


def run_example(name: str) -> str:
    """Run ``examples/<name>``; require exit 0 and a quiet stderr; return stdout."""
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        env={**os.environ, "JWT_SECRET": SECRET},
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def public_keys(output: str) -> list[str]:
    """Return the public keys, in PEM, that an example printed."""
    return PUBLIC_PEM.findall(output)


def titled_tokens(output: str) -> dict[str, str]:
    """Map each section title of sync_script's output to its token."""
    found = re.findall(r"^(.+):\n  token: (\S+)$", output, re.MULTILINE)
    return dict(found)


def hs256_claims(token: str) -> dict[str, Any]:
    """Verify an HS256 token with the shared secret; return its claims."""
    return jwt.decode(token, SECRET, algorithms=["HS256"])


def test_every_example_is_listed_in_the_readme() -> None:
    """examples/README.md names every example script and how to run it."""
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    scripts = sorted(path.name for path in EXAMPLES.glob("*.py"))

    assert scripts == ["async_handler.py", "node_callback.py", "sync_script.py"]
    for script in scripts:
        assert f"python examples/{script}" in readme


def test_async_handler_issues_verifiable_tokens_under_the_thread_limit() -> None:
    """async_handler grants 495 RS256 tokens using at most 2 threads at a time."""
    output = run_example("async_handler.py")

    lines = output.splitlines()
    assert lines[0] == "thread limit: 2 worker threads"
    assert re.fullmatch(
        r"500 logins in \d+ ms: 495 answered 200, 5 answered 401", lines[1]
    )
    beat = re.fullmatch(
        r"heartbeat: (\d+) ticks, longest gap [\d.]+ ms, peak worker threads (\d) of 2",
        lines[2],
    )
    assert beat is not None
    assert int(beat[1]) >= 1 and 1 <= int(beat[2]) <= 2
    token = lines[3].removeprefix("sample token: ")
    (public,) = public_keys(output)
    claims = jwt.decode(
        token,
        public,
        algorithms=["RS256"],
        audience="orders-api",
        issuer="https://auth.example.test",
    )
    assert jwt.get_unverified_header(token) == {
        "alg": "RS256",
        "typ": "JWT",
        "kid": "demo-rsa-1",
    }
    assert claims["sub"] == "user-001" and claims["scope"] == "orders:read"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert lines[4] == f"sample claims: {json.dumps(claims)}"


def test_sync_script_signs_the_node_seed_examples() -> None:
    """sync_script's five tokens verify and carry the claims their titles name."""
    started = int(time.time())
    output = run_example("sync_script.py")
    finished = int(time.time())

    tokens = titled_tokens(output)
    assert list(tokens) == [
        "HS256 by default",
        "RS256 with a PEM private key",
        "Expiry as an exp claim",
        'Expiry with expires_in="1h"',
        "Backdated by 30 seconds",
    ]
    default = hs256_claims(tokens["HS256 by default"])
    assert default.keys() == {"user", "iat"}
    assert started <= default["iat"] <= finished
    (public,) = public_keys(output)
    rsa_claims = jwt.decode(
        tokens["RS256 with a PEM private key"], public, algorithms=["RS256"]
    )
    assert rsa_claims["user"] == "ada"
    by_claim = hs256_claims(tokens["Expiry as an exp claim"])
    assert started + 3600 <= by_claim["exp"] <= finished + 3600
    by_option = hs256_claims(tokens['Expiry with expires_in="1h"'])
    assert by_option["exp"] - by_option["iat"] == 3600
    backdated = hs256_claims(tokens["Backdated by 30 seconds"])
    assert started - 30 <= backdated["iat"] <= finished - 30
    assert output.splitlines()[-1].startswith(
        "Refused (invalid_option, option expires_in): "
    )


def test_node_callback_calls_back_with_tokens_and_errors() -> None:
    """node_callback's callbacks get an HS256 token, an error and an ES256 token."""
    output = run_example("node_callback.py")

    tokens = re.findall(r"^  callback: token (\S+)$", output, re.MULTILINE)
    errors = re.findall(r"^  callback: error (\S+): ", output, re.MULTILINE)
    assert errors == ["invalid_option"]
    hs_token, es_token = tokens
    claims = hs256_claims(hs_token)
    assert (claims["iss"], claims["sub"], claims["role"]) == (
        "node-port",
        "ada",
        "admin",
    )
    assert claims["exp"] - claims["iat"] == 2 * 3600
    (public,) = public_keys(output)
    assert jwt.decode(es_token, public, algorithms=["ES256"]) == {"role": "reader"}
    assert jwt.get_unverified_header(es_token)["kid"] == "ec-1"
    returned = output.index("sign_callback returned; the callback has not run yet")
    assert returned < output.index(f"callback: token {es_token}")


@pytest.mark.parametrize("name", ["sync_script.py", "node_callback.py"])
def test_examples_make_their_own_secret_without_jwt_secret(name: str) -> None:
    """Without JWT_SECRET the HMAC examples still run, on a random secret."""
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")
    token = re.search(
        r"token:? (eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.\S+)", result.stdout
    )
    assert token is not None
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token[1], SECRET, algorithms=["HS256"])
