// Contract tests derived from openapi.json by Portman and run by Newman against the built service
// (run: npm run test:contract, which builds first).
//
// 1. Starts dist/src/main.js on a free loopback port, with the embedded database in a new
//    temporary DATA_DIR and a random JWT_SECRET, from a temporary working directory so that no
//    .env file is read.
// 2. Signs HS256 tokens with that secret and creates what the collection acts on: an
//    organization with an SSO provider (the document's example PUT turns MFA and SSO on), two
//    members (one whose role changes, one who is removed), an invitee whose token matches, a
//    second organization for the lifecycle operations and a platform operator's token.
// 3. Runs Portman with contract/portman-config.json: a request per operation with the
//    document's examples, contract tests on status, content type, JSON body, schema (extra
//    properties refused), X-Request-Id; and variations: 401 without a token, 404 for an
//    organization that does not exist, 400 for bodies fuzzed past the document's limits.
//    Readiness is checked against its schema as written: Portman's `additionalProperties`
//    option closes every object, also those the document leaves free-form on purpose
//    (`info`, `details`: `type: object` without properties), so it is not applied there.
// 4. Runs the collection with Newman, stops the service and exits non-zero on any failure. The
//    working directory (collection, server log) is kept and named when something failed.
//
// Nothing here needs the network beyond 127.0.0.1.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import newman from 'newman';

const { fetch } = globalThis;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICE_ENTRY = join(ROOT, 'dist/src/main.js');
const OPENAPI_DOCUMENT = join(ROOT, 'openapi.json');
const PORTMAN_CONFIG = join(ROOT, 'contract/portman-config.json');
const PORTMAN_CLI = join(ROOT, 'node_modules/@apideck/portman/bin/portman');
const ISSUER = 'https://api.hatidata.com';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** Well-formed, and no organization has it. */
const MISSING_ORG_ID = 'org_aaaaaaaaaaaaaaaa';

const hex = (bytes) => randomBytes(bytes).toString('hex');

function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function startService(workDir, port, secret, operatorId) {
  const child = spawn(process.execPath, [SERVICE_ENTRY], {
    cwd: workDir,
    // Only what the service needs: nothing from the caller's shell (DATABASE_URL, JWT_*) leaks in.
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: join(workDir, 'data'),
      JWT_SECRET: secret,
      PLATFORM_ADMIN_USER_IDS: operatorId,
      LOG_LEVEL: 'warn',
      // The generated tests send many requests for one user within seconds; the free tier's
      // burst would answer some of them 429. test/rate-limit.e2e-spec.ts covers the limit.
      RATE_LIMIT_ENABLED: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));

  return { child, log: () => log };
}

async function waitUntilReady(service, baseUrl) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`the service exited during start-up:\n${service.log()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      if (response.status === 200) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the service was not ready within ${START_TIMEOUT_MS} ms:\n${service.log()}`);
}

async function stopService(service) {
  if (service.child.exitCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function newIdentity(secret, { email, claims = {} } = {}) {
  const sub = `usr_contract_${hex(6)}`;
  const address = email ?? `${sub}@contract.example`;
  const token = jwt.sign({ sub, email: address, ...claims }, secret, {
    algorithm: 'HS256',
    issuer: ISSUER,
    expiresIn: '1h',
  });

  return { sub, email: address, token };
}

async function call(baseUrl, method, path, token, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`setup: ${method} ${path} answered ${response.status}: ${text}`);
  }

  return text ? JSON.parse(text) : undefined;
}

/** An active member of `orgId` with `role`, invited by the owner and accepted with its own token. */
async function addMember(baseUrl, owner, orgId, identity, role) {
  await call(baseUrl, 'POST', `/v1/organizations/${orgId}/users`, owner.token, {
    email: identity.email,
    role,
  });
  await call(baseUrl, 'POST', `/v1/organizations/${orgId}/invitation/accept`, identity.token);
}

