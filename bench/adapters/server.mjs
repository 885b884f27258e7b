// One Nest application, run on either HTTP adapter, that does the work of
// GET /v1/organizations/{org_id}: a guard verifies the HS256 token, the handler runs the
// service's access query and returns the same JSON. Only the adapter differs between runs, so
// the difference in throughput is the adapter's.
//
//   ADAPTER=fastify|express DATABASE_URL=... JWT_SECRET=... PORT=4100 node bench/adapters/server.mjs
import { createSecretKey } from 'node:crypto';
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Param, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { ACCESS_QUERY, toOrganization } from '../baseline/organization.mjs';

const { ADAPTER = 'fastify', DATABASE_URL, JWT_SECRET, PORT = '4100' } = process.env;
const ISSUER = process.env.JWT_ISSUER || 'https://api.hatidata.com';
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
const SECRET_KEY = createSecretKey(Buffer.from(JWT_SECRET));

class TokenGuard {
  canActivate(context) {
    const request = context.switchToHttp().getRequest();
    const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      return false;
    }
    try {
      request.user = jwt.verify(match[1], SECRET_KEY, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        clockTolerance: 30,
      });

      return typeof request.user.sub === 'string';
    } catch {
      return false;
    }
  }
}
Injectable()(TokenGuard);

class OrganizationsController {
  async get(orgId, request) {
    const { rows } = await pool.query(ACCESS_QUERY, [orgId, request.user.sub]);

    return rows[0] ? toOrganization(rows[0]) : { error: { code: 'NOT_FOUND' } };
  }
}
// Decorators applied by hand: this file runs as plain JavaScript.
const descriptor = Object.getOwnPropertyDescriptor(OrganizationsController.prototype, 'get');
Reflect.decorate(
  [Get(':org_id'), UseGuards(TokenGuard)],
  OrganizationsController.prototype,
  'get',
  descriptor,
);
Param('org_id')(OrganizationsController.prototype, 'get', 0);
(await import('@nestjs/common')).Req()(OrganizationsController.prototype, 'get', 1);
Controller('v1/organizations')(OrganizationsController);

class BenchModule {}
Module({ controllers: [OrganizationsController], providers: [TokenGuard] })(BenchModule);

async function adapter() {
  if (ADAPTER === 'express') {
    const { ExpressAdapter } = await import('@nestjs/platform-express');

    return new ExpressAdapter();
  }
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');

  return new FastifyAdapter();
}

const app = await NestFactory.create(BenchModule, await adapter(), { logger: false });
await app.listen(Number(PORT), '127.0.0.1');
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
});
