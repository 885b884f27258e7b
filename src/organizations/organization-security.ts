import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Organization } from './entities/organization.entity.js';

export const MFA_METHOD = 'mfa';

/**
 * Applies the organization's security settings to a member's request: with `mfa_required`
 * the token's `amr` must include `mfa`; with `enforce_sso` its `idp` must be the organization's
 * SSO provider. Both answer 403 with `details.reason`.
 */
export function assertOrganizationSecurity(
  organization: Organization,
  user: AuthenticatedUser,
): void {
  if (organization.mfaRequired && !user.authMethods.includes(MFA_METHOD)) {
    throw DomainError.forbidden(
      'This organization requires multi-factor authentication; sign in with MFA',
      { reason: 'mfa_required' },
    );
  }
  if (organization.enforceSso && user.identityProvider !== organization.ssoProvider) {
    throw DomainError.forbidden(
      `This organization requires single sign-on through ${organization.ssoProvider}`,
      { reason: 'sso_required' },
    );
  }
}

/**
 * Refuses a settings change that would lock the caller out: turning MFA on without an MFA
 * token, or enforcing SSO through a provider the caller's token did not come from (409).
 */
export function assertNoSelfLockout(
  current: Organization,
  next: Pick<Organization, 'mfaRequired' | 'enforceSso' | 'ssoProvider'>,
  user: AuthenticatedUser,
): void {
  if (next.mfaRequired && !current.mfaRequired && !user.authMethods.includes(MFA_METHOD)) {
    throw DomainError.conflict(
      'Turning on mfa_required would lock you out: your token was not issued with MFA',
      { reason: 'mfa_required', field: 'settings.mfa_required' },
    );
  }
  const ssoTightened =
    next.enforceSso && (!current.enforceSso || next.ssoProvider !== current.ssoProvider);
  if (ssoTightened && user.identityProvider !== next.ssoProvider) {
    throw DomainError.conflict(
      `Enforcing SSO through ${next.ssoProvider} would lock you out: your token did not come ` +
        'from that provider',
      { reason: 'sso_required', field: 'settings.enforce_sso' },
    );
  }
}
