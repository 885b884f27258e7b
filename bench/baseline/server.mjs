// The cheapest server that does the work of GET /v1/organizations/{org_id}: node:http and pg
// only. It verifies the same HS256 token, runs the same authorization-and-read query and
// writes the same JSON, so its throughput is this machine's limit for that work.
//
//   DATABASE_URL=... JWT_SECRET=... PORT=4000 node bench/baseline/server.mjs
import { createSecretKey, randomBytes } from 'node:crypto';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { ACCESS_QUERY, toOrganization } from './organization.mjs';

const { DATABASE_URL, JWT_SECRET, PORT = '4000' } = process.env;
const ISSUER = process.env.JWT_ISSUER || 'https://api.hatidata.com';
const ORG_PATH = /^\/v1\/organizations\/([^/?]+)$/;
const ORG_ID = /^org_[a-z2-7]{16}$/;

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
// Parsed once: given a string, jsonwebtoken would try it as a public key on every verification.
const SECRET_KEY = createSecretKey(Buffer.from(JWT_SECRET));

function send(response, status, body, requestId, headers = {}) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': requestId,
    ...headers,
  });
  response.end(JSON.stringify(body));
}

function fail(response, status, code, message, requestId) {
  send(response, status, { error: { code, message, request_id: requestId } }, requestId);
}

function authenticate(header) {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) {
    return null;
  }
  try {
    const claims = jwt.verify(match[1], SECRET_KEY, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      clockTolerance: 30,
    });
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || !claims.sub) {
      return null;
    }

    return {
      sub: claims.sub,
      amr: Array.isArray(claims.amr) ? claims.amr : [],
      idp: typeof claims.idp === 'string' ? claims.idp : null,
    };
  } catch {
    return null;
  }
}

const server = http.createServer(async (request, response) => {
  const requestId = `req_${randomBytes(12).toString('base64url')}`;
  const match = request.method === 'GET' ? ORG_PATH.exec(request.url ?? '') : null;
  if (!match) {
    fail(response, 404, 'NOT_FOUND', 'No such route', requestId);

    return;
  }
  const user = authenticate(request.headers.authorization);
  if (!user) {
    fail(response, 401, 'UNAUTHORIZED', 'The token is invalid', requestId);

    return;
  }
  if (!ORG_ID.test(match[1])) {
    fail(response, 404, 'NOT_FOUND', 'Organization not found', requestId);

    return;
  }
  try {
    const { rows } = await pool.query(ACCESS_QUERY, [match[1], user.sub]);
    const row = rows[0];
    if (!row) {
      fail(response, 404, 'NOT_FOUND', 'Organization not found', requestId);
    } else if (row.mfa_required && !user.amr.includes('mfa')) {
      fail(response, 403, 'FORBIDDEN', 'MFA required', requestId);
    } else if (row.enforce_sso && user.idp !== row.sso_provider) {
      fail(response, 403, 'FORBIDDEN', 'SSO required', requestId);
    } else {
      send(response, 200, toOrganization(row), requestId, { etag: `"${row.version}"` });
    }
  } catch {
    fail(response, 503, 'SERVICE_UNAVAILABLE', 'Database unavailable', requestId);
  }
});

server.keepAliveTimeout = 72_000;
server.listen(Number(PORT), '127.0.0.1', () => {
  console.log(`baseline listening on ${PORT}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end();
});
