import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, requestIdFrom, runMigrations } from '@hatidata/organizations';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';

// Request ids as the contract has them: a well-formed incoming X-Request-Id is kept, otherwise a
// new req_... id is made, and every answer carries it (errors also name it in their envelope).
const adapter = new FastifyAdapter({
  requestIdHeader: false,
  genReqId: (request: IncomingMessage) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
});
adapter.getInstance().addHook('onRequest', (request, reply, done) => {
  void reply.header(REQUEST_ID_HEADER, request.id);
  done();
});

const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter);
app.enableShutdownHooks();

// Creates or updates the organizations tables (under an advisory lock) before serving.
await runMigrations(app.get(DataSource));

const config = app.get(ConfigService);
await app.listen({ port: Number(config.get('PORT', 3000)), host: config.get('HOST', '0.0.0.0') });
