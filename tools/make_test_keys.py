"""Regenerate the throwaway key files under ``tests/keys/``.

Run from anywhere::

    python tools/make_test_keys.py [--out DIR]

Every run makes fresh random key material, so the committed files only change
when someone deliberately reruns this script (and then the Node reference
vectors in ``tests/vectors/`` must be regenerated too, see
``tools/node-vectors/README.md``).

Most files are written with the ``cryptography`` package.  Two kinds of key
are made by calling the ``openssl`` command line tool (OpenSSL 1.1.1 or newer)
via ``subprocess`` instead, because ``cryptography`` refuses to:

* RSA-PSS keys (PKCS#8 algorithm identifier ``id-RSASSA-PSS`` instead of
  ``rsaEncryption``): ``cryptography`` cannot serialize them;
* the 512-bit RSA key: ``cryptography`` will not generate RSA keys below 1024
  bits.

These keys protect nothing.  Never use them outside the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

PASSPHRASE = b"correct horse"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "keys"

PEM = ser.Encoding.PEM
DER = ser.Encoding.DER
PKCS8 = ser.PrivateFormat.PKCS8
SPKI = ser.PublicFormat.SubjectPublicKeyInfo
NO_ENC = ser.NoEncryption()

PrivateKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
)

# RSA-PSS keys made with the openssl CLI: file name -> extra ``-pkeyopt``s.
RSA_PSS_KEYS: dict[str, list[str]] = {
    "rsapss2048.pem": [],
    "rsapss2048_sha256.pem": [
        "rsa_pss_keygen_md:sha256",
        "rsa_pss_keygen_mgf1_md:sha256",
        "rsa_pss_keygen_saltlen:32",
    ],
    "rsapss2048_sha256_salt64.pem": [
        "rsa_pss_keygen_md:sha256",
        "rsa_pss_keygen_mgf1_md:sha256",
        "rsa_pss_keygen_saltlen:64",
    ],
    "rsapss2048_sha512_mgf256.pem": [
        "rsa_pss_keygen_md:sha512",
        "rsa_pss_keygen_mgf1_md:sha256",
    ],
}


def write(out: Path, name: str, data: bytes) -> None:
    """Write ``data`` to ``out/name`` and say so."""
    (out / name).write_bytes(data)
    print(f"wrote {out / name}")


def pkcs8_pem(key: PrivateKey) -> bytes:
    """Return unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY")."""
    return key.private_bytes(PEM, PKCS8, NO_ENC)


def spki_pem(key: PrivateKey) -> bytes:
    """Return SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY") of the public half."""
    return key.public_key().public_bytes(PEM, SPKI)


def ssh_pub(key: PrivateKey, comment: str) -> bytes:
    """Return one OpenSSH ``authorized_keys`` style line for the public half."""
    line = key.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH)
    return line + b" " + comment.encode() + b"\n"


