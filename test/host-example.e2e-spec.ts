import { jest } from '@jest/globals';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { expectError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import type { ApiResponse } from './support/http.js';
import { ORGANIZATIONS_PATH, organizationPath } from './support/organizations.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { mintToken, newUser, TEST_JWT_SECRET, type TestUser } from './support/tokens.js';

// Building, packing and installing the package takes a while; the requests themselves do not.
jest.setTimeout(300_000);

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(REPOSITORY, 'examples', 'host-app');
const PACKAGE_NAME = '@hatidata/organizations';
/** What must exist once, shared by the host and the package, for dependency injection to work. */
const SHARED_DEPENDENCIES = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'typeorm'];
/** What a person running the example in place would create, and this spec must not. */
const LOCAL_OUTPUT = /(^|\/)(node_modules|dist)(\/|$)|\.tgz$/;

const execFileAsync = promisify(execFile);

/** The environment without the `npm_*` variables of the `npm test` that runs this file. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
}

/** Runs a command to completion; a failure carries its whole output. */
async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd,
      env: cleanEnvironment(),
      maxBuffer: 64 * 1024 * 1024,
    });

    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, {
      cause: error,
    });
  }
}

/** Every file under `dir`, relative to it, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });

  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A plain HTTP client. The suite's ApiClient also holds every answer to this service's OpenAPI
 * document, which the host's own routes are not part of.
 */
class HostClient {
  constructor(private readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) {
      headers.authorization = `Bearer ${options.token}`;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();

    return {
      status: response.status,
      headers: response.headers,
      text,
      body: response.headers.get('content-type')?.startsWith('application/json')
        ? JSON.parse(text)
        : undefined,
    };
  }

  get(path: string, token?: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request('GET', path, { token, headers });
  }

  post(path: string, token: string, body?: unknown): Promise<ApiResponse> {
    return this.request('POST', path, { token, body });
  }
}

interface HostProcess {
  child: ChildProcess;
  baseUrl: string;
}

