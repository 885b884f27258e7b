#!/usr/bin/env node
// Prints a JWT that the service, run with the same environment, accepts.
//
//   npm run --silent token -- --sub usr_demo --email demo@example.com [--name "Demo User"]
//       [--amr mfa] [--idp okta] [--expires-in 1h] [--private-key key.pem]
//
// HS256 with JWT_SECRET, or with the development secret the service keeps under DATA_DIR
// when no key is configured. For a service verifying RS256 (JWT_PUBLIC_KEY or JWKS_URI),
// pass the matching private key with --private-key.
import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';

const DEFAULT_ISSUER = 'https://api.hatidata.com';

function fail(message) {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      sub: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      amr: { type: 'string', multiple: true },
      idp: { type: 'string' },
      'expires-in': { type: 'string', default: '1h' },
      'private-key': { type: 'string' },
      kid: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(error.message);
}
const args = parsed.values;
if (args.help) {
  process.stdout.write(
    'usage: npm run --silent token -- --sub USER_ID [--email E] [--name N] [--amr mfa]\n' +
      '       [--idp okta] [--expires-in 1h] [--private-key FILE] [--kid KEY_ID]\n',
  );
  process.exit(0);
}
if (!args.sub) {
  fail('--sub is required (the user id the token speaks for)');
}

function signingKey() {
  if (args['private-key']) {
    return { key: readFileSync(args['private-key'], 'utf8'), algorithm: 'RS256' };
  }
  if (process.env.JWT_PUBLIC_KEY || process.env.JWKS_URI) {
    fail('the service verifies RS256 tokens; pass the matching key with --private-key FILE');
  }
  if (process.env.JWT_SECRET) {
    return { key: process.env.JWT_SECRET, algorithm: 'HS256' };
  }
  const secretFile = join(process.env.DATA_DIR || './data', 'jwt-dev-secret');
  try {
    return { key: readFileSync(secretFile, 'utf8').trim(), algorithm: 'HS256' };
  } catch {
    fail(`no JWT_SECRET and no development secret at ${secretFile}; start the service once first`);
  }
}

const { key, algorithm } = signingKey();
const claims = {
  ...(args.email ? { email: args.email } : {}),
  ...(args.name ? { name: args.name } : {}),
  ...(args.amr ? { amr: args.amr.flatMap((value) => value.split(',')) } : {}),
  ...(args.idp ? { idp: args.idp } : {}),
};
const token = jwt.sign(claims, key, {
  algorithm,
  subject: args.sub,
  issuer: process.env.JWT_ISSUER || DEFAULT_ISSUER,
  ...(process.env.JWT_AUDIENCE ? { audience: process.env.JWT_AUDIENCE } : {}),
  expiresIn: args['expires-in'],
  ...(args.kid ? { keyid: args.kid } : {}),
});
process.stdout.write(`${token}\n`);
