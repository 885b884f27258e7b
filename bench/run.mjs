// npm run bench [-- --scale large] [--duration 15] [--connections 50] [--profile]
//                [--skip-embedded] [--skip-adapters] [--get-only]
//
// Starts the built service on a real PostgreSQL (DATABASE_URL, default the local server) with a
// database of its own, seeds it through SQL, and drives each endpoint with autocannon. A
// minimal node:http + pg server doing the same GET (bench/baseline) runs in the same session,
// alternating with the service, as the machine's limit. Results: a table here and JSON under
// bench/results/.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { startCountingProxy } from './pg-proxy.mjs';
import { summarizeProfile } from './profile-summary.mjs';
import { BENCH_USER, seed } from './seed.mjs';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'default' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '50' },
    'skip-embedded': { type: 'boolean', default: false },
    'skip-adapters': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    // Only the GET held to the baseline (no other scenario, adapter or embedded run).
    'get-only': { type: 'boolean', default: false },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WARMUP = 5;
const SECRET = 'benchmark-secret-0123456789abcdef';
const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = `organizations_bench_${args.scale}`;

const token = jwt.sign({ email: 'bench@bench.test' }, SECRET, {
  algorithm: 'HS256',
  subject: BENCH_USER,
  issuer: 'https://api.hatidata.com',
  expiresIn: '2h',
});
const auth = { authorization: `Bearer ${token}` };
// Creates go to another user, so the benchmark user stays a member of exactly 500 organizations.
const creatorToken = jwt.sign({ email: 'creator@bench.test' }, SECRET, {
  algorithm: 'HS256',
  subject: 'usr_bench_creator',
  issuer: 'https://api.hatidata.com',
  expiresIn: '2h',
});
const creatorAuth = { authorization: `Bearer ${creatorToken}` };

function databaseUrl(name, port) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  if (port) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }

  return url.toString();
}

async function recreateDatabase() {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
}

/**
 * The Node.js flags `npm start` runs the service with (its heap limit), so that the service is
 * measured as it is deployed.
 */
const START_FLAGS = (() => {
  const script = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start;
  const flags = /node (.*)dist\/src\/main\.js/.exec(script)?.[1] ?? '';

  return flags.split(' ').filter(Boolean);
})();

function start(command, argv, env, readyUrl) {
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + 60_000;

  return new Promise((resolve, reject) => {
    const poll = async () => {
      if (child.exitCode !== null) {
        reject(new Error(`${argv.join(' ')} exited: ${stderr}`));

        return;
      }
      try {
        const response = await fetch(readyUrl);
        if (response.status < 500) {
          resolve(child);

          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        reject(new Error(`${argv.join(' ')} did not become ready: ${stderr}`));

        return;
      }
      setTimeout(poll, 200);
    };
    void poll();
  });
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function residentMemory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);

  return {
    rss_mb: Math.round(field('VmRSS') / 1024),
    peak_rss_mb: Math.round(field('VmHWM') / 1024),
  };
}

function load(base, scenario, duration) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration,
        requests: [scenario.request()],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('error', reject);
  });
}

function summarize(name, target, result, extra = {}) {
  return {
    scenario: name,
    target,
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total_requests: result.requests.total,
    ...extra,
  };
}

/** Active memberships with a token for each member, to spread the GET over many callers. */
async function memberTokens(client, count = 5000) {
  const { rows } = await client.query(
    `SELECT org_id, user_id FROM organization_memberships
      WHERE status = 'active' ORDER BY md5(id) LIMIT $1`,
    [count],
  );
  const tokens = new Map();

  return rows.map((row) => {
    if (!tokens.has(row.user_id)) {
      tokens.set(
        row.user_id,
        jwt.sign({}, SECRET, {
          algorithm: 'HS256',
          subject: row.user_id,
          issuer: 'https://api.hatidata.com',
          expiresIn: '2h',
        }),
      );
    }

    return { orgId: row.org_id, authorization: `Bearer ${tokens.get(row.user_id)}` };
  });
}

/** GET of one organization, each request by another member of another organization. */
function memberGet(members) {
  const pick = () => members[Math.floor(Math.random() * members.length)];

  return {
    name: 'GET /v1/organizations/{id}',
    key: 'get',
    request: () => ({
      method: 'GET',
      setupRequest: (request) => {
        const member = pick();

        return {
          ...request,
          path: `/v1/organizations/${member.orgId}`,
          headers: { ...request.headers, authorization: member.authorization },
        };
      },
    }),
  };
}

