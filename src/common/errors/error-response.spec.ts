import 'reflect-metadata';
import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { errorCodes } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { RouteRegistry } from '../http/route-registry.js';
import { DomainError } from './domain-error.js';
import { ErrorCode } from './error-code.js';
import { type ErrorRequest, toErrorResponse } from './error-response.js';

const REQUEST: ErrorRequest = { id: 'req_test0001', method: 'POST', url: '/v1/organizations' };

function routes(): RouteRegistry {
  const registry = new RouteRegistry();
  registry.register('/v1/organizations', 'POST');
  registry.register('/v1/organizations/:org_id', ['GET', 'HEAD', 'PUT']);

  return registry;
}

/** A driver error as `pg` raises it: a message, a SQLSTATE or socket code, maybe a constraint. */
function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

/** Nest hands Fastify's own request errors to the filter wrapped, with the original as cause. */
function wrappedByNest(error: Error & { statusCode?: number }): HttpException {
  return new HttpException(error.message, error.statusCode ?? 500, { cause: error });
}

describe('toErrorResponse', () => {
  describe('a DomainError', () => {
    it('passes through with its status, code, message, details and headers', () => {
      const error = new DomainError(
        ErrorCode.Conflict,
        'slug is already in use',
        { fields: [{ field: 'slug', constraint: 'unique', message: 'slug is already in use' }] },
        { 'x-extra': 'yes' },
      );

      expect(toErrorResponse(error, REQUEST)).toEqual({
        status: 409,
        headers: { 'x-extra': 'yes' },
        unexpected: false,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'slug is already in use',
            details: {
              fields: [{ field: 'slug', constraint: 'unique', message: 'slug is already in use' }],
            },
            request_id: 'req_test0001',
          },
        },
      });
    });

    it('leaves details out of the body when the error has none', () => {
      const response = toErrorResponse(DomainError.unauthorized('The token has expired'), REQUEST);

      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'The token has expired', request_id: REQUEST.id },
      });
    });
  });

  describe("Fastify's own request errors", () => {
    it.each([
      {
        error: new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'),
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Content-Type must be application/json',
      },
      {
        error: new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The request body is larger than the 100 KB limit',
      },
      {
        error: new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(),
        status: 400,
        code: 'VALIDATION_ERROR',
        message: 'The request body is empty; send a JSON object',
      },
      {
        error: new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(),
        status: 400,
        code: 'VALIDATION_ERROR',
        message: 'The request body is not valid JSON',
      },
    ])('maps $error.code, raised or wrapped by Nest, to $status $code', (expected) => {
      const { error, status, code, message } = expected;
      const answer = { status, unexpected: false, body: { error: { code, message } } };

      expect(toErrorResponse(error, REQUEST)).toMatchObject(answer);
      expect(toErrorResponse(wrappedByNest(error), REQUEST)).toMatchObject(answer);
    });

    it("does not repeat Fastify's message, which echoes the request", () => {
      const error = new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/x-secret-type');
      const response = toErrorResponse(wrappedByNest(error), REQUEST);

      expect(JSON.stringify(response.body)).not.toContain('x-secret-type');
    });

    it('maps a JSON syntax error with status 400 to VALIDATION_ERROR', () => {
      const error = Object.assign(new SyntaxError('Unexpected end of JSON input'), {
        statusCode: 400,
      });

      expect(toErrorResponse(error, REQUEST)).toMatchObject({
        status: 400,
        body: {
          error: { code: 'VALIDATION_ERROR', message: 'The request body is not valid JSON' },
        },
      });
    });
  });

  describe('HttpException', () => {
    it('answers 405 with an Allow header for a path served under other methods', () => {
      const request = { id: 'req_test0002', method: 'DELETE', url: '/v1/organizations/org_x' };
      const response = toErrorResponse(
        new NotFoundException('Cannot DELETE /v1/organizations/org_x'),
        request,
        routes(),
      );

      expect(response).toMatchObject({
        status: 405,
        headers: { allow: 'GET, HEAD, PUT' },
        unexpected: false,
        body: {
          error: {
            code: 'METHOD_NOT_ALLOWED',
            details: { allowed_methods: ['GET', 'HEAD', 'PUT'] },
            request_id: 'req_test0002',
          },
        },
      });
    });

    it('answers 405 for a path served under other methods even with a query string', () => {
      const request = { id: 'req_test0003', method: 'GET', url: '/v1/organizations?limit=5' };
      const response = toErrorResponse(new NotFoundException(), request, routes());

      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST');
    });

    it('answers 404 NOT_FOUND for a path no route serves', () => {
      const request = { id: 'req_test0004', method: 'GET', url: '/v1/unknown' };
      const response = toErrorResponse(
        new NotFoundException('Cannot GET /v1/unknown'),
        request,
        routes(),
      );

      expect(response).toMatchObject({
        status: 404,
        headers: {},
        body: { error: { code: 'NOT_FOUND' } },
      });
    });

    it('answers 404, not 405, when the method is one the path serves', () => {
      const request = { id: 'req_test0005', method: 'GET', url: '/v1/organizations/org_x' };

      expect(toErrorResponse(new NotFoundException(), request, routes()).status).toBe(404);
    });

    it('keeps the status of a 4xx HttpException but not its message', () => {
      const response = toErrorResponse(new BadRequestException('internal hint: column x'), REQUEST);

      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_ERROR');
      expect(response.body.error.message).not.toContain('internal hint');
    });

    it.each([
      {
        error: new InternalServerErrorException('db password is hunter2'),
        status: 500,
        code: 'INTERNAL_ERROR',
      },
      {
        error: new ServiceUnavailableException('pool exhausted at 10.0.0.5'),
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      },
    ])('answers a $status HttpException with a generic message', ({ error, status, code }) => {
      const response = toErrorResponse(error, REQUEST);

      expect(response).toMatchObject({ status, body: { error: { code } } });
      expect(response.body.error.message).not.toMatch(/hunter2|10\.0\.0\.5/);
    });
  });

  describe('unforeseen errors', () => {
    it('answers an unknown Error with 500 INTERNAL_ERROR, not its message, as unexpected', () => {
      const error = new TypeError("Cannot read properties of undefined (reading 'orgId')");
      const response = toErrorResponse(error, REQUEST);

      expect(response).toMatchObject({
        status: 500,
        unexpected: true,
        body: { error: { code: 'INTERNAL_ERROR', request_id: REQUEST.id } },
      });
      expect(response.body.error.message).not.toContain('orgId');
      expect(JSON.stringify(response.body)).not.toContain('Cannot read properties');
      expect(response.body.error).not.toHaveProperty('details');
    });

    it.each([
      ['string', 'database exploded'],
      ['null', null],
      ['undefined', undefined],
      ['plain object', { message: 'SELECT * FROM organizations' }],
    ])('answers a thrown %s with 500 INTERNAL_ERROR', (_description, thrown) => {
      const response = toErrorResponse(thrown, REQUEST);

      expect(response).toMatchObject({ status: 500, unexpected: true });
      expect(JSON.stringify(response.body)).not.toMatch(/exploded|SELECT/);
    });
  });

  describe('database errors', () => {
    it('answers a unique violation of uq_organizations_slug with 409 CONFLICT naming slug', () => {
      const error = new QueryFailedError(
        'INSERT INTO "organizations" ("slug") VALUES ($1)',
        ['acme'],
        driverError('duplicate key value violates unique constraint "uq_organizations_slug"', {
          code: '23505',
          constraint: 'uq_organizations_slug',
        }),
      );
      const response = toErrorResponse(error, REQUEST);

      expect(response).toMatchObject({
        status: 409,
        unexpected: false,
        body: {
          error: {
            code: 'CONFLICT',
            details: { fields: [{ field: 'slug', constraint: 'unique' }] },
          },
        },
      });
      expect(JSON.stringify(response.body)).not.toMatch(/duplicate key|INSERT INTO|acme/);
    });

    it('answers a query failure it has no code for with 500 and none of the driver text', () => {
      const error = new QueryFailedError(
        'SELECT * FROM "organizations" WHERE "org_id" = $1',
        ['x'],
        driverError('invalid input syntax for type uuid: "x"', { code: '22P02' }),
      );
      const response = toErrorResponse(error, REQUEST);

      expect(response).toMatchObject({ status: 500, unexpected: true });
      expect(JSON.stringify(response.body)).not.toMatch(/invalid input syntax|SELECT|uuid/);
    });

    it.each([
      [
        'a refused connection (ECONNREFUSED)',
        driverError('connect ECONNREFUSED 10.0.0.5:5432', {
          code: 'ECONNREFUSED',
          address: '10.0.0.5',
        }),
      ],
      ['a connection timeout (ETIMEDOUT)', driverError('connect ETIMEDOUT', { code: 'ETIMEDOUT' })],
      [
        'an admin shutdown (57P01)',
        driverError('terminating connection due to administrator command', { code: '57P01' }),
      ],
      ['a terminated connection', new Error('Connection terminated unexpectedly')],
      [
        'a connection reset (ECONNRESET)',
        driverError('read ECONNRESET', { code: 'ECONNRESET', address: '10.0.0.5' }),
      ],
      [
        'a connect timeout',
        new Error('Connection terminated due to connection timeout at 10.0.0.5'),
      ],
      ['a full pool', new Error('timeout exceeded when trying to connect')],
      [
        'a statement timeout (57014)',
        new QueryFailedError(
          'UPDATE "organizations" SET "name" = $1',
          ['x'],
          driverError('canceling statement due to statement timeout', { code: '57014' }),
        ),
      ],
      ['a server that stopped answering', new Error('Query read timeout')],
      [
        'a server starting or stopping (57P03)',
        driverError('the database system is shutting down', { code: '57P03' }),
      ],
      [
        'too many connections (53300)',
        driverError('sorry, too many clients already', { code: '53300' }),
      ],
      ['the readiness check', new ServiceUnavailableException({ database: 'down 10.0.0.5' })],
    ])('answers %s with 503 SERVICE_UNAVAILABLE and Retry-After', (_description, error) => {
      const response = toErrorResponse(error, REQUEST);

      expect(response).toMatchObject({
        status: 503,
        headers: { 'retry-after': '5' },
        unexpected: false,
        body: { error: { code: 'SERVICE_UNAVAILABLE' } },
      });
      expect(JSON.stringify(response.body)).not.toMatch(
        /10\.0\.0\.5|ECONN|terminat|statement|shutting|clients|timeout/,
      );
    });

    it('answers ECONNREFUSED inside a QueryFailedError with 503', () => {
      const error = new QueryFailedError(
        'SELECT 1',
        [],
        driverError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
      );

      expect(toErrorResponse(error, REQUEST).status).toBe(503);
    });
  });
});
