import type { DataSourceOptions } from 'typeorm';
import { ORGANIZATION_ENTITIES } from '../organizations/entities/index.js';
import { ORGANIZATION_MIGRATIONS } from './migrations/index.js';

export { ORGANIZATION_ENTITIES, ORGANIZATION_MIGRATIONS };

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
    extra: {
      max: settings.poolSize,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: settings.statementTimeoutMs * 3,
      application_name: 'hatidata-organizations',
    },
  };
}

/** Host, port and database of a connection string, without its credentials, for logs. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);

  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
