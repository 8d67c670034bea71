'use strict';
/*
 * Reference vectors for jwt_async: what does node-jsonwebtoken 9's
 * *synchronous* `jwt.sign(payload, key, options)` return (or throw) for a
 * wide range of inputs?
 *
 * Every case is described with JSON-only "descriptors" (see PAYLOAD / KEY
 * below). The generator rebuilds the real Node arguments from those
 * descriptors, so the Python test suite can rebuild exactly the same inputs
 * from tests/vectors/node_sign.json.
 *
 * Output: tests/vectors/node_sign.json (2-space indent, fixed key order).
 *
 * Notes for consumers:
 *  - The clock is frozen at FROZEN_NOW_MS, so the default `iat` is 1700000000.
 *  - HS*, RS* and `none` tokens are deterministic. ES* and PS* signatures are
 *    randomised, so for those only header and payload can be compared; the
 *    signature must be verified with the public key instead.
 *  - `result.error` is `err.message` (or `String(thrown)` for non-Errors).
 */

const fs = require('fs');
const path = require('path');
const jwt = require('jsonwebtoken');
const jwtPackage = require('jsonwebtoken/package.json');

// Freeze the clock before anything signs: iat = floor(now / 1000).
const FROZEN_NOW_MS = 1700000000500;
Date.now = () => FROZEN_NOW_MS;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const KEYS_DIR = path.join(REPO_ROOT, 'tests', 'keys');
const OUT_FILE = path.join(REPO_ROOT, 'tests', 'vectors', 'node_sign.json');

// ---------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------

/** Payload descriptors. */
const PAYLOAD = {
  json: (value) => ({ type: 'json', value }),
  string: (value) => ({ type: 'string', value }),
  bytes: (bytes) => ({ type: 'bytes', base64: Buffer.from(bytes).toString('base64') }),
  undefined: () => ({ type: 'undefined' }),
};

/** Key descriptors. */
const KEY = {
  secret: (value) => ({ type: 'secret', value }),
  secretBytes: (bytes) => ({ type: 'secret_bytes', base64: Buffer.from(bytes).toString('base64') }),
  file: (file) => ({ type: 'file', file }),
  fileBytes: (file) => ({ type: 'file_bytes', file }),
  passphrase: (file, passphrase) => ({ type: 'passphrase', file, passphrase }),
  null: () => ({ type: 'null' }),
  undefined: () => ({ type: 'undefined' }),
};

const PASS = 'correct horse';
const SECRET = KEY.secret('shhhhh');

/** Turn a payload descriptor into the value handed to jwt.sign. */
function buildPayload(desc) {
  switch (desc.type) {
    // Round-trip through JSON so Node sees exactly what the JSON file says.
    case 'json': return JSON.parse(JSON.stringify(desc.value));
    case 'string': return desc.value;
    case 'bytes': return Buffer.from(desc.base64, 'base64');
    case 'undefined': return undefined;
    default: throw new Error(`unknown payload descriptor ${desc.type}`);
  }
}

/** Turn a key descriptor into the value handed to jwt.sign. */
function buildKey(desc) {
  const read = (file, enc) => fs.readFileSync(path.join(KEYS_DIR, file), enc);
  switch (desc.type) {
    case 'secret': return desc.value;
    case 'secret_bytes': return Buffer.from(desc.base64, 'base64');
    case 'file': return read(desc.file, 'utf8');
    case 'file_bytes': return read(desc.file);
    case 'passphrase': return { key: read(desc.file, 'utf8'), passphrase: desc.passphrase };
    case 'null': return null;
    case 'undefined': return undefined;
    default: throw new Error(`unknown key descriptor ${desc.type}`);
  }
}

// ---------------------------------------------------------------------------
// Case registry
// ---------------------------------------------------------------------------

const cases = [];
const seenNames = new Set();

/**
 * Register a case. Defaults: payload {"foo": "bar"}, the "shhhhh" secret,
 * options {}.
 * `rawPayload` (optional) is passed to Node instead of the rebuilt payload;
 * only used where JSON cannot carry the exact JS value (e.g. -0).
 * `payloadText` (optional) is the JSON text of a `json` payload, written
 * verbatim into the vectors file, so a reader sees the keys in text order
 * (Node's JSON.parse puts integer-like keys first).
 */
function add({ name, note, payload, key, options, rawPayload, payloadText }) {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) throw new Error(`bad case name: ${name}`);
  if (seenNames.has(name)) throw new Error(`duplicate case name: ${name}`);
  seenNames.add(name);
  const opts = options === undefined ? {} : options;
  const json = JSON.stringify(opts);
  if (opts !== null && JSON.stringify(JSON.parse(json)) !== json) {
    throw new Error(`options of ${name} are not JSON-representable`);
  }
  cases.push({
    name,
    note,
    payload: payload || PAYLOAD.json({ foo: 'bar' }),
    key: key || SECRET,
    options: opts,
    rawPayload,
    payloadText,
  });
}

// Placeholders for verbatim JSON text: marker string -> text.
const rawTexts = new Map();
function rawMarker(text) {
  const marker = `@@raw-json-${rawTexts.size}@@`;
  JSON.parse(text); // must be valid JSON
  rawTexts.set(marker, text);
  return marker;
}

