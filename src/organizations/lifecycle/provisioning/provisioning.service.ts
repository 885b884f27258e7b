import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newPrefixedId } from '../../../common/ids.js';
import { DomainError } from '../../../common/errors/domain-error.js';
import { OrganizationStatus } from '../../organization-catalog.js';
import type { Organization } from '../../entities/organization.entity.js';
import {
  ORGANIZATIONS_MODULE_OPTIONS,
  type OrganizationsModuleOptions,
} from '../../organizations-module.options.js';
import {
  DEFAULT_PROVISIONING_MAX_ATTEMPTS,
  DEFAULT_PROVISIONING_RETRY_DELAY_MS,
} from '../lifecycle-settings.js';
import { OrganizationLifecycleService } from '../organization-lifecycle.service.js';
import {
  ORGANIZATION_PROVISIONER,
  type OrganizationProvisioner,
} from './organization-provisioner.js';
import { ProvisioningAttempt, ProvisioningOutcome } from './provisioning-attempt.entity.js';

const MAX_ERROR_LENGTH = 500;

/**
 * Runs the provisioner in the background once an organization is `provisioning`: one attempt
 * after another, waiting twice as long before each retry, each attempt recorded in
 * `provisioning_attempts`. Success moves the organization to `active`; when every attempt
 * failed it stays `provisioning` and the failure is logged as an error for operators.
 *
 * Runs live in this process: one interrupted by a restart is not resumed, and the organization
 * stays `provisioning` until an operator steps in.
 */
@Injectable()
export class ProvisioningService implements OnModuleDestroy {
  private readonly logger = new Logger(ProvisioningService.name);
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ORGANIZATION_PROVISIONER) private readonly provisioner: OrganizationProvisioner,
    private readonly lifecycle: OrganizationLifecycleService,
    @Inject(ORGANIZATIONS_MODULE_OPTIONS) options: OrganizationsModuleOptions,
  ) {
    this.maxAttempts =
      options.lifecycle?.provisioningMaxAttempts ?? DEFAULT_PROVISIONING_MAX_ATTEMPTS;
    this.retryDelayMs =
      options.lifecycle?.provisioningRetryDelayMs ?? DEFAULT_PROVISIONING_RETRY_DELAY_MS;
  }

  /** Starts provisioning `organization` in the background; never throws, never rejects. */
  start(organization: Organization): void {
    const run = this.run(organization).catch((error: unknown) => {
      this.logger.error(
        { message: 'provisioning run failed unexpectedly', org_id: organization.orgId },
        error instanceof Error ? error.stack : undefined,
      );
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Stops waiting between retries and lets attempts in flight finish before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  private async run(organization: Organization): Promise<void> {
    const { orgId, tier, cloudRegion } = organization;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      if (this.stopping.signal.aborted || !(await this.stillProvisioning(orgId))) {
        return;
      }
      const startedAt = new Date();
      let failure: string | null = null;
      try {
        await this.provisioner.provision({ orgId, tier, cloudRegion, attempt });
      } catch (error) {
        failure = describeFailure(error);
      }
      await this.dataSource.getRepository(ProvisioningAttempt).insert({
        id: newPrefixedId('prv'),
        orgId,
        tier,
        attempt,
        outcome: failure === null ? ProvisioningOutcome.Succeeded : ProvisioningOutcome.Failed,
        error: failure,
        startedAt,
        finishedAt: new Date(),
      });

      if (failure === null) {
        await this.reportSuccess(orgId, attempt);

        return;
      }
      this.logger.warn({ message: 'provisioning attempt failed', org_id: orgId, attempt });
      if (attempt < this.maxAttempts) {
        await this.wait(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
    this.logger.error({
      message: 'provisioning failed; the organization stays provisioning',
      org_id: orgId,
      attempts: this.maxAttempts,
    });
  }

  private async reportSuccess(orgId: string, attempts: number): Promise<void> {
    try {
      await this.lifecycle.completeProvisioning(orgId);
      this.logger.log({ message: 'provisioning succeeded', org_id: orgId, attempts });
    } catch (error) {
      if (!(error instanceof DomainError)) {
        throw error;
      }
      // The organization moved on while it was being provisioned (cancelled, most likely).
      this.logger.warn({
        message: 'provisioning succeeded for an organization no longer provisioning',
        org_id: orgId,
        code: error.code,
      });
    }
  }

  private async stillProvisioning(orgId: string): Promise<boolean> {
    const rows: { status: string }[] = await this.dataSource.query(
      'SELECT status FROM organizations WHERE org_id = $1',
      [orgId],
    );

    return rows[0]?.status === OrganizationStatus.Provisioning;
  }

  private async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.stopping.signal.removeEventListener('abort', stop);
        resolve();
      }, ms);
      this.stopping.signal.addEventListener('abort', stop, { once: true });
    });
  }
}

function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);

  return text.slice(0, MAX_ERROR_LENGTH);
}
