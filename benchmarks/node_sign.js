// Times node-jsonwebtoken's sign() for bench_sign.py, which starts it as:
//   node node_sign.js NODE_MODULES ALG MODE COUNT KEY_FILE SECRET PAYLOAD_JSON
// MODE "text" passes the PEM text or the secret string on every call;
// "loaded" passes a KeyObject made once. It prints one line of JSON: the
// seconds COUNT calls took (after a short warm-up for the JIT), one token,
// and the Node version.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [modules, alg, mode, countText, keyFile, secret, payloadJson] =
  process.argv.slice(2);
const jwt = require(path.join(modules, 'jsonwebtoken'));
const payload = JSON.parse(payloadJson);

let key;
if (alg.startsWith('HS')) {
  key = mode === 'text' ? secret : crypto.createSecretKey(Buffer.from(secret));
} else {
  const pem = fs.readFileSync(keyFile, 'ascii');
  key = mode === 'text' ? pem : crypto.createPrivateKey(pem);
}

const sign = () => jwt.sign(payload, key, { algorithm: alg });
const count = Number(countText);
const token = sign();

// Warm up for at most 200 calls or 20 ms, so the JIT has compiled sign().
const warmUntil = process.hrtime.bigint() + 20_000_000n;
for (let i = 0; i < 200 && process.hrtime.bigint() < warmUntil; i++) {
  sign();
}

const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  sign();
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(
  JSON.stringify({ seconds, token, node: process.version }) + '\n',
);