/** Run one case through the synchronous jwt.sign and build its record. */
function run(c) {
  let payload;
  if (c.rawPayload !== undefined) payload = c.rawPayload;
  else if (c.payloadText !== undefined) payload = JSON.parse(c.payloadText);
  else payload = buildPayload(c.payload);
  const key = buildKey(c.key);
  const options = c.options === null ? null : JSON.parse(JSON.stringify(c.options));
  let result;
  try {
    result = { token: jwt.sign(payload, key, options) };
  } catch (e) {
    result = { error: e instanceof Error ? e.message : String(e) };
  }
  // Fixed key order for every record.
  const record = { name: c.name };
  if (c.note) record.note = c.note;
  // Verbatim payload text is spliced in after serialisation (end of file).
  record.payload = c.payloadText !== undefined ? PAYLOAD.json(rawMarker(c.payloadText)) : c.payload;
  record.key = c.key;
  record.options = c.options;
  record.result = result;
  const isObject = payload !== null && typeof payload === 'object' && !Buffer.isBuffer(payload);
  if (options && options.mutatePayload === true && isObject) {
    record.payload_after = JSON.parse(JSON.stringify(payload));
  }
  return record;
}

// ---------------------------------------------------------------------------
// 1. Algorithms and key forms
// ---------------------------------------------------------------------------

// Every algorithm with its natural key.
const NATURAL_KEYS = {
  HS256: SECRET, HS384: SECRET, HS512: SECRET,
  RS256: KEY.file('rsa2048.pem'), RS384: KEY.file('rsa2048.pem'), RS512: KEY.file('rsa2048.pem'),
  PS256: KEY.file('rsa2048.pem'), PS384: KEY.file('rsa2048.pem'), PS512: KEY.file('rsa2048.pem'),
  ES256: KEY.file('ec_p256.pem'), ES384: KEY.file('ec_p384.pem'), ES512: KEY.file('ec_p521.pem'),
  none: KEY.undefined(),
};
for (const [alg, key] of Object.entries(NATURAL_KEYS)) {
  add({ name: `alg-${alg.toLowerCase()}`, key, options: { algorithm: alg } });
}
add({ name: 'alg-default-is-hs256', note: 'no algorithm option at all' });

// HMAC secrets: text and bytes, for each HS algorithm.
const HMAC_SECRETS = [
  ['ascii', KEY.secret('shhhhh')],
  ['unicode', KEY.secret('s\u00e9cr\u00e8t-\u65e5\u672c-\ud83d\udd11')],
  ['lone-surrogate', KEY.secret('ab\ud800cd'), 'string secret is UTF-8 encoded; a lone surrogate becomes U+FFFD'],
  ['space', KEY.secret(' ')],
  ['long', KEY.secret('k'.repeat(300))],
  ['bytes-utf8', KEY.secretBytes(Buffer.from('shhhhh'))],
  ['bytes-non-utf8', KEY.secretBytes([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28])],
  ['bytes-nul', KEY.secretBytes([0x00])],
  ['bytes-empty', KEY.secretBytes([]), 'empty Buffer is truthy, so it passes the "must have a value" check'],
];
for (const alg of ['HS256', 'HS384', 'HS512']) {
  for (const [slug, key, note] of HMAC_SECRETS) {
    add({ name: `${alg.toLowerCase()}-secret-${slug}`, note, key, options: { algorithm: alg } });
  }
}

// RSA private key forms for every RS/PS algorithm.
const RSA_KEY_FORMS = [
  ['pkcs8', KEY.file('rsa2048.pem')],
  ['pkcs1', KEY.file('rsa2048_pkcs1.pem')],
  ['pkcs8-buffer', KEY.fileBytes('rsa2048.pem')],
  ['encrypted-pkcs8', KEY.passphrase('rsa2048_encrypted.pem', PASS)],
  ['encrypted-pkcs1', KEY.passphrase('rsa2048_encrypted_pkcs1.pem', PASS)],
  ['passphrase-unencrypted', KEY.passphrase('rsa2048.pem', PASS)],
  ['wrong-passphrase', KEY.passphrase('rsa2048_encrypted.pem', 'wrong horse')],
  ['wrong-passphrase-pkcs1', KEY.passphrase('rsa2048_encrypted_pkcs1.pem', 'wrong horse')],
  ['encrypted-no-passphrase', KEY.file('rsa2048_encrypted.pem')],
  ['der-private-buffer', KEY.fileBytes('rsa2048_private.der')],
];
for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
  for (const [slug, key] of RSA_KEY_FORMS) {
    add({ name: `${alg.toLowerCase()}-key-${slug}`, key, options: { algorithm: alg } });
  }
}

// EC private key forms.
const EC_KEY_FORMS = [
  ['pkcs8', KEY.file('ec_p256.pem')],
  ['sec1', KEY.file('ec_p256_sec1.pem')],
  ['encrypted-pkcs8', KEY.passphrase('ec_p256_encrypted.pem', PASS)],
  ['passphrase-unencrypted', KEY.passphrase('ec_p256.pem', PASS)],
  ['wrong-passphrase', KEY.passphrase('ec_p256_encrypted.pem', 'wrong horse')],
  ['encrypted-no-passphrase', KEY.file('ec_p256_encrypted.pem')],
];
for (const [slug, key] of EC_KEY_FORMS) {
  add({ name: `es256-key-${slug}`, key, options: { algorithm: 'ES256' } });
}

