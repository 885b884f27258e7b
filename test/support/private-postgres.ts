import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort } from './processes.js';

const execFileAsync = promisify(execFile);

/** Where Debian puts the server binaries (the newest version there); PG_BIN_DIR overrides. */
const DEBIAN_PG_DIR = '/usr/lib/postgresql';
/** PostgreSQL refuses to run as root; as root the cluster belongs to this OS user. */
const OS_USER = 'postgres';

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory, on a free loopback port and
 * with its Unix socket in that directory: the test may stop, freeze and restart it without
 * touching any server others use.
 */
export class PrivatePostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Connection string of the `postgres` database as the `postgres` superuser (trust). */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'private-postgres-'));
    if (isRoot()) {
      const { uid, gid } = await osUser(OS_USER);
      await chown(dir, uid, gid);
    }
    const cluster = new PrivatePostgres(dir, await freeLoopbackPort());
    await cluster.pg('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '-N']);
    await cluster.start();

    return cluster;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c max_connections=40',
      '-c shared_buffers=16MB',
    ].join(' ');
    await this.pg('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      'start',
    ]);
  }

  /**
   * An immediate shutdown: every backend goes at once, as in a crash, and the next start
   * recovers from the WAL. A fast one ends the sessions one by one, so a request waiting on the
   * lock of a session ended first could still commit before its own session ends.
   */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  /** Suspends the server and all its processes: connections stay open, nothing answers. */
  async freeze(): Promise<void> {
    for (const pid of await this.processIds()) {
      process.kill(pid, 'SIGSTOP');
    }
  }

  async thaw(): Promise<void> {
    for (const pid of await this.processIds()) {
      process.kill(pid, 'SIGCONT');
    }
  }

  /** Stops the cluster (if it runs) and deletes its files. */
  async destroy(): Promise<void> {
    await this.thaw().catch(() => undefined);
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(
      () => undefined,
    );
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The postmaster and its children, from `postmaster.pid` and `/proc`. */
  private async processIds(): Promise<number[]> {
    const postmaster = Number.parseInt(
      (await readFile(join(this.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
      10,
    );
    const children: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // The parent pid is the second field after the parenthesised command name.
      const parent = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1], 10);
      if (parent === postmaster) {
        children.push(Number(entry));
      }
    }

    return [postmaster, ...children];
  }

  private async pg(binary: string, args: string[]): Promise<void> {
    const path = join(await binDir(), binary);
    const [command, argv] = isRoot()
      ? ['runuser', ['-u', OS_USER, '--', path, ...args]]
      : [path, args];
    await execFileAsync(command, argv, { cwd: this.dir });
  }
}

async function binDir(): Promise<string> {
  if (process.env.PG_BIN_DIR) {
    return process.env.PG_BIN_DIR;
  }
  const versions = (await readdir(DEBIAN_PG_DIR).catch(() => []))
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server binaries under ${DEBIAN_PG_DIR}; set PG_BIN_DIR`);
  }

  return join(DEBIAN_PG_DIR, versions[0], 'bin');
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function osUser(name: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8'))
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) {
    throw new Error(`no OS user ${name} to run a private PostgreSQL as`);
  }
  const [, , uid, gid] = line.split(':');

  return { uid: Number(uid), gid: Number(gid) };
}