/** Starts the compiled example as `npm start` would and waits until it answers HTTP. */
async function startHost(dir: string, env: Record<string, string>): Promise<HostProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const host = { child, baseUrl: `http://127.0.0.1:${port}` };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the example host exited during start-up:\n${output}`);
    }
    try {
      await (await fetch(`${host.baseUrl}/v1/organizations`)).text();

      return host;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stopHost(child);
  throw new Error(`the example host did not answer within 60 s:\n${output}`);
}

/** SIGTERM, as a platform stops a service; SIGKILL if it has not exited 10 s later. */
async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe('examples/host-app: a Nest service importing the packed module', () => {
  let workDir: string;
  let hostDir: string;
  let packedFiles: string[];
  let exampleFilesBefore: string[];
  let tarballsBefore: string[];
  let database: TestDatabase | undefined;
  let embedded: EmbeddedPostgres | undefined;
  let host: HostProcess | undefined;
  let api: HostClient;

  beforeAll(async () => {
    exampleFilesBefore = await listFiles(EXAMPLE);
    tarballsBefore = (await readdir(REPOSITORY)).filter((name) => name.endsWith('.tgz'));
    workDir = await mkdtemp(join(tmpdir(), 'organizations-host-example-'));

    await run('npm', ['run', 'build'], REPOSITORY);
    const packDir = join(workDir, 'pack');
    await mkdir(packDir);
    const [packed] = JSON.parse(
      await run('npm', ['pack', '--json', '--pack-destination', packDir], REPOSITORY),
    ) as { filename: string; files: { path: string }[] }[];
    packedFiles = packed.files.map((file) => file.path);

    hostDir = join(workDir, 'host-app');
    await cp(EXAMPLE, hostDir, {
      recursive: true,
      filter: (source) => !LOCAL_OUTPUT.test(relative(EXAMPLE, source)),
    });
    const tarball = join(packDir, packed.filename);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], hostDir);
    await run('npm', ['run', 'build'], hostDir);

    database = await createTestDatabase();
    if (!database.url) {
      embedded = await startEmbeddedPostgres();
    }
    host = await startHost(hostDir, {
      DATABASE_URL: database.url ?? (embedded as EmbeddedPostgres).url,
      // PGlite serves one connection at a time.
      DB_POOL_SIZE: embedded ? '1' : '5',
      JWT_SECRET: TEST_JWT_SECRET,
    });
    api = new HostClient(host.baseUrl);
  });

  afterAll(async () => {
    if (host) {
      await stopHost(host.child);
    }
    await embedded?.stop();
    await database?.drop();
    if (workDir) {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  const environmentsPath = (orgId: string): string => `${organizationPath(orgId)}/environments`;

  /** Joins `orgId` with `role` through the module's own invite and accept endpoints. */
  async function joinAs(owner: TestUser, orgId: string, role: string): Promise<TestUser> {
    const user = newUser();
    const invited = await api.post(`${organizationPath(orgId)}/users`, owner.token, {
      email: user.email,
      role,
    });
    expect(invited.status).toBe(201);
    const accepted = await api.post(`${organizationPath(orgId)}/invitation/accept`, user.token);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ user_id: user.sub, role, status: 'active' });

    return user;
  }

  async function newOrganization(): Promise<{ owner: TestUser; orgId: string }> {
    const owner = newUser();
    const created = await api.post(ORGANIZATIONS_PATH, owner.token, organizationBody());
    expect(created.status).toBe(201);

    return { owner, orgId: created.body.org_id };
  }

  it('packs the built entry with its types, and neither sources nor specs', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['package.json', 'dist/src/index.js', 'dist/src/index.d.ts']),
    );
    for (const path of packedFiles) {
      expect(path).toMatch(/^(dist\/|package\.json$|README\.md$)/);
      expect(path).not.toMatch(/\.spec\./);
      if (path.endsWith('.ts')) {
        expect(path).toMatch(/\.d\.ts$/);
      }
    }
  });

  it('installs the tarball, sharing a single copy of Nest and TypeORM with the host', async () => {
    const manifest = JSON.parse(await readFile(join(hostDir, 'package.json'), 'utf8'));
    expect(manifest.dependencies[PACKAGE_NAME]).toMatch(/^file:.*\.tgz$/);
    const installed = join(hostDir, 'node_modules', PACKAGE_NAME);
    expect(existsSync(join(installed, 'dist', 'src', 'index.js'))).toBe(true);
    for (const dependency of SHARED_DEPENDENCIES) {
      expect(existsSync(join(hostDir, 'node_modules', dependency))).toBe(true);
      expect(existsSync(join(installed, 'node_modules', dependency))).toBe(false);
    }
  });

  it('serves the routes of the module: the creator of an organization reads it', async () => {
    const { owner, orgId } = await newOrganization();

    const response = await api.get(organizationPath(orgId), owner.token);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ org_id: orgId, status: 'active' });
  });

  it("answers conditional reads with the module's interceptor: ETag, 304 and 412", async () => {
    const { owner, orgId } = await newOrganization();

    const read = await api.get(organizationPath(orgId), owner.token);
    const tag = read.headers.get('etag') as string;
    const unchanged = await api.get(organizationPath(orgId), owner.token, { 'if-none-match': tag });
    const changed = await api.get(organizationPath(orgId), owner.token, { 'if-match': '"0"' });

    expect(tag).toMatch(/^"\d+"$/);
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(tag);
    expect(unchanged.text).toBe('');
    expectError(changed, 412, 'PRECONDITION_FAILED');
    expect(changed.body.error.details).toEqual({ current_etag: tag });
  });

  it('lets the owner call the organization-scoped route of the host', async () => {
    const { owner, orgId } = await newOrganization();

    const response = await api.get(environmentsPath(orgId), owner.token);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ data: [], org_id: orgId });
    expect(response.headers.get('x-request-id')).toMatch(/^req_[A-Za-z0-9_-]+$/);
  });

  it('keeps a well-formed incoming X-Request-Id and replaces any other', async () => {
    const { owner, orgId } = await newOrganization();

    const kept = await api.get(environmentsPath(orgId), owner.token, {
      'x-request-id': 'req_from-the-gateway',
    });
    const replaced = await api.get(environmentsPath(orgId), owner.token, {
      'x-request-id': 'not an id of ours',
    });

    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-request-id')).toBe('req_from-the-gateway');
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_[A-Za-z0-9_-]+$/);
  });

  it('lets an admin call it as well', async () => {
    const { owner, orgId } = await newOrganization();
    const admin = await joinAs(owner, orgId, 'admin');

    const response = await api.get(environmentsPath(orgId), admin.token);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [], org_id: orgId });
  });

  it('refuses an analyst with 403 FORBIDDEN naming the roles', async () => {
    const { owner, orgId } = await newOrganization();
    const analyst = await joinAs(owner, orgId, 'analyst');

    const response = await api.get(environmentsPath(orgId), analyst.token);

    expectError(response, 403, 'FORBIDDEN');
    expect(response.body.error.details).toEqual({
      required_roles: ['owner', 'admin'],
      role: 'analyst',
    });
  });

  it('answers 404 NOT_FOUND to a non-member, as for a missing organization', async () => {
    const { orgId } = await newOrganization();
    const stranger = newUser();

    expectError(await api.get(environmentsPath(orgId), stranger.token), 404, 'NOT_FOUND');
    expectError(
      await api.get(environmentsPath('org_doesnotexist0000'), stranger.token),
      404,
      'NOT_FOUND',
    );
  });

  it('answers 401 UNAUTHORIZED without a token or with one signed by another key', async () => {
    const { orgId } = await newOrganization();
    const forged = mintToken('usr_forged', 'forged@example.test', {
      secret: 'another-secret-0123456789-abcdef',
    });

    expectError(await api.get(environmentsPath(orgId)), 401, 'UNAUTHORIZED');
    expectError(await api.get(environmentsPath(orgId), forged), 401, 'UNAUTHORIZED');
  });

  it('leaves examples/host-app and the repository as it found them', async () => {
    expect(await listFiles(EXAMPLE)).toEqual(exampleFilesBefore);
    expect((await readdir(REPOSITORY)).filter((name) => name.endsWith('.tgz'))).toEqual(
      tarballsBefore,
    );
  });
});