// Encrypted keys without a passphrase: the PEM text silently becomes an HMAC secret.
for (const file of ['rsa2048_encrypted.pem', 'rsa2048_encrypted_pkcs1.pem', 'ec_p256_encrypted.pem']) {
  const slug = file.replace('.pem', '').replace(/_/g, '-');
  add({
    name: `hs256-key-${slug}-no-passphrase`,
    note: 'createPrivateKey fails, so the PEM text is used as an HMAC secret',
    key: KEY.file(file),
    options: { algorithm: 'HS256' },
  });
}
add({
  name: 'hs256-key-encrypted-with-passphrase',
  note: 'a {key, passphrase} that decrypts is a private key, not a secret',
  key: KEY.passphrase('rsa2048_encrypted.pem', PASS),
  options: { algorithm: 'HS256' },
});
add({
  name: 'hs256-key-encrypted-wrong-passphrase',
  key: KEY.passphrase('rsa2048_encrypted.pem', 'wrong horse'),
  options: { algorithm: 'HS256' },
});

// ---------------------------------------------------------------------------
// 2. Payload kinds (HS256 + fixed secret, so tokens are deterministic)
// ---------------------------------------------------------------------------

const JSON_PAYLOADS = [
  ['object', { sub: '1234567890', name: 'John Doe', admin: true }],
  ['empty-object', {}],
  ['nested', { a: { b: { c: [1, 2, { d: null }] } }, list: [[], {}, ''], t: true, f: false }],
  ['unicode-text', { name: 'J\u00fcrgen \u00c5ngstr\u00f6m', city: '\u6771\u4eac', greek: '\u03a9\u03bc\u03ad\u03b3\u03b1' }],
  ['emoji', { mood: '\ud83d\ude00\ud83c\udf89', flag: '\ud83c\uddef\ud83c\uddf5' }],
  ['paired-surrogates', { s: '\ud834\udd1e' }],
  ['lone-surrogate-high', { s: '\ud800' }],
  ['lone-surrogate-low', { s: 'x\udc00y' }],
  ['lone-surrogate-key', { '\ud800': 1 }],
  ['control-chars', { s: '\u0000\u0001\u001f\u007f\b\f\n\r\t"\\/' }],
  ['line-separators', { s: '\u2028\u2029\u0085\ufeff' }],
  ['html-chars', { s: '<script>&amp;\'</script>' }],
  ['proto-key', JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
    'own "__proto__" key: the claim validator looks up schema["__proto__"] (Object.prototype)'],
  ['claims-unknown-types', { aud: 5, iss: ['a'], sub: null, jti: {} }],
];
for (const [slug, value, note] of JSON_PAYLOADS) {
  add({ name: `payload-${slug}`, note, payload: PAYLOAD.json(value) });
}

// JS objects list array-index keys ("0".."4294967294") first, in numeric order.
add({
  name: 'payload-key-order-integer-like',
  note: 'value is verbatim text order; Node sorts array-index keys first',
  payloadText: '{"z":1,"a":2,"10":"ten","2":"two","01":"zero-one","-1":"neg","1.5":"f",' +
    '"4294967295":"not-index","4294967294":"max-index","iat":5}',
});
add({ name: 'payload-key-order-plain', payload: PAYLOAD.json({ z: 1, a: 2, m: 3, iat: 5 }) });

// Numbers inside an object payload: one case each, so failures are precise.
const NUMBERS = [
  ['int', 1], ['one-point-zero', 1.0], ['one-point-five', 1.5], ['negative', -42.25],
  ['1e21', 1e21], ['1e20', 1e20], ['1e-7', 1e-7], ['1e-6', 0.000001], ['1e16', 1e16],
  ['123456789012345680000', 123456789012345680000], ['2-pow-53-plus-1', 2 ** 53 + 1],
  ['0-1-plus-0-2', 0.1 + 0.2], ['1e300', 1e300], ['max-double', Number.MAX_VALUE],
  ['min-subnormal', Number.MIN_VALUE], ['1-5e-300', 1.5e-300], ['neg-1e21', -1e21],
  ['1-23e25', 1.23e25], ['third', 1 / 3],
];
for (const [slug, n] of NUMBERS) {
  add({ name: `payload-number-${slug}`, payload: PAYLOAD.json({ n }) });
}
add({
  name: 'payload-number-negative-zero',
  note: 'JS -0 serialises as 0 (JSON here cannot carry -0 either)',
  payload: PAYLOAD.json({ n: 0 }),
  rawPayload: { n: -0 },
});
add({ name: 'payload-numbers-all', payload: PAYLOAD.json(Object.fromEntries(NUMBERS)) });

