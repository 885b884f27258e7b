// The cheapest server that does the work of GET /v1/organizations/{org_id}: node:http and pg
// only. It verifies the same HS256 token, runs the same authorization-and-read query and
// writes the same JSON, so its throughput is this machine's limit for that work.
//
//   DATABASE_URL=... JWT_SECRET=... PORT=4000 node bench/baseline/server.mjs
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const { DATABASE_URL, JWT_SECRET, PORT = '4000' } = process.env;
const ISSUER = process.env.JWT_ISSUER || 'https://api.hatidata.com';
const ORG_PATH = /^\/v1\/organizations\/([^/?]+)$/;
const ORG_ID = /^org_[a-z2-7]{16}$/;
const QUERY = `
  SELECT o.*, m.role AS membership_role
    FROM organizations o
    JOIN organization_memberships m
      ON m.org_id = o.org_id AND m.user_id = $2 AND m.status = 'active'
   WHERE o.org_id = $1`;

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });

function iso(date) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function organization(row) {
  return {
    org_id: row.org_id,
    name: row.name,
    slug: row.slug,
    billing_email: row.billing_email,
    cloud_region: row.cloud_region,
    tier: row.tier,
    status: row.status,
    stripe_customer_id: row.stripe_customer_id,
    stripe_subscription_id: row.stripe_subscription_id,
    settings: {
      mfa_required: row.mfa_required,
      enforce_sso: row.enforce_sso,
      sso_provider: row.sso_provider,
    },
    quotas: {
      monthly_credit_limit: row.monthly_credit_limit,
      used: row.credits_used,
      max_concurrent_queries: row.max_concurrent_queries,
      storage_limit_gb: row.storage_limit_gb,
    },
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function send(response, status, body, requestId) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': requestId,
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
    const claims = jwt.verify(match[1], JWT_SECRET, {
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
    const { rows } = await pool.query(QUERY, [match[1], user.sub]);
    const row = rows[0];
    if (!row) {
      fail(response, 404, 'NOT_FOUND', 'Organization not found', requestId);
    } else if (row.mfa_required && !user.amr.includes('mfa')) {
      fail(response, 403, 'FORBIDDEN', 'MFA required', requestId);
    } else if (row.enforce_sso && user.idp !== row.sso_provider) {
      fail(response, 403, 'FORBIDDEN', 'SSO required', requestId);
    } else {
      send(response, 200, organization(row), requestId);
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
