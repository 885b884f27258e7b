import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEVELOPMENT_SECRET_FILE = 'jwt-dev-secret';

/**
 * Reads the HS256 secret kept under the data directory, making one the first time. Only for
 * development: production refuses to start without explicitly configured keys.
 */
export async function loadOrCreateDevelopmentSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, DEVELOPMENT_SECRET_FILE);
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 32) {
      return existing;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(path, `${secret}\n`, { mode: 0o600 });

  return secret;
}