// Non-object payloads.
add({ name: 'payload-string', payload: PAYLOAD.string('hello world') });
add({ name: 'payload-string-empty', payload: PAYLOAD.string('') });
add({ name: 'payload-string-json-text', payload: PAYLOAD.string('{"a": 1,  "b":2}') });
add({ name: 'payload-string-unicode', payload: PAYLOAD.string('\u00e9\u65e5\u672c\ud83d\ude00') });
add({ name: 'payload-string-lone-surrogate', payload: PAYLOAD.string('a\ud800b') });
add({ name: 'payload-buffer-utf8', payload: PAYLOAD.bytes(Buffer.from('{"a":"\u00e9"}', 'utf8')) });
add({
  name: 'payload-buffer-invalid-utf8',
  note: 'Buffer payloads go through buf.toString() (UTF-8 decode) before encoding',
  payload: PAYLOAD.bytes([0x61, 0xff, 0xfe, 0x62]),
});
add({ name: 'payload-buffer-empty', payload: PAYLOAD.bytes([]) });
add({ name: 'payload-scalar-number-5', payload: PAYLOAD.json(5) });
add({ name: 'payload-scalar-number-1-5', payload: PAYLOAD.json(1.5) });
add({ name: 'payload-scalar-number-0', payload: PAYLOAD.json(0) });
add({ name: 'payload-scalar-number-1e21', payload: PAYLOAD.json(1e21) });
add({ name: 'payload-scalar-boolean-true', payload: PAYLOAD.json(true) });
add({ name: 'payload-scalar-boolean-false', payload: PAYLOAD.json(false) });
add({ name: 'payload-null', payload: PAYLOAD.json(null) });
add({ name: 'payload-undefined', payload: PAYLOAD.undefined() });
add({ name: 'payload-array', payload: PAYLOAD.json([1, 2, 3]) });
add({ name: 'payload-empty-array', payload: PAYLOAD.json([]) });
add({ name: 'payload-undefined-bad-key', note: 'key errors win over the payload check', payload: PAYLOAD.undefined(), key: KEY.file('rsa2048.pem') });
add({ name: 'payload-string-rs256', payload: PAYLOAD.string('hello'), key: KEY.file('rsa2048.pem'), options: { algorithm: 'RS256' } });

// ---------------------------------------------------------------------------
// 3. iat handling
// ---------------------------------------------------------------------------

add({ name: 'iat-default', payload: PAYLOAD.json({ a: 1 }) });
add({ name: 'iat-from-payload', payload: PAYLOAD.json({ iat: 1000 }) });
add({ name: 'iat-from-payload-is-base', payload: PAYLOAD.json({ iat: 1000 }), options: { expiresIn: 60, notBefore: '1h' } });
add({ name: 'iat-zero-replaced', note: 'payload.iat || now: 0 is falsy', payload: PAYLOAD.json({ iat: 0 }), options: { expiresIn: 10 } });
add({ name: 'iat-negative', payload: PAYLOAD.json({ iat: -5 }), options: { expiresIn: 10 } });
add({ name: 'iat-float', payload: PAYLOAD.json({ iat: 1.5 }), options: { expiresIn: 60 } });
add({ name: 'iat-float-string-timespan', payload: PAYLOAD.json({ iat: 1700000000.75 }), options: { expiresIn: '1h', notBefore: 30 } });
add({ name: 'iat-position-kept', payload: PAYLOAD.json({ a: 1, iat: 1000, b: 2 }) });
const NON_NUMBER_CLAIMS = [['string', '100'], ['null', null], ['bool', true], ['array', [1]], ['object', {}]];
for (const claim of ['iat', 'exp', 'nbf']) {
  for (const [slug, value] of NON_NUMBER_CLAIMS) {
    add({ name: `payload-${claim}-${slug}`, payload: PAYLOAD.json({ [claim]: value }) });
  }
}
add({ name: 'payload-exp-float-no-option', payload: PAYLOAD.json({ exp: 1700000100.5 }) });
add({ name: 'no-timestamp-true', options: { noTimestamp: true } });
add({ name: 'no-timestamp-false', options: { noTimestamp: false } });
add({ name: 'no-timestamp-true-payload-iat', payload: PAYLOAD.json({ iat: 1000, a: 1 }), options: { noTimestamp: true } });
add({
  name: 'no-timestamp-true-payload-iat-expires-in',
  note: 'iat is removed but still used as the base for exp',
  payload: PAYLOAD.json({ iat: 1000 }),
  options: { noTimestamp: true, expiresIn: 60 },
});
add({ name: 'no-timestamp-true-expires-in', options: { noTimestamp: true, expiresIn: 60 } });

// ---------------------------------------------------------------------------
// 4. expiresIn / notBefore values
// ---------------------------------------------------------------------------

