// npm run soak [-- --duration 600] [--workers 8] [--rate 100]
//
// Ten minutes (by default) of mixed traffic against the built service on a real PostgreSQL:
// creates, reads, updates and lists of organizations, member invitations, acceptances and
// member lists, at a steady rate. The service gets a database of its own on the server of
// DATABASE_URL (default the local server), created here and dropped at the end, with rate
// limiting off. It reports the answers by status (no 5xx allowed), the service's resident memory
// at start, after warm-up, at its peak and at the end (VmRSS from /proc), and the number of
// PostgreSQL connections to its database at start, at the peak and at the end. The figures go to
// the terminal and to bench/results/soak-*.json. Exits 1 if any answer was a 5xx or a request
// failed, 0 otherwise; it always stops by itself.
/* global AbortSignal, performance, setInterval, clearInterval */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    workers: { type: 'string', default: '8' },
    rate: { type: 'string', default: '100' },
  },
});
const DURATION_S = positive('duration', args.duration);
const WORKERS = positive('workers', args.workers);
const RATE = positive('rate', args.rate);
const WARM_UP_S = Math.min(60, Math.round(DURATION_S / 10));
const SAMPLE_EVERY_MS = 1000;
const REQUEST_TIMEOUT_MS = 30_000;
/** However the run goes, the script ends this long after its planned end. */
const HARD_STOP_MS = (DURATION_S + 180) * 1000;

const SECRET = 'soak-secret-0123456789abcdefghij';
const ISSUER = 'https://api.hatidata.com';
const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = `organizations_soak_${randomBytes(4).toString('hex')}`;
const RESULTS_DIR = new URL('./results/', import.meta.url);
const ROLES = ['admin', 'developer', 'analyst', 'auditor', 'service_account'];

/** The traffic mix: operation and its share of requests. */
const MIX = [
  ['create organization', 10],
  ['read organization', 28],
  ['update organization', 12],
  ['list organizations', 14],
  ['invite member', 12],
  ['accept invitation', 10],
  ['list members', 14],
];

function positive(name, value) {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new Error(`--${name} must be a positive whole number`);
  }

  return number;
}

function tokenFor(sub, email) {
  return jwt.sign({ email }, SECRET, {
    algorithm: 'HS256',
    subject: sub,
    issuer: ISSUER,
    expiresIn: DURATION_S + 3600,
  });
}

function newUser() {
  const id = randomBytes(6).toString('hex');
  const sub = `usr_soak_${id}`;
  const email = `soak-${id}@soak.test`;

  return { sub, email, token: tokenFor(sub, email) };
}

function databaseUrl(name) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;

  return url.toString();
}

async function withAdmin(action) {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    return await action(admin);
  } finally {
    await admin.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startService(port) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl(DATABASE),
      JWT_SECRET: SECRET,
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      SWAGGER_ENABLED: 'false',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the service exited during start-up: ${stderr}`);
    }
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) {
        return { child, exited, stderr: () => stderr };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not become ready: ${stderr}`);
}

async function residentMemoryMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);

  return Math.round((kb / 1024) * 10) / 10;
}

async function connectionCount(admin) {
  const { rows } = await admin.query(
    'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1',
    [DATABASE],
  );

  return rows[0].count;
}

/** What the traffic has created so far, for the next requests to use. */
class World {
  organizations = [];
  invitations = [];
  created = 0;

  anyOrganization() {
    return this.organizations[Math.floor(Math.random() * this.organizations.length)];
  }

  addOrganization(organization) {
    this.created += 1;
    this.organizations.push(organization);
    if (this.organizations.length > 2000) {
      this.organizations.splice(0, 1000);
    }
  }
}

function pickOperation() {
  const total = MIX.reduce((sum, [, share]) => sum + share, 0);
  let roll = Math.random() * total;
  for (const [name, share] of MIX) {
    roll -= share;
    if (roll < 0) {
      return name;
    }
  }

  return MIX[0][0];
}

/** One request of the named kind: method, path, token, body and the status it must get. */
function requestFor(name, world) {
  const organization = world.anyOrganization();
  if (name === 'create organization' || !organization) {
    const owner = newUser();
    const slug = `soak-${randomBytes(6).toString('hex')}`;

    return {
      name: 'create organization',
      method: 'POST',
      path: '/v1/organizations',
      user: owner,
      body: { name: `Soak ${slug}`, slug, billing_email: 'billing@soak.test' },
      expect: 201,
      then: (body) => world.addOrganization({ orgId: body.org_id, owner }),
    };
  }
  const { orgId, owner } = organization;
  switch (name) {
    case 'read organization':
      return { name, method: 'GET', path: `/v1/organizations/${orgId}`, user: owner, expect: 200 };
    case 'update organization':
      return {
        name,
        method: 'PUT',
        path: `/v1/organizations/${orgId}`,
        user: owner,
        body: { name: `Soak renamed ${randomBytes(3).toString('hex')}` },
        expect: 200,
      };
    case 'list organizations':
      return { name, method: 'GET', path: '/v1/organizations?limit=20', user: owner, expect: 200 };
    case 'invite member': {
      const invitee = newUser();

      return {
        name,
        method: 'POST',
        path: `/v1/organizations/${orgId}/users`,
        user: owner,
        body: { email: invitee.email, role: ROLES[Math.floor(Math.random() * ROLES.length)] },
        expect: 201,
        then: () => world.invitations.push({ orgId, invitee }),
      };
    }
    case 'accept invitation': {
      const invitation = world.invitations.shift();
      if (!invitation) {
        return requestFor('invite member', world);
      }

      return {
        name,
        method: 'POST',
        path: `/v1/organizations/${invitation.orgId}/invitation/accept`,
        user: invitation.invitee,
        expect: 200,
      };
    }
    default:
      return {
        name: 'list members',
        method: 'GET',
        path: `/v1/organizations/${orgId}/users?limit=50`,
        user: owner,
        expect: 200,
      };
  }
}