function scenarios(orgIds, deepCursor) {
  let counter = 0;
  const runId = Date.now().toString(36);
  const pick = () => orgIds[Math.floor(Math.random() * orgIds.length)];

  return [
    {
      name: 'GET /v1/organizations/{id}',
      key: 'get',
      request: () => ({
        method: 'GET',
        headers: auth,
        setupRequest: (request) => ({ ...request, path: `/v1/organizations/${pick()}` }),
      }),
    },
    {
      name: 'PUT /v1/organizations/{id} (name)',
      key: 'put',
      request: () => ({
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          path: `/v1/organizations/${pick()}`,
          body: JSON.stringify({ name: `Renamed ${(counter += 1)}` }),
        }),
      }),
    },
    {
      name: 'POST /v1/organizations',
      key: 'post',
      request: () => ({
        method: 'POST',
        path: '/v1/organizations',
        headers: { ...creatorAuth, 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            name: 'Bench Created',
            slug: `b-${runId}-${(counter += 1)}`,
            billing_email: 'billing@bench.test',
          }),
        }),
      }),
    },
    {
      name: 'GET /v1/organizations (first page)',
      key: 'list_first',
      request: () => ({ method: 'GET', path: '/v1/organizations?limit=50', headers: auth }),
    },
    {
      name: 'GET /v1/organizations (deep page)',
      key: 'list_deep',
      request: () => ({
        method: 'GET',
        path: `/v1/organizations?limit=50&cursor=${deepCursor}`,
        headers: auth,
      }),
    },
    {
      name: 'GET /v1/organizations/{id}/users',
      key: 'users',
      request: () => ({
        method: 'GET',
        headers: auth,
        setupRequest: (request) => ({ ...request, path: `/v1/organizations/${pick()}/users` }),
      }),
    },
  ];
}

/** Sends `count` requests one by one and returns the database round trips each one took. */
async function roundTripsPerRequest(base, scenario, proxy, count = 50) {
  const template = scenario.request();
  const before = proxy.counter.roundTrips;
  for (let i = 0; i < count; i += 1) {
    const request = template.setupRequest
      ? template.setupRequest({ path: template.path })
      : { path: template.path };
    const response = await fetch(`${base}${request.path}`, {
      method: template.method,
      headers: template.headers,
      body: request.body ?? template.body,
    });
    await response.arrayBuffer();
  }

  return (proxy.counter.roundTrips - before) / count;
}

async function deepPageCursor(base) {
  let cursor = null;
  for (let page = 0; page < 8; page += 1) {
    const query = cursor ? `&cursor=${cursor}` : '';
    const response = await fetch(`${base}/v1/organizations?limit=50${query}`, { headers: auth });
    const body = await response.json();
    cursor = body.pagination.cursor;
  }

  return cursor;
}

function printTable(rows) {
  const columns = [
    ['scenario', 40],
    ['target', 13],
    ['requests_per_second', 8],
    ['p50_ms', 7],
    ['p99_ms', 7],
    ['non_2xx', 8],
    ['round_trips', 11],
    ['peak_rss_mb', 11],
  ];
  const header = [
    'scenario',
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'db trips',
    'peak MB',
  ];
  const line = (values) =>
    values.map((value, i) => String(value ?? '').padEnd(columns[i][1])).join(' ');
  console.log(line(header));
  for (const row of rows) {
    console.log(line(columns.map(([key]) => row[key])));
  }
}

/** A CPU profile of the service under the GET load, summarized by package. */
async function profileGet(serviceEnv, directUrl, get) {
  const directory = 'bench/results/profiles';
  await mkdir(directory, { recursive: true });
  const before = new Set(await readdir(directory));
  const profiled = await start(
    'node',
    [...START_FLAGS, '--cpu-prof', `--cpu-prof-dir=${directory}`, 'dist/src/main.js'],
    { ...serviceEnv, PORT: '3909', DATABASE_URL: directUrl },
    'http://127.0.0.1:3909/health/ready',
  );
  await load('http://127.0.0.1:3909', get, WARMUP);
  await load('http://127.0.0.1:3909', get, DURATION);
  await stop(profiled);
  const written = (await readdir(directory)).filter((name) => !before.has(name));
  for (const name of written) {
    const summary = await summarizeProfile(join(directory, name));
    console.log(`CPU profile of the service under GET load (${directory}/${name}):`);
    console.log(`  busy ${(summary.busy_share * 100).toFixed(1)}% of the profiled time`);
    for (const row of summary.rows) {
      console.log(`  ${(row.share_of_busy * 100).toFixed(1).padStart(5)}%  ${row.bucket}`);
    }
  }
}