const TIMESPANS = [
  ['int-0', 0], ['int-60', 60], ['int-neg-60', -60], ['int-large', 1e21], ['float-1-5', 1.5],
  ['str-60', '60'], ['str-2-days', '2 days'], ['str-10h', '10h'], ['str-7d', '7d'],
  ['str-1-5h', '1.5h'], ['str-neg-1h', '-1h'], ['str-dot-5h', '.5h'], ['str-1y', '1y'],
  ['str-1-year', '1 year'], ['str-2-weeks', '2 weeks'], ['str-3-mins', '3 mins'],
  ['str-5-seconds-caps', '5 Seconds'], ['str-100-ms-caps', '100 MS'], ['str-1-5-h-caps', '1.5 H'],
  ['str-multi-space', '1   d'], ['str-trailing-space', '1d '], ['str-leading-space', ' 1d'],
  ['str-trailing-newline', '1d\n'], ['str-1e3', '1e3'], ['str-abc', 'abc'], ['str-empty', ''],
  ['str-fortnight', '1 fortnight'], ['str-100-digits', '1'.repeat(100)],
  ['str-101-digits', '1'.repeat(101)], ['str-arabic-indic-digit', '\u0661'],
  ['str-fullwidth-d', '1\uff44'], ['str-1-5-ms', '1500ms'], ['str-999ms', '999'],
  ['str-neg-dot-5d', '-.5d'], ['str-1-dot', '1.'], ['str-hrs', '2 hrs'], ['str-msecs', '30 msecs'],
  ['bool-true', true], ['bool-false', false], ['null', null], ['object', {}], ['array', [60]],
];
for (const [option, prefix] of [['expiresIn', 'expires-in'], ['notBefore', 'not-before']]) {
  for (const [slug, value] of TIMESPANS) {
    add({ name: `${prefix}-${slug}`, options: { [option]: value } });
  }
}
add({ name: 'expires-in-and-not-before', options: { expiresIn: '1h', notBefore: '-5m' } });
add({ name: 'expires-in-with-payload-exp', payload: PAYLOAD.json({ exp: 1 }), options: { expiresIn: 60 } });
add({ name: 'expires-in-invalid-with-payload-exp', note: 'the conflict check runs before option validation', payload: PAYLOAD.json({ exp: 1 }), options: { expiresIn: 'abc' } });
add({ name: 'not-before-with-payload-nbf', payload: PAYLOAD.json({ nbf: 1 }), options: { notBefore: 60 } });
add({ name: 'expires-in-with-payload-nbf', payload: PAYLOAD.json({ nbf: 1 }), options: { expiresIn: 60 } });
add({ name: 'expires-in-string-payload', payload: PAYLOAD.string('hello'), options: { expiresIn: 60 } });
add({ name: 'not-before-string-payload', payload: PAYLOAD.string('hello'), options: { notBefore: 60 } });
add({ name: 'expires-in-buffer-payload', payload: PAYLOAD.bytes(Buffer.from('{}')), options: { expiresIn: 60 } });
add({ name: 'expires-in-number-payload', payload: PAYLOAD.json(5), options: { expiresIn: 60 } });
add({ name: 'expires-in-null-payload', payload: PAYLOAD.json(null), options: { expiresIn: 60 } });
add({ name: 'string-payload-all-object-options', payload: PAYLOAD.string('x'), options: { noTimestamp: false, jwtid: 'j', audience: 'a', expiresIn: 1, subject: 's' } });

// ---------------------------------------------------------------------------
// 5. Registered-claim options: audience, issuer, subject, jwtid
// ---------------------------------------------------------------------------

const AUDIENCES = [
  ['string', 'urn:foo'], ['array-strings', ['a', 'b']], ['array-numbers', [1, 2]],
  ['array-mixed', ['a', 1, null, { b: 2 }]], ['empty-array', []], ['empty-string', ''],
  ['number', 5], ['object', { a: 1 }], ['bool', true], ['unicode', '\u65e5\u672c'],
];
for (const [slug, value] of AUDIENCES) {
  add({ name: `audience-${slug}`, options: { audience: value } });
}
const CLAIM_OPTIONS = [['issuer', 'iss'], ['subject', 'sub'], ['jwtid', 'jti']];
const CLAIM_VALUES = [['string', 'some-value'], ['empty-string', ''], ['number', 123], ['array', ['x']]];
for (const [option, claim] of CLAIM_OPTIONS) {
  for (const [slug, value] of CLAIM_VALUES) {
    add({ name: `${option}-${slug}`, options: { [option]: value } });
  }
}
// Option + claim already in the payload: in the sync form the forEach throws.
for (const [option, claim] of [['audience', 'aud'], ...CLAIM_OPTIONS]) {
  add({ name: `${option}-with-payload-${claim}`, payload: PAYLOAD.json({ [claim]: 'already' }), options: { [option]: 'new' } });
  add({
    name: `${option}-with-payload-${claim}-mutate`,
    note: 'the error is thrown after iat/exp were already written into the payload',
    payload: PAYLOAD.json({ [claim]: 'already' }),
    options: { expiresIn: 60, [option]: 'new', mutatePayload: true },
  });
}
add({ name: 'claims-all-options', options: { jwtid: 'j', subject: 's', issuer: 'i', audience: 'a', notBefore: 1, expiresIn: 2 } });
add({ name: 'claims-payload-order', payload: PAYLOAD.json({ z: 0, exp: 5, a: 1 }), options: { audience: ['x'], issuer: 'i' } });

// ---------------------------------------------------------------------------
// 6. keyid and header
// ---------------------------------------------------------------------------