function percentile(sorted, fraction) {
  if (sorted.length === 0) {
    return null;
  }

  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

async function main() {
  const hardStop = setTimeout(() => {
    console.error('the soak ran past its hard limit; stopping');
    process.exit(2);
  }, HARD_STOP_MS);
  hardStop.unref();

  await withAdmin((admin) => admin.query(`CREATE DATABASE ${DATABASE}`));
  const admin = new pg.Client({ connectionString: SERVER_URL });
  let service;
  try {
    await admin.connect();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    service = await startService(port);
    const pid = service.child.pid;

    const memory = { start_mb: await residentMemoryMb(pid), peak_mb: 0, samples: [] };
    const connections = { start: await connectionCount(admin), peak: 0, samples: [] };
    memory.peak_mb = memory.start_mb;
    connections.peak = connections.start;
    const startedAt = Date.now();
    const endsAt = startedAt + DURATION_S * 1000;
    let warmUpDone = false;

    const sampler = setInterval(async () => {
      try {
        const elapsed = Math.round((Date.now() - startedAt) / 1000);
        const rss = await residentMemoryMb(pid);
        const count = await connectionCount(admin);
        memory.peak_mb = Math.max(memory.peak_mb, rss);
        connections.peak = Math.max(connections.peak, count);
        if (elapsed % 10 === 0) {
          memory.samples.push([elapsed, rss]);
          connections.samples.push([elapsed, count]);
        }
        if (!warmUpDone && elapsed >= WARM_UP_S) {
          warmUpDone = true;
          memory.after_warm_up_mb = rss;
        }
      } catch {
        // the service is going away at the end of the run
      }
    }, SAMPLE_EVERY_MS);

    const world = new World();
    const byStatus = {};
    const failures = {};
    const latencies = Object.fromEntries(MIX.map(([name]) => [name, []]));
    const unexpected = [];
    const intervalMs = 1000 / RATE;
    let nextSlot = Date.now();
    let sent = 0;

    const worker = async () => {
      while (Date.now() < endsAt) {
        const slot = nextSlot;
        nextSlot += intervalMs;
        const wait = slot - Date.now();
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        if (Date.now() >= endsAt) {
          return;
        }
        const request = requestFor(pickOperation(), world);
        const began = performance.now();
        sent += 1;
        try {
          const response = await fetch(`${base}${request.path}`, {
            method: request.method,
            headers: {
              authorization: `Bearer ${request.user.token}`,
              ...(request.body ? { 'content-type': 'application/json' } : {}),
            },
            body: request.body ? JSON.stringify(request.body) : undefined,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          latencies[request.name].push(performance.now() - began);
          byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
          if (response.status === request.expect) {
            request.then?.(JSON.parse(text));
          } else if (unexpected.length < 20) {
            unexpected.push({ operation: request.name, status: response.status, body: text });
          }
        } catch (error) {
          const reason = error?.cause?.code ?? error?.name ?? 'error';
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));

    clearInterval(sampler);
    memory.end_mb = await residentMemoryMb(pid);
    connections.end = await connectionCount(admin);
    const totalRequests = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
    const serverErrors = Object.entries(byStatus)
      .filter(([status]) => Number(status) >= 500)
      .reduce((sum, [, count]) => sum + count, 0);
    const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);

    service.child.kill('SIGTERM');
    const exit = await service.exited;

    const result = {
      finished_at: new Date().toISOString(),
      duration_s: DURATION_S,
      workers: WORKERS,
      target_rate_per_s: RATE,
      requests: totalRequests,
      sent,
      achieved_rate_per_s: Math.round((totalRequests / DURATION_S) * 10) / 10,
      by_status: byStatus,
      server_errors_5xx: serverErrors,
      request_failures: failures,
      unexpected_answers: unexpected,
      latency_ms: Object.fromEntries(
        Object.entries(latencies).map(([name, values]) => {
          const sorted = values.sort((a, b) => a - b);

          return [
            name,
            {
              count: sorted.length,
              p50: round(percentile(sorted, 0.5)),
              p99: round(percentile(sorted, 0.99)),
              max: round(sorted.at(-1) ?? null),
            },
          ];
        }),
      ),
      resident_memory_mb: memory,
      postgres_connections: connections,
      organizations_created: world.created,
      service_exit: exit,
    };
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = join(
      RESULTS_DIR.pathname,
      `soak-${result.finished_at.replace(/[:.]/g, '-')}.json`,
    );
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);

    console.log(
      `soak: ${DURATION_S} s, ${totalRequests} requests (${result.achieved_rate_per_s}/s)`,
    );
    console.log(
      `  by status: ${JSON.stringify(byStatus)}; 5xx: ${serverErrors}; failed: ${failed}`,
    );
    console.log(
      `  resident memory MB: start ${memory.start_mb}, after warm-up ${memory.after_warm_up_mb}, ` +
        `peak ${memory.peak_mb}, end ${memory.end_mb}`,
    );
    console.log(
      `  PostgreSQL connections: start ${connections.start}, peak ${connections.peak}, ` +
        `end ${connections.end}`,
    );
    console.log(`  service exit after SIGTERM: ${JSON.stringify(exit)}`);
    console.log(`  written to ${file}`);
    if (unexpected.length > 0) {
      console.log(`  unexpected answers (first ${unexpected.length}):`, unexpected.slice(0, 5));
    }
    process.exitCode = serverErrors > 0 || failed > 0 ? 1 : 0;
  } finally {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
    }
    await admin.end().catch(() => undefined);
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  }
}

function round(value) {
  return value === null ? null : Math.round(value * 10) / 10;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