/**
 * What the collection acts on. The owner and the invitee sign in with MFA through Okta, so
 * that the document's example PUT (mfa_required and enforce_sso on) locks neither of them out.
 */
async function createFixtures(baseUrl, secret, operator) {
  const signedInWithSso = { amr: ['pwd', 'mfa'], idp: 'okta' };
  const owner = newIdentity(secret, { claims: signedInWithSso });
  const invitee = newIdentity(secret, { claims: signedInWithSso });
  const organization = await call(baseUrl, 'POST', '/v1/organizations', owner.token, {
    name: 'Contract Tests',
    slug: `contract-${hex(5)}`,
    billing_email: 'billing@contract.example',
    settings: { sso_provider: 'okta' },
  });
  const roleChange = newIdentity(secret);
  await addMember(baseUrl, owner, organization.org_id, roleChange, 'analyst');
  const removed = newIdentity(secret);
  await addMember(baseUrl, owner, organization.org_id, removed, 'analyst');
  // Suspended, unsuspended, cancelled and restored in turn; its checkout answers 503, as the
  // service runs without Stripe here.
  const lifecycle = await call(baseUrl, 'POST', '/v1/organizations', owner.token, {
    name: 'Contract Lifecycle',
    slug: `contract-lifecycle-${hex(5)}`,
    billing_email: 'billing@contract.example',
  });

  return [
    ['bearerToken', owner.token],
    ['orgId', organization.org_id],
    ['missingOrgId', MISSING_ORG_ID],
    ['inviteeEmail', invitee.email],
    ['inviteeToken', invitee.token],
    ['inviteeUserId', invitee.sub],
    ['roleChangeUserId', roleChange.sub],
    ['removedUserId', removed.sub],
    ['lifecycleOrgId', lifecycle.org_id],
    ['operatorToken', operator.token],
  ].map(([key, value]) => ({ key, value }));
}

async function generateCollection(workDir, baseUrl) {
  const collection = join(workDir, 'collection.json');
  // Portman keeps intermediate files under ./tmp: run it inside the working directory.
  await promisify(execFile)(
    process.execPath,
    [
      PORTMAN_CLI,
      '--local',
      OPENAPI_DOCUMENT,
      '--baseUrl',
      baseUrl,
      '--portmanConfigFile',
      PORTMAN_CONFIG,
      '--output',
      collection,
    ],
    { cwd: workDir, maxBuffer: 16 * 1024 * 1024 },
  );
  if (!existsSync(collection)) {
    throw new Error('Portman wrote no collection');
  }

  return collection;
}

function runNewman(collection, variables) {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        envVar: variables,
        reporters: ['cli'],
        timeoutRequest: 10_000,
        ignoreRedirects: true,
      },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

async function main() {
  if (!existsSync(SERVICE_ENTRY)) {
    throw new Error(`${SERVICE_ENTRY} is missing: run "npm run build" first`);
  }
  const workDir = await mkdtemp(join(tmpdir(), 'organizations-contract-'));
  const secret = hex(32);
  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const operator = newIdentity(secret);
  const service = startService(workDir, port, secret, operator.sub);
  let failed = true;
  try {
    await waitUntilReady(service, baseUrl);
    const variables = await createFixtures(baseUrl, secret, operator);
    const collection = await generateCollection(workDir, baseUrl);
    const summary = await runNewman(collection, variables);

    const { requests, assertions } = summary.run.stats;
    const problems = summary.run.failures.length;
    console.log(
      `contract tests: ${requests.total} requests, ${assertions.total} assertions, ` +
        `${assertions.failed} failed` +
        (problems > assertions.failed ? ` (${problems} failures in all)` : ''),
    );
    failed = problems > 0 || requests.failed > 0;
  } finally {
    await stopService(service);
    await writeFile(join(workDir, 'service.log'), service.log());
    if (failed) {
      console.error(`contract tests failed; collection and service log kept in ${workDir}`);
    } else {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`contract tests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
