import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorCode } from '../common/errors/error-code.js';

/**
 * What a violation of each named constraint means to a client. Unique and check constraints
 * are the database's last word on races that no look-up beforehand can settle.
 */
const CONSTRAINT_ERRORS: Readonly<Record<string, () => DomainError>> = {
  uq_organizations_slug: () =>
    DomainError.conflict('slug is already in use', {
      fields: [{ field: 'slug', constraint: 'unique', message: 'slug is already in use' }],
    }),
  uq_memberships_pending_invitation: () =>
    DomainError.conflict('There is already a pending invitation for this email address'),
  uq_memberships_org_user: () => DomainError.conflict('This user is already a member'),
  uq_memberships_one_owner: () =>
    DomainError.conflict('The organization already has an owner; ownership moves by transfer'),
  ck_organizations_enforce_sso_needs_provider: () =>
    DomainError.conflict(
      'settings.enforce_sso can be true only while settings.sso_provider is set; ' +
        'the organization changed while this request ran',
    ),
};

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';

/**
 * SQLSTATE classes and driver codes that mean the database cannot be reached or is going away:
 * class 08 (connection exceptions), 53 (insufficient resources, such as too many connections),
 * 57P (operator intervention: 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
 * now while the server starts or stops).
 */
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '53', '57P'];
/**
 * A statement cancelled by `statement_timeout`. It answers 503 as well: the request did not
 * change anything (its transaction is rolled back) and the usual cause is a database too busy
 * or a row held too long by another transaction, which a retry a little later may not meet.
 */
const STATEMENT_TIMEOUT = '57014';
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** node-postgres and TypeORM report these without a code. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Connection is not established',
  'Cannot use a pool after calling end on the pool',
  'Driver not Connected',
];

/** Seconds a client should wait before trying again, sent as `Retry-After` with every 503. */
export const RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE_MESSAGE = 'The service cannot reach its database right now; try again shortly';
const TIMED_OUT_MESSAGE = 'The database did not answer in time; try again shortly';

interface DriverError {
  code?: string;
  constraint?: string;
  message?: string;
}

/**
 * Turns a database failure into the client's answer, or `undefined` when it is not one the
 * contract has a code for (the caller then answers 500 without any of the driver's words).
 */
export function domainErrorFromDatabase(error: unknown): DomainError | undefined {
  const driverError = driverErrorOf(error);
  if (!driverError) {
    return undefined;
  }
  const { code, constraint, message = '' } = driverError;
  if ((code === UNIQUE_VIOLATION || code === CHECK_VIOLATION) && constraint) {
    const known = CONSTRAINT_ERRORS[constraint];
    if (known) {
      return known();
    }
  }
  if (code === UNIQUE_VIOLATION) {
    return DomainError.conflict('The change conflicts with data that already exists');
  }
  if (code === STATEMENT_TIMEOUT || message.includes('Query read timeout')) {
    return serviceUnavailable(TIMED_OUT_MESSAGE);
  }
  const unavailable =
    (code !== undefined &&
      (UNAVAILABLE_NODE_CODES.has(code) ||
        UNAVAILABLE_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix)))) ||
    UNAVAILABLE_MESSAGES.some((text) => message.includes(text));
  if (unavailable) {
    return serviceUnavailable(UNAVAILABLE_MESSAGE);
  }

  return undefined;
}

/** 503 SERVICE_UNAVAILABLE with `Retry-After`, which every 503 of the service carries. */
export function serviceUnavailable(message: string = UNAVAILABLE_MESSAGE): DomainError {
  return new DomainError(ErrorCode.ServiceUnavailable, message, undefined, {
    'retry-after': String(RETRY_AFTER_SECONDS),
  });
}

/**
 * The code, constraint and message of a failure, read by shape rather than by class: socket
 * errors are made by Node.js itself and need not be instances of this realm's `Error`.
 */
function driverErrorOf(error: unknown): DriverError | undefined {
  const source = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (typeof source !== 'object' || source === null) {
    return undefined;
  }
  const { code, constraint, message } = source as Record<string, unknown>;
  if (typeof code !== 'string' && typeof message !== 'string') {
    return undefined;
  }

  return {
    code: typeof code === 'string' ? code : undefined,
    constraint: typeof constraint === 'string' ? constraint : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}