def self_signed_cert(key: rsa.RSAPrivateKey) -> bytes:
    """Return a self-signed X.509 certificate (PEM) with fixed names and dates."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jwt_async test key")])
    utc = datetime.UTC
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=utc))
        .not_valid_after(datetime.datetime(2100, 1, 1, tzinfo=utc))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(PEM)


def openssl(*args: str) -> bytes:
    """Run the openssl CLI with ``args`` and return its standard output."""
    exe = shutil.which("openssl")
    if exe is None:
        msg = "the openssl command line tool is needed (RSA-PSS, RSA-512)"
        raise SystemExit(msg)
    return subprocess.run([exe, *args], check=True, capture_output=True).stdout


def make_rsa(out: Path) -> None:
    """Write the 2048-bit RSA key in every form, plus 1024/512-bit keys."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = key.public_key()
    enc = ser.BestAvailableEncryption(PASSPHRASE)
    trad = ser.PrivateFormat.TraditionalOpenSSL
    write(out, "rsa2048.pem", pkcs8_pem(key))
    write(out, "rsa2048_pkcs1.pem", key.private_bytes(PEM, trad, NO_ENC))
    write(out, "rsa2048_private.der", key.private_bytes(DER, PKCS8, NO_ENC))
    write(out, "rsa2048_encrypted.pem", key.private_bytes(PEM, PKCS8, enc))
    # TraditionalOpenSSL + encryption gives "Proc-Type: 4,ENCRYPTED" + DEK-Info.
    write(out, "rsa2048_encrypted_pkcs1.pem", key.private_bytes(PEM, trad, enc))
    write(out, "rsa2048_public.pem", spki_pem(key))
    write(out, "rsa2048_public.der", pub.public_bytes(DER, SPKI))
    pkcs1_pub = pub.public_bytes(PEM, ser.PublicFormat.PKCS1)
    write(out, "rsa2048_public_pkcs1.pem", pkcs1_pub)
    write(out, "rsa2048_cert.pem", self_signed_cert(key))
    write(out, "rsa2048_ssh.pub", ssh_pub(key, "rsa2048-test"))
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    write(out, "rsa1024.pem", pkcs8_pem(small))
    # genpkey writes unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY").
    write(out, "rsa512.pem", openssl("genpkey", "-algorithm", "RSA", *pkeyopts(512)))


def pkeyopts(bits: int, extra: list[str] | None = None) -> list[str]:
    """``-pkeyopt`` arguments for ``openssl genpkey`` of an RSA(-PSS) key."""
    args: list[str] = []
    for opt in [f"rsa_keygen_bits:{bits}", *(extra or [])]:
        args += ["-pkeyopt", opt]
    return args


def make_rsa_pss(out: Path) -> None:
    """Write RSA-PSS keys via the openssl CLI (cryptography cannot)."""
    for name, extra in RSA_PSS_KEYS.items():
        pem = openssl("genpkey", "-algorithm", "RSA-PSS", *pkeyopts(2048, extra))
        write(out, name, pem)
    src = str(out / "rsapss2048_sha256.pem")
    write(out, "rsapss2048_sha256_public.pem", openssl("pkey", "-in", src, "-pubout"))


def make_ec(out: Path) -> None:
    """Write P-256 in several forms, plus P-384, P-521 and secp256k1."""
    key = ec.generate_private_key(ec.SECP256R1())
    enc = ser.BestAvailableEncryption(PASSPHRASE)
    sec1 = ser.PrivateFormat.TraditionalOpenSSL
    write(out, "ec_p256.pem", pkcs8_pem(key))
    write(out, "ec_p256_sec1.pem", key.private_bytes(PEM, sec1, NO_ENC))
    write(out, "ec_p256_public.pem", spki_pem(key))
    write(out, "ec_p256_encrypted.pem", key.private_bytes(PEM, PKCS8, enc))
    write(out, "ec_p256_ssh.pub", ssh_pub(key, "ec-p256-test"))
    curves: dict[str, ec.EllipticCurve] = {
        "ec_p384.pem": ec.SECP384R1(),
        "ec_p521.pem": ec.SECP521R1(),
        "ec_secp256k1.pem": ec.SECP256K1(),
    }
    for name, curve in curves.items():
        write(out, name, pkcs8_pem(ec.generate_private_key(curve)))


def make_edwards(out: Path) -> None:
    """Write Ed25519 (private, public, OpenSSH) and Ed448 (private only)."""
    key = ed25519.Ed25519PrivateKey.generate()
    write(out, "ed25519.pem", pkcs8_pem(key))
    write(out, "ed25519_public.pem", spki_pem(key))
    write(out, "ed25519_ssh.pub", ssh_pub(key, "ed25519-test"))
    write(out, "ed448.pem", pkcs8_pem(ed448.Ed448PrivateKey.generate()))


def main() -> None:
    """Parse arguments and write every key file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output dir")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    make_rsa(out)
    make_rsa_pss(out)
    make_ec(out)
    make_edwards(out)


if __name__ == "__main__":
    main()
