import { type DynamicModule, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, type DatabaseConnectionSettings } from './data-source-options.js';
import { runMigrations } from './run-migrations.js';

@Injectable()
class MigrateOnStart implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const applied = await runMigrations(this.dataSource);
    this.logger.log({
      message: applied.length > 0 ? 'migrations applied' : 'schema up to date',
      migrations: applied,
    });
  }
}

/** The service's TypeORM connection; brings the schema up to date before the app serves. */
@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseConnectionSettings): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions(settings),
          retryAttempts: 2,
          retryDelay: 1000,
        }),
      ],
      providers: [MigrateOnStart],
    };
  }
}
