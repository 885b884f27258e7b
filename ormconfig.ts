import 'dotenv/config';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/config/app-config.js';
import { buildDataSourceOptions } from './src/database/data-source-options.js';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run`, `migration:revert`,
 * `migration:generate`). It needs DATABASE_URL: the embedded database lives inside the
 * running service and migrates itself at start.
 */
const config = loadAppConfig();
if (!config.databaseUrl) {
  throw new Error('Set DATABASE_URL to the PostgreSQL database the migration commands act on');
}

export default new DataSource(
  buildDataSourceOptions({
    url: config.databaseUrl,
    poolSize: 1,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    statementTimeoutMs: config.dbStatementTimeoutMs,
  }),
);
