import {
  AllExceptionsFilter,
  JwtAuthGuard,
  ORGANIZATION_ENTITIES,
  ORGANIZATION_MIGRATIONS,
  OrganizationsModule,
  RequestValidationPipe,
} from '@hatidata/organizations';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsController } from './environments.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        type: 'postgres',
        url: config.getOrThrow<string>('DATABASE_URL'),
        // The host's own entities and migrations go beside these.
        entities: [...ORGANIZATION_ENTITIES],
        migrations: [...ORGANIZATION_MIGRATIONS],
        synchronize: false,
        // An embedded PGlite server takes one connection: DB_POOL_SIZE=1.
        extra: { max: Number(config.get('DB_POOL_SIZE', 10)) },
      }),
    }),
    // Serves /v1/organizations/... and verifies bearer tokens.
    OrganizationsModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        jwt: { secret: config.getOrThrow<string>('JWT_SECRET') },
      }),
    }),
  ],
  controllers: [EnvironmentsController],
  providers: [
    // Every route needs a valid bearer token unless it is marked @Public().
    { provide: APP_GUARD, useExisting: JwtAuthGuard },
    { provide: APP_PIPE, useClass: RequestValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
