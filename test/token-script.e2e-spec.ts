import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { createApp, type RunningApp } from '../src/app.factory.js';
import { loadAppConfig } from '../src/config/app-config.js';
import { organizationBody } from './support/factories.js';
import { expectError } from './support/expectations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { startTestAppWithoutSecret } from './support/test-app-without-secret.js';
import { mintToken, TEST_ISSUER, TEST_JWT_SECRET } from './support/tokens.js';

const TOKEN_SCRIPT = fileURLToPath(new URL('../scripts/token.mjs', import.meta.url));
const DEVELOPMENT_SECRET_FILE = 'jwt-dev-secret';
const ONE_COMPACT_JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node scripts/token.mjs` as a person would, with only the variables given (no `.env`:
 * the working directory is `cwd`, an empty temporary directory).
 */
function runTokenScript(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TOKEN_SCRIPT, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function decodeClaims(token: string): Record<string, any> {
  return jwt.decode(token.trim(), { json: true }) ?? {};
}

async function fileMode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('scripts/token.mjs', () => {
  let app: TestApp;
  let workDir: string;
  let dataDir: string;

  beforeAll(async () => {
    app = await startTestApp();
    workDir = await mkdtemp(join(tmpdir(), 'token-script-cwd-'));
    dataDir = await mkdtemp(join(tmpdir(), 'token-script-data-'));
    // A development secret the app does not know: a token signed with it would be refused.
    await writeFile(
      join(dataDir, DEVELOPMENT_SECRET_FILE),
      `${randomBytes(32).toString('base64url')}\n`,
    );
  });

  afterAll(async () => {
    await app?.close();
    await rm(workDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints exactly one token, signed with JWT_SECRET, that the running app accepts', async () => {
    const result = await runTokenScript(
      ['--sub', 'usr_demo', '--email', 'demo@example.com'],
      { JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir },
      workDir,
    );
    const token = result.stdout.trim();
    const created = await app.api.post('/v1/organizations', { token, body: organizationBody() });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(ONE_COMPACT_JWT_LINE);
    expect(jwt.verify(token, TEST_JWT_SECRET, { algorithms: ['HS256'] })).toMatchObject({
      sub: 'usr_demo',
      email: 'demo@example.com',
      iss: TEST_ISSUER,
    });
    expect(created.status).toBe(201);
  });

  it('makes a token that expires one hour after it was issued by default', async () => {
    const result = await runTokenScript(
      ['--sub', 'usr_demo'],
      { JWT_SECRET: TEST_JWT_SECRET },
      workDir,
    );
    const claims = decodeClaims(result.stdout);

    expect(result.code).toBe(0);
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('puts --amr and --idp into the amr and idp claims', async () => {
    const result = await runTokenScript(
      ['--sub', 'usr_demo', '--email', 'demo@example.com', '--amr', 'mfa', '--idp', 'okta'],
      { JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir },
      workDir,
    );
    const token = result.stdout.trim();
    const created = await app.api.post('/v1/organizations', { token, body: organizationBody() });

    expect(result.code).toBe(0);
    expect(decodeClaims(token)).toMatchObject({ sub: 'usr_demo', amr: ['mfa'], idp: 'okta' });
    expect(created.status).toBe(201);
  });

  it('exits non-zero, says why on stderr and prints no token without --sub', async () => {
    const result = await runTokenScript(
      ['--email', 'demo@example.com'],
      { JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir },
      workDir,
    );

    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr).toMatch(/--sub/);
    expect(result.stdout).toBe('');
  });

  it('signs with the development secret under DATA_DIR when JWT_SECRET is not set', async () => {
    const result = await runTokenScript(['--sub', 'usr_demo'], { DATA_DIR: dataDir }, workDir);
    const secret = (await readFile(join(dataDir, DEVELOPMENT_SECRET_FILE), 'utf8')).trim();
    const refused = await app.api.post('/v1/organizations', {
      token: result.stdout.trim(),
      body: organizationBody(),
    });

    expect(result.code).toBe(0);
    expect(jwt.verify(result.stdout.trim(), secret, { algorithms: ['HS256'] })).toMatchObject({
      sub: 'usr_demo',
    });
    expectError(refused, 401, 'UNAUTHORIZED');
  });
});

describe('The development secret', () => {
  const tempDirs: string[] = [];

  async function newTempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    tempDirs.push(dir);

    return dir;
  }

  afterAll(async () => {
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe('in development with no JWT_* variable set', () => {
    let app: TestApp;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = join(await newTempDir('dev-secret-'), 'data');
      app = await startTestAppWithoutSecret({ NODE_ENV: 'development', DATA_DIR: dataDir });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('creates DATA_DIR/jwt-dev-secret, readable only by its owner', async () => {
      const path = join(dataDir, DEVELOPMENT_SECRET_FILE);
      const secret = (await readFile(path, 'utf8')).trim();

      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(await fileMode(path)).toBe(0o600);
    });

    it('accepts a token signed with the development secret', async () => {
      const secret = (await readFile(join(dataDir, DEVELOPMENT_SECRET_FILE), 'utf8')).trim();
      const token = mintToken('usr_dev', 'dev@example.test', { secret });
      const response = await app.api.post('/v1/organizations', {
        token,
        body: organizationBody(),
      });

      expect(response.status).toBe(201);
    });

    it('accepts the token that scripts/token.mjs prints with the same DATA_DIR', async () => {
      const workDir = await newTempDir('dev-secret-cwd-');
      const result = await runTokenScript(['--sub', 'usr_dev'], { DATA_DIR: dataDir }, workDir);
      const response = await app.api.post('/v1/organizations', {
        token: result.stdout.trim(),
        body: organizationBody(),
      });

      expect(result.code).toBe(0);
      expect(response.status).toBe(201);
    });

    it('refuses a token signed with any other secret', async () => {
      const token = mintToken('usr_dev', 'dev@example.test', { secret: TEST_JWT_SECRET });
      const response = await app.api.post('/v1/organizations', {
        token,
        body: organizationBody(),
      });

      expectError(response, 401, 'UNAUTHORIZED');
    });
  });

  it('keeps using a development secret already under DATA_DIR', async () => {
    const dataDir = await newTempDir('dev-secret-existing-');
    const secret = randomBytes(32).toString('base64url');
    await writeFile(join(dataDir, DEVELOPMENT_SECRET_FILE), `${secret}\n`, { mode: 0o600 });
    const app = await startTestAppWithoutSecret({ NODE_ENV: 'development', DATA_DIR: dataDir });
    try {
      const response = await app.api.post('/v1/organizations', {
        token: mintToken('usr_dev', 'dev@example.test', { secret }),
        body: organizationBody(),
      });
      const stored = await readFile(join(dataDir, DEVELOPMENT_SECRET_FILE), 'utf8');

      expect(response.status).toBe(201);
      expect(stored.trim()).toBe(secret);
    } finally {
      await app.close();
    }
  });

  it('is not made in production: without a key startup fails, naming JWT_SECRET', async () => {
    const dataDir = await newTempDir('prod-no-key-');
    const config = loadAppConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    let started: RunningApp | undefined;
    try {
      const starting = createApp(config, { inMemoryDatabase: true, logger: false });

      await expect(
        starting.then((running) => {
          started = running;

          return running;
        }),
      ).rejects.toThrow(/JWT_SECRET/);
    } finally {
      await started?.close();
    }
    await expect(stat(join(dataDir, DEVELOPMENT_SECRET_FILE))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
