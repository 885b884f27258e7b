import type { DataSourceOptions } from 'typeorm';
import { ORGANIZATION_ENTITIES } from '../organizations/entities/index.js';
import { BoundedClient } from './bounded-client.js';
import { ORGANIZATION_MIGRATIONS } from './migrations/index.js';

export { ORGANIZATION_ENTITIES, ORGANIZATION_MIGRATIONS };

/** How much longer the client waits than the server's own statement timeout. */
const QUERY_TIMEOUT_MARGIN_MS = 1000;

export interface DatabaseConnectionSettings {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

/** The one description of how the service connects, shared by the app and the TypeORM CLI. */
export function buildDataSourceOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ORGANIZATION_ENTITIES,
    migrations: ORGANIZATION_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: poolOptions(settings),
  };
}

/**
 * Every wait on the database is bounded, so a server that stops, refuses or freezes turns into
 * a prompt 503 rather than a request that hangs:
 *
 * - `connectionTimeoutMillis` bounds both opening a connection and waiting for a free one when
 *   all `max` are busy (node-postgres's pool applies it to its queue);
 * - `statement_timeout` makes the server cancel a statement that runs too long (57014);
 * - `query_timeout` is the client's own limit, a little longer, for a server that no longer
 *   answers at all and so cannot cancel anything; the connection is then dropped
 *   (`BoundedClient`), so nothing else waits on it;
 * - `idle_in_transaction_session_timeout` frees the locks of a transaction whose client vanished.
 *
 * A client whose connection breaks is discarded by the pool, and the next request opens a new
 * one, so the service recovers by itself when the database returns.
 */
export function poolOptions(settings: DatabaseConnectionSettings): Record<string, unknown> {
  return {
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    idle_in_transaction_session_timeout: settings.statementTimeoutMs * 3,
    keepAlive: true,
    Client: BoundedClient,
    application_name: 'hatidata-organizations',
  };
}

/** Host, port and database of a connection string, without its credentials, for logs. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);

  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