add({ name: 'keyid-string', options: { keyid: 'key-1' } });
add({ name: 'keyid-empty-string', options: { keyid: '' } });
add({ name: 'keyid-number', options: { keyid: 5 } });
add({ name: 'keyid-string-payload', payload: PAYLOAD.string('x'), options: { keyid: 'k' } });
const HEADERS = [
  ['extra-fields', { foo: 'bar', n: 1, nested: { a: [1] } }],
  ['typ-override', { typ: 'at+jwt' }],
  ['typ-null', { typ: null }],
  ['kid-override', { kid: 'from-header' }, { keyid: 'from-option' }],
  ['alg-override', { alg: 'HS512' }, { algorithm: 'HS256' }],
  ['alg-override-no-algorithm', { alg: 'HS384' }],
  ['alg-none-with-key', { alg: 'none' }, { algorithm: 'HS256' }],
  ['alg-unsupported', { alg: 'HS1' }],
  ['alg-number', { alg: 256 }],
  ['non-ascii-latin1', { x: '\u00e9' }],
  ['non-latin1', { x: '\u65e5\u672c' }],
  ['emoji', { x: '\ud83d\ude00' }],
  ['empty', {}],
  ['key-order', { z: 1, alg: 'HS256', a: 2 }],
];
for (const [slug, header, extra] of HEADERS) {
  add({ name: `header-${slug}`, options: Object.assign({}, extra, { header }) });
}
add({ name: 'header-typ-string-payload', payload: PAYLOAD.string('x'), options: { header: { typ: 'JWT' } } });
add({ name: 'header-string', note: 'Object.assign spreads the string characters into the header before validation', options: { header: 'abc' } });
add({ name: 'header-array', options: { header: ['a'] } });
add({ name: 'header-number', options: { header: 5 } });
add({ name: 'header-alg-rs256-with-secret', options: { algorithm: 'HS256', header: { alg: 'RS256' } } });
add({
  name: 'header-alg-hs256-with-none-and-null-key',
  note: 'options.algorithm none skips the key presence check; header alg HS256 then reads .type of null',
  key: KEY.null(),
  options: { algorithm: 'none', header: { alg: 'HS256' } },
});
add({ name: 'header-alg-ps256-with-rsa-key', key: KEY.file('rsa2048.pem'), options: { algorithm: 'RS256', header: { alg: 'PS256' } } });

// ---------------------------------------------------------------------------
// 7. algorithm option values
// ---------------------------------------------------------------------------

const BAD_ALGORITHMS = [['hs1', 'HS1'], ['lowercase-hs256', 'hs256'], ['rs', 'RS'], ['number', 256],
  ['empty-string', ''], ['ed25519', 'EdDSA'], ['none-caps', 'NONE']];
for (const [slug, algorithm] of BAD_ALGORITHMS) {
  add({ name: `algorithm-invalid-${slug}`, options: { algorithm } });
}

// ---------------------------------------------------------------------------
// 8. encoding
// ---------------------------------------------------------------------------

const ASCII_PAYLOAD = PAYLOAD.json({ a: 'b' });
const NON_ASCII_PAYLOAD = PAYLOAD.json({ a: '\u00e9\u65e5\ud83d\ude00' });
const ENCODINGS = [['utf8', 'utf8'], ['utf-8', 'utf-8'], ['utf8-caps', 'UTF8'], ['utf16le', 'utf16le'],
  ['ucs2', 'ucs2'], ['latin1', 'latin1'], ['binary', 'binary'], ['ascii', 'ascii'], ['hex', 'hex'],
  ['base64', 'base64'], ['base64url', 'base64url'], ['empty', ''], ['unknown', 'klingon']];
for (const [slug, encoding] of ENCODINGS) {
  add({ name: `encoding-${slug}`, payload: ASCII_PAYLOAD, options: { encoding } });
  add({ name: `encoding-${slug}-non-ascii`, payload: NON_ASCII_PAYLOAD, options: { encoding } });
}
add({ name: 'encoding-number', options: { encoding: 8 } });
add({ name: 'encoding-hex-string-payload', payload: PAYLOAD.string('deadbeefZZ00'), options: { encoding: 'hex' } });
add({ name: 'encoding-base64-string-payload', payload: PAYLOAD.string('aGVsbG8=!!'), options: { encoding: 'base64' } });
add({ name: 'encoding-latin1-buffer-payload', payload: PAYLOAD.bytes([0xc3, 0xa9, 0xff]), options: { encoding: 'latin1' } });
add({ name: 'encoding-latin1-rs256', key: KEY.file('rsa2048.pem'), payload: NON_ASCII_PAYLOAD, options: { algorithm: 'RS256', encoding: 'latin1' } });

// ---------------------------------------------------------------------------
// 9. Boolean flags with non-boolean values, unknown options, null options
// ---------------------------------------------------------------------------

for (const flag of ['noTimestamp', 'mutatePayload', 'allowInsecureKeySizes', 'allowInvalidAsymmetricKeyTypes']) {
  const kebab = flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  for (const [slug, value] of [['string', 'yes'], ['number-1', 1], ['number-0', 0], ['empty-string', '']]) {
    add({ name: `${kebab}-${slug}`, options: { [flag]: value } });
  }
}
add({ name: 'allow-insecure-key-sizes-truthy-small-key', key: KEY.file('rsa1024.pem'), options: { algorithm: 'RS256', allowInsecureKeySizes: 'yes' } });
add({ name: 'allow-insecure-key-sizes-falsy-small-key', key: KEY.file('rsa1024.pem'), options: { algorithm: 'RS256', allowInsecureKeySizes: 0 } });
add({ name: 'option-unknown', options: { foo: 1 } });
add({ name: 'option-unknown-snake-case', options: { expires_in: 60 } });
add({ name: 'option-unknown-after-invalid', note: 'validation stops at the first bad key in insertion order', options: { keyid: 1, foo: 1 } });
add({ name: 'option-invalid-after-unknown', options: { foo: 1, keyid: 1 } });
add({ name: 'options-null', note: 'options null means {}', options: null });
const ALL_OPTIONS = ['algorithm', 'keyid', 'expiresIn', 'notBefore', 'audience', 'subject', 'issuer', 'jwtid',
  'mutatePayload', 'noTimestamp', 'header', 'encoding', 'allowInsecureKeySizes', 'allowInvalidAsymmetricKeyTypes'];
