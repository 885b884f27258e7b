import type { DataSourceOptions } from 'typeorm';
import { OrganizationMembership } from '../organizations/entities/organization-membership.entity.js';
import { Organization } from '../organizations/entities/organization.entity.js';
import { CreateOrganizations1796313600000 } from './migrations/1796313600000-create-organizations.js';

/** Every entity of the service, for hosts that register them with their own TypeORM setup. */
export const ORGANIZATION_ENTITIES = [Organization, OrganizationMembership];

/** Every migration, oldest first. */
export const ORGANIZATION_MIGRATIONS = [CreateOrganizations1796313600000];

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