/**
 * The same minimal Nest application (token guard, access query, JSON) on Fastify and on Express,
 * alternating, so that the choice of adapter rests on a measurement of this machine.
 */
async function compareAdapters(directUrl, get) {
  const rows = [];
  const servers = {};
  let port = 3905;
  for (const adapter of ['fastify', 'express']) {
    port += 1;
    const child = await start(
      'node',
      ['bench/adapters/server.mjs'],
      { ADAPTER: adapter, PORT: String(port), DATABASE_URL: directUrl, JWT_SECRET: SECRET },
      `http://127.0.0.1:${port}/v1/organizations/org_unknown`,
    );
    servers[adapter] = { child, base: `http://127.0.0.1:${port}` };
    await load(servers[adapter].base, get, WARMUP);
  }
  for (let round = 1; round <= 2; round += 1) {
    for (const [adapter, { child, base }] of Object.entries(servers)) {
      const run = await load(base, get, DURATION);
      rows.push(
        summarize(`${get.name} (bare Nest)`, `nest+${adapter}`, run, {
          round,
          ...(await residentMemory(child.pid)),
        }),
      );
    }
  }
  for (const { child } of Object.values(servers)) {
    await stop(child);
  }

  return rows;
}

async function main() {
  console.log(`benchmark: scale ${args.scale}, ${CONNECTIONS} connections, ${DURATION} s per run`);
  await recreateDatabase();
  const directUrl = databaseUrl(DATABASE);
  const target = new URL(directUrl);
  const proxy = await startCountingProxy(target.hostname, Number(target.port || 5432));
  // The GET that is held to the baseline runs as deployed: a request line logged for every
  // request (to standard output, discarded here) and the rate limit on, counted in memory; its
  // load is spread over thousands of members so that no caller passes its tier's limit.
  const productionEnv = { JWT_SECRET: SECRET, NODE_ENV: 'production', SWAGGER_ENABLED: 'false' };
  // The other scenarios send everything as one or a few callers, past every tier's burst, so
  // they run with the limit off; they are not compared with a baseline.
  const serviceEnv = { ...productionEnv, RATE_LIMIT_ENABLED: 'false' };
  const results = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'organizations-bench-'));

  try {
    // Migrate, seed, and count round trips with the service behind the counting proxy.
    const counted = await start(
      'node',
      [...START_FLAGS, 'dist/src/main.js'],
      { ...serviceEnv, PORT: '3901', DATABASE_URL: databaseUrl(DATABASE, proxy.port) },
      'http://127.0.0.1:3901/health/ready',
    );
    const client = new pg.Client({ connectionString: directUrl });
    await client.connect();
    const seedStart = Date.now();
    const orgIds = await seed(client, args.scale);
    const members = await memberTokens(client);
    await client.end();
    console.log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const countedBase = 'http://127.0.0.1:3901';
    const deepCursor = await deepPageCursor(countedBase);
    const roundTrips = {};
    const counting = scenarios(orgIds, deepCursor);
    for (const scenario of args['get-only'] ? counting.slice(0, 1) : counting) {
      roundTrips[scenario.key] = await roundTripsPerRequest(countedBase, scenario, proxy);
    }
    await stop(counted);

    // Load, on a direct connection, with the baseline alternating on the GET.
    const service = await start(
      'node',
      [...START_FLAGS, 'dist/src/main.js'],
      { ...productionEnv, PORT: '3902', DATABASE_URL: directUrl },
      'http://127.0.0.1:3902/health/ready',
    );
    const baseline = await start(
      'node',
      ['bench/baseline/server.mjs'],
      { PORT: '3903', DATABASE_URL: directUrl, JWT_SECRET: SECRET },
      'http://127.0.0.1:3903/health',
    );
    const serviceBase = 'http://127.0.0.1:3902';
    const baselineBase = 'http://127.0.0.1:3903';
    const all = scenarios(orgIds, deepCursor);
    const get = memberGet(members);

    const probe = `/v1/organizations/${orgIds[0]}`;
    const [fromService, fromBaseline] = await Promise.all(
      [serviceBase, baselineBase].map(async (base) => {
        const response = await fetch(`${base}${probe}`, { headers: auth });

        return {
          status: response.status,
          etag: response.headers.get('etag'),
          body: await response.json(),
        };
      }),
    );
    if (!isDeepStrictEqual(fromService, fromBaseline)) {
      throw new Error('the baseline does not answer as the service does; fix it first');
    }

    await load(serviceBase, get, WARMUP);
    await load(baselineBase, get, WARMUP);
    for (let round = 1; round <= 2; round += 1) {
      const serviceRun = await load(serviceBase, get, DURATION);
      results.push(
        summarize(get.name, 'service', serviceRun, {
          round,
          round_trips: roundTrips.get,
          ...(await residentMemory(service.pid)),
        }),
      );
      const baselineRun = await load(baselineBase, get, DURATION);
      results.push(
        summarize(get.name, 'baseline', baselineRun, {
          round,
          round_trips: 1,
          ...(await residentMemory(baseline.pid)),
        }),
      );
    }
    await stop(baseline);
    await stop(service);

    if (!args['get-only']) {
      const unlimited = await start(
        'node',
        [...START_FLAGS, 'dist/src/main.js'],
        { ...serviceEnv, PORT: '3908', DATABASE_URL: directUrl },
        'http://127.0.0.1:3908/health/ready',
      );
      for (const scenario of all.slice(1)) {
        await load('http://127.0.0.1:3908', scenario, WARMUP);
        const run = await load('http://127.0.0.1:3908', scenario, DURATION);
        results.push(
          summarize(scenario.name, 'service', run, {
            round_trips: roundTrips[scenario.key],
            ...(await residentMemory(unlimited.pid)),
          }),
        );
      }
      await stop(unlimited);
    }

    if (args.profile) {
      await profileGet(productionEnv, directUrl, get);
    }

    if (!args['skip-adapters'] && !args['get-only']) {
      results.push(...(await compareAdapters(directUrl, get)));
    }

    if (!args['skip-embedded'] && !args['get-only']) {
      const embedded = await start(
        'node',
        [...START_FLAGS, 'dist/src/main.js'],
        { ...serviceEnv, NODE_ENV: 'development', PORT: '3904', DATA_DIR: dataDir },
        'http://127.0.0.1:3904/health/ready',
      );
      const base = 'http://127.0.0.1:3904';
      const created = await fetch(`${base}/v1/organizations`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Embedded',
          slug: 'embedded-bench',
          billing_email: 'b@b.test',
        }),
      }).then((response) => response.json());
      const embeddedGet = scenarios([created.org_id], deepCursor)[0];
      await load(base, embeddedGet, WARMUP);
      const run = await load(base, embeddedGet, DURATION);
      results.push(
        summarize(`${get.name} (embedded PGlite)`, 'service', run, {
          ...(await residentMemory(embedded.pid)),
        }),
      );
      await stop(embedded);
    }
  } finally {
    proxy.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  const serviceGets = results.filter(
    (row) =>
      row.key === undefined &&
      row.scenario === 'GET /v1/organizations/{id}' &&
      row.target === 'service',
  );
  const baselineGets = results.filter(
    (row) => row.scenario === 'GET /v1/organizations/{id}' && row.target === 'baseline',
  );
  const mean = (rows, key) => rows.reduce((sum, row) => sum + row[key], 0) / rows.length;
  const comparison = {
    throughput_ratio:
      mean(serviceGets, 'requests_per_second') / mean(baselineGets, 'requests_per_second'),
    p99_ratio: mean(serviceGets, 'p99_ms') / mean(baselineGets, 'p99_ms'),
  };

  printTable(results);
  console.log(
    `GET vs baseline: throughput ${(comparison.throughput_ratio * 100).toFixed(0)}% ` +
      `(target >= 70%), p99 ${comparison.p99_ratio.toFixed(2)}x (target <= 1.5x)`,
  );
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-${args.scale}.json`;
  await writeFile(
    file,
    `${JSON.stringify({ scale: args.scale, connections: CONNECTIONS, duration_s: DURATION, comparison, results }, null, 2)}\n`,
  );
  console.log(`results written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