for (const option of ALL_OPTIONS) {
  const kebab = option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  add({ name: `option-null-${kebab}`, options: { [option]: null } });
}

// ---------------------------------------------------------------------------
// 10. Key presence and key/algorithm mismatches
// ---------------------------------------------------------------------------

add({ name: 'key-empty-string', key: KEY.secret('') });
add({ name: 'key-empty-string-none', key: KEY.secret(''), options: { algorithm: 'none' } });
add({ name: 'key-null', key: KEY.null() });
add({ name: 'key-null-none', key: KEY.null(), options: { algorithm: 'none' } });
add({ name: 'key-undefined-hs256', key: KEY.undefined(), options: { algorithm: 'HS256' } });
add({ name: 'key-undefined-none', key: KEY.undefined(), options: { algorithm: 'none' } });
add({ name: 'key-undefined-none-string-payload', key: KEY.undefined(), payload: PAYLOAD.string('x'), options: { algorithm: 'none' } });
add({ name: 'none-with-secret', options: { algorithm: 'none' } });
add({ name: 'none-with-rsa-key', key: KEY.file('rsa2048.pem'), options: { algorithm: 'none' } });
add({ name: 'none-with-rsa-key-allow-invalid', key: KEY.file('rsa2048.pem'), options: { algorithm: 'none', allowInvalidAsymmetricKeyTypes: true } });
add({ name: 'none-with-ec-key', key: KEY.file('ec_p256.pem'), options: { algorithm: 'none' } });
add({ name: 'none-with-ed25519-key', key: KEY.file('ed25519.pem'), options: { algorithm: 'none' } });
add({ name: 'none-with-public-key', key: KEY.file('rsa2048_public.pem'), options: { algorithm: 'none' } });

for (const alg of ['HS256', 'HS512']) {
  for (const file of ['rsa2048.pem', 'rsa2048_pkcs1.pem', 'ec_p256.pem', 'ec_p256_sec1.pem', 'ed25519.pem']) {
    add({ name: `${alg.toLowerCase()}-with-private-${file.replace('.pem', '').replace(/_/g, '-')}`, key: KEY.file(file), options: { algorithm: alg } });
  }
}
for (const alg of ['RS256', 'PS256', 'ES256']) {
  add({ name: `${alg.toLowerCase()}-with-secret`, options: { algorithm: alg } });
  add({ name: `${alg.toLowerCase()}-with-secret-bytes`, key: KEY.secretBytes([1, 2, 3]), options: { algorithm: alg } });
}

// Public material is not a private key, so it becomes an HMAC secret.
const PUBLIC_MATERIAL = [
  ['rsa-public-pem', KEY.file('rsa2048_public.pem')],
  ['rsa-public-pkcs1-pem', KEY.file('rsa2048_public_pkcs1.pem')],
  ['ec-public-pem', KEY.file('ec_p256_public.pem')],
  ['ed25519-public-pem', KEY.file('ed25519_public.pem')],
  ['rsapss-public-pem', KEY.file('rsapss2048_sha256_public.pem')],
  ['certificate', KEY.file('rsa2048_cert.pem')],
  ['ssh-rsa', KEY.file('rsa2048_ssh.pub')],
  ['ssh-ec', KEY.file('ec_p256_ssh.pub')],
  ['ssh-ed25519', KEY.file('ed25519_ssh.pub')],
  ['der-public-buffer', KEY.fileBytes('rsa2048_public.der')],
  ['der-private-buffer', KEY.fileBytes('rsa2048_private.der')],
];
for (const [slug, key] of PUBLIC_MATERIAL) {
  add({ name: `hs256-with-${slug}`, key, options: { algorithm: 'HS256' } });
}
for (const [slug, key] of PUBLIC_MATERIAL.slice(0, 6)) {
  add({ name: `rs256-with-${slug}`, key, options: { algorithm: 'RS256' } });
}

// JWK-looking JSON text is just a string: it becomes an HMAC secret.
const JWK_OCT = JSON.stringify({ kty: 'oct', k: 'c2hoaGho' });
const JWK_RSA = JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' });
add({ name: 'hs256-with-jwk-oct-json-string', key: KEY.secret(JWK_OCT), options: { algorithm: 'HS256' } });
add({ name: 'hs256-with-jwk-rsa-json-string', key: KEY.secret(JWK_RSA), options: { algorithm: 'HS256' } });
add({ name: 'rs256-with-jwk-rsa-json-string', key: KEY.secret(JWK_RSA), options: { algorithm: 'RS256' } });

// ---------------------------------------------------------------------------
// 11. Key sizes, curves, key types (with and without the escape hatches)
// ---------------------------------------------------------------------------

for (const file of ['rsa1024.pem', 'rsa512.pem']) {
  for (const alg of ['RS256', 'PS256', 'RS512', 'PS512']) {
    for (const allow of [false, true]) {
      const name = `${alg.toLowerCase()}-${file.replace('.pem', '')}${allow ? '-allow-insecure' : ''}`;
      const options = allow ? { algorithm: alg, allowInsecureKeySizes: true } : { algorithm: alg };
      add({ name, key: KEY.file(file), options });
    }
  }
}

