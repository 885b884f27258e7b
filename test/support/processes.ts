import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
export const BUILT_MAIN = join(REPOSITORY, 'dist/src/main.js');

/** A port nothing listens on right now, on the loopback interface. */
export function freeLoopbackPort(): Promise<number> {
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

/** Runs a command to its end; its output is in the error when it fails. */
export async function run(command: string, args: string[], cwd = REPOSITORY): Promise<string> {
  const { stdout } = await execFileAsync(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 });

  return stdout;
}

/**
 * Builds the service as `npm start` does, unless `dist/` is already newer than every source
 * file, so that the specs that run the built service share one build.
 */
export async function buildService(): Promise<void> {
  const built = await stat(BUILT_MAIN).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  if (built > 0 && (await newestModification(join(REPOSITORY, 'src'))) < built) {
    return;
  }
  await run('npm', ['run', 'build']);
}

async function newestModification(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestModification(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, time);
  }

  return newest;
}

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far (the last 200 KB). */
  output(): string;
  /** Resolves with the exit code (or the signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a Node.js script of the built service (`dist/src/main.js` unless told otherwise) on a
 * free loopback port, with only the variables given, and waits until `/health` answers.
 */
export async function startService(
  env: Record<string, string>,
  script = BUILT_MAIN,
): Promise<ServiceProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [script], {
    cwd: REPOSITORY,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      // Many requests from one test in a few seconds; no spec here is about the rate limit.
      RATE_LIMIT_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const service: ServiceProcess = {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the service exited during start-up:\n${output}`);
    }
    try {
      if ((await fetch(`${service.baseUrl}/health`)).ok) {
        return service;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not answer within 60 s:\n${output}`);
}

/** Makes sure the process is gone: SIGKILL if it still runs. */
export async function killService(service: ServiceProcess | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) {
    return;
  }
  service.child.kill('SIGKILL');
  await service.exited;
}

/** The JSON log lines the process wrote, parsed; other lines are left out. */
export function logLines(service: ServiceProcess): Record<string, any>[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });
}

/**
 * The messages of the JSON log lines, whether the logger puts the message under `msg` (pino) or
 * under `message`, as a string or an object with its own `message` (Nest's console logger).
 */
export function logMessages(service: ServiceProcess): string[] {
  return logLines(service).map((line) => {
    const message = line.msg ?? line.message;

    return typeof message === 'object' && message !== null ? message.message : message;
  });
}
