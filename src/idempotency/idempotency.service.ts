import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { newPrefixedId } from '../common/ids.js';

/** How long a completed response is replayed. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/**
 * How long a request may hold its key before another may take it over: far longer than any
 * request runs (statements time out after seconds), so only a request whose process died is
 * ever taken over.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** Rounds of claim-then-read before giving up: each round means the key was freed meanwhile. */
const CLAIM_ATTEMPTS = 3;

export interface StoredResponse {
  status: number;
  /** The body exactly as sent; null for a response without one. */
  body: string | null;
  etag: string | null;
}

export type IdempotencyClaim =
  { kind: 'claimed'; claimId: string } | { kind: 'replay'; response: StoredResponse };

const IN_FLIGHT =
  'A request with this Idempotency-Key is still being processed; retry once it has finished';
const REUSED =
  'This Idempotency-Key was already used with a different request; send a new key for a ' +
  'new request';

/*
 * Claims a key: a new row, or one whose record lapsed or whose holder is gone. Returns the
 * claim id only when this call holds the key. Parameters: $1 user, $2 key, $3 fingerprint,
 * $4 claim id.
 */
const CLAIM_SQL = `
  INSERT INTO idempotency_keys AS held
         (user_id, idempotency_key, fingerprint, claim_id, created_at, expires_at)
  VALUES ($1, $2, $3, $4, now(), now() + interval '${IDEMPOTENCY_RETENTION_HOURS} hours')
  ON CONFLICT (user_id, idempotency_key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, claim_id = EXCLUDED.claim_id,
         response_status = NULL, response_body = NULL, response_etag = NULL,
         created_at = now(), completed_at = NULL, expires_at = EXCLUDED.expires_at
   WHERE held.expires_at <= now()
      OR (held.completed_at IS NULL
          AND held.created_at <= now() - interval '${IDEMPOTENCY_LEASE_SECONDS} seconds')
  RETURNING claim_id`;

const READ_SQL = `
  SELECT fingerprint, completed_at, response_status, response_body, response_etag
    FROM idempotency_keys
   WHERE user_id = $1 AND idempotency_key = $2 AND expires_at > now()`;

interface StoredRow {
  fingerprint: string;
  completed_at: Date | null;
  response_status: number | null;
  response_body: string | null;
  response_etag: string | null;
}

/**
 * The records behind `Idempotency-Key`, in PostgreSQL so that every instance of the service
 * sees the same ones: one per caller (`sub`) and key, holding the request's fingerprint and,
 * once it completed, its response, for 24 hours.
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyService.name);
  private sweeper?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweepExpired(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Takes the key for a request, or says what an earlier request with it answered. A key in
   * use by a request still running, or used before with another request, is a 409.
   */
  async claim(userId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
      const claimId = newPrefixedId('idk');
      const claimed: { claim_id: string }[] = await this.dataSource.query(CLAIM_SQL, [
        userId,
        key,
        fingerprint,
        claimId,
      ]);
      if (claimed[0]?.claim_id === claimId) {
        return { kind: 'claimed', claimId };
      }
      const [stored]: StoredRow[] = await this.dataSource.query(READ_SQL, [userId, key]);
      if (!stored) {
        continue;
      }
      if (stored.fingerprint !== fingerprint) {
        throw DomainError.conflict(REUSED, { reason: 'idempotency_key_reused' });
      }
      if (stored.completed_at === null || stored.response_status === null) {
        throw DomainError.conflict(IN_FLIGHT, { reason: 'idempotency_key_in_flight' });
      }

      return {
        kind: 'replay',
        response: {
          status: stored.response_status,
          body: stored.response_body,
          etag: stored.response_etag,
        },
      };
    }
    throw DomainError.conflict(IN_FLIGHT, { reason: 'idempotency_key_in_flight' });
  }

  /** Stores the response of the request holding the key, for its retries to replay. */
  async complete(
    userId: string,
    key: string,
    claimId: string,
    response: StoredResponse,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys
          SET response_status = $4, response_body = $5, response_etag = $6, completed_at = now()
        WHERE user_id = $1 AND idempotency_key = $2 AND claim_id = $3`,
      [userId, key, claimId, response.status, response.body, response.etag],
    );
  }

  /** Frees the key of a request that failed: it changed nothing, so a retry may run again. */
  async release(userId: string, key: string, claimId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE user_id = $1 AND idempotency_key = $2 AND claim_id = $3 AND completed_at IS NULL`,
      [userId, key, claimId],
    );
  }

  /** Removes lapsed records; any instance may do it, and a failure only waits for the next. */
  async sweepExpired(): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at <= now()`);
    } catch (error) {
      this.logger.warn({
        message: 'lapsed idempotency keys not removed',
        error: (error as Error)?.name,
      });
    }
  }
}