// Wrong curve / wrong key type for the algorithm.
const MISMATCHES = [
  ['es384-with-p256', 'ES384', 'ec_p256.pem'],
  ['es512-with-p256', 'ES512', 'ec_p256.pem'],
  ['es256-with-p384', 'ES256', 'ec_p384.pem'],
  ['es512-with-p384', 'ES512', 'ec_p384.pem'],
  ['es256-with-p521', 'ES256', 'ec_p521.pem'],
  ['es256-with-secp256k1', 'ES256', 'ec_secp256k1.pem'],
  ['es256-with-rsa', 'ES256', 'rsa2048.pem'],
  ['rs256-with-ec', 'RS256', 'ec_p256.pem'],
  ['ps256-with-ec', 'PS256', 'ec_p256.pem'],
  ['rs256-with-ed25519', 'RS256', 'ed25519.pem'],
  ['es256-with-ed25519', 'ES256', 'ed25519.pem'],
  ['rs256-with-ed448', 'RS256', 'ed448.pem'],
  ['es256-with-ed448', 'ES256', 'ed448.pem'],
];
for (const [slug, alg, file] of MISMATCHES) {
  add({ name: slug, key: KEY.file(file), options: { algorithm: alg } });
  add({ name: `${slug}-allow-invalid`, key: KEY.file(file), options: { algorithm: alg, allowInvalidAsymmetricKeyTypes: true } });
}
add({ name: 'rs256-with-ec-allow-invalid-and-insecure', key: KEY.file('ec_p256.pem'), options: { algorithm: 'RS256', allowInvalidAsymmetricKeyTypes: true, allowInsecureKeySizes: true } });
add({ name: 'hs256-with-ed448', key: KEY.file('ed448.pem'), options: { algorithm: 'HS256' } });

// RSA-PSS keys (OID id-RSASSA-PSS) with every PS algorithm and RS256.
const PSS_KEYS = ['rsapss2048.pem', 'rsapss2048_sha256.pem', 'rsapss2048_sha256_salt64.pem', 'rsapss2048_sha512_mgf256.pem'];
for (const file of PSS_KEYS) {
  const keySlug = file.replace('.pem', '').replace(/_/g, '-');
  for (const alg of ['PS256', 'PS384', 'PS512', 'RS256']) {
    add({ name: `${alg.toLowerCase()}-${keySlug}`, key: KEY.file(file), options: { algorithm: alg } });
  }
  add({ name: `ps256-${keySlug}-allow-invalid`, key: KEY.file(file), options: { algorithm: 'PS256', allowInvalidAsymmetricKeyTypes: true } });
}
add({ name: 'hs256-rsapss2048-sha256', key: KEY.file('rsapss2048_sha256.pem'), options: { algorithm: 'HS256' } });
add({ name: 'ps512-rsapss2048-sha512-mgf256-allow-invalid', key: KEY.file('rsapss2048_sha512_mgf256.pem'), options: { algorithm: 'PS512', allowInvalidAsymmetricKeyTypes: true } });

// ---------------------------------------------------------------------------
// 12. mutatePayload
// ---------------------------------------------------------------------------

const MUTATE_OPTIONS = [
  ['plain', {}],
  ['expires-in', { expiresIn: 60 }],
  ['all-claims', { expiresIn: 60, notBefore: 5, audience: 'a', issuer: 'i', subject: 's', jwtid: 'j' }],
  ['no-timestamp', { noTimestamp: true }],
];
for (const [slug, extra] of MUTATE_OPTIONS) {
  for (const mutate of [true, false]) {
    add({
      name: `mutate-payload-${mutate}-${slug}`,
      payload: PAYLOAD.json({ iat: 1000, keep: 'me' }),
      options: Object.assign({ mutatePayload: mutate }, extra),
    });
  }
}
add({ name: 'mutate-payload-true-proto-key', payload: PAYLOAD.json(JSON.parse('{"__proto__": {"x": 1}, "y": 2}')), options: { mutatePayload: true } });
add({ name: 'mutate-payload-true-invalid-option', note: 'validation fails before any mutation', payload: PAYLOAD.json({ a: 1 }), options: { mutatePayload: true, keyid: 5 } });
add({ name: 'mutate-payload-true-bad-timespan', note: 'iat is written before notBefore fails', payload: PAYLOAD.json({ a: 1 }), options: { mutatePayload: true, notBefore: 'abc' } });

// ---------------------------------------------------------------------------
// Run everything and write the file
// ---------------------------------------------------------------------------

const output = {
  generator: 'tools/node-vectors/generate.js',
  jsonwebtoken: jwtPackage.version,
  node: process.version,
  now_ms: FROZEN_NOW_MS,
  cases: cases.map(run),
};
fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
let text = JSON.stringify(output, null, 2) + '\n';
for (const [marker, raw] of rawTexts) text = text.replace(JSON.stringify(marker), () => raw);
JSON.parse(text); // still valid JSON
fs.writeFileSync(OUT_FILE, text);
console.log(`wrote ${output.cases.length} cases to ${path.relative(REPO_ROOT, OUT_FILE)}`);
