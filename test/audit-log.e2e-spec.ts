import { jest } from '@jest/globals';
import { newPrefixedId } from '../src/common/ids.js';
import { expectError, expectFieldError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import type { ApiResponse } from './support/http.js';
import {
  acceptInvitation,
  changeRole,
  inviteAndAccept,
  inviteMember,
  newOrganization,
  removeMember,
  renameOrganization,
  transferOwnership,
  uniqueEmail,
} from './support/member-flows.js';
import { addMember, type MembershipRole } from './support/memberships.js';
import { ORGANIZATIONS_PATH, organizationPath } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

jest.setTimeout(120_000);

const ROUNDS = 5;
const EVENT_KEYS = ['event_id', 'action', 'actor', 'target', 'changes', 'request_id', 'created_at'];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

type AuditEvent = Record<string, any>;

describe('The audit trail', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const auditLog = (user: TestUser, orgId: string, query = ''): Promise<ApiResponse> =>
    app.api.get(`${organizationPath(orgId)}/audit-log${query}`, { token: user.token });

  async function entries(owner: TestUser, orgId: string, query = ''): Promise<AuditEvent[]> {
    const response = await auditLog(owner, orgId, `?limit=200${query}`);
    expect(response.status).toBe(200);
    for (const event of response.body.data) {
      expectEventShape(event);
    }

    return response.body.data;
  }

  const ofAction = (events: AuditEvent[], action: string) =>
    events.filter((event) => event.action === action);

  describe('entries', () => {
    it('records a creation: its fields, the billing email masked, the request id', async () => {
      const owner = newUser();
      const requestId = 'req_audit-create-0001';
      const created = await app.api.post(ORGANIZATIONS_PATH, {
        token: owner.token,
        body: organizationBody({ name: 'Audited Corp', billing_email: 'billing@acme.com' }),
        headers: { 'x-request-id': requestId },
      });
      expect(created.status).toBe(201);

      const [event] = await entries(owner, created.body.org_id);

      expect(event).toMatchObject({
        action: 'organization.created',
        actor: owner.sub,
        target: { type: 'organization', id: created.body.org_id },
        request_id: requestId,
      });
      expect(event.changes).toEqual([
        { field: 'name', from: null, to: 'Audited Corp' },
        { field: 'slug', from: null, to: created.body.slug },
        { field: 'billing_email', from: null, to: 'b***@acme.com' },
        { field: 'cloud_region', from: null, to: 'us-east-1' },
        { field: 'tier', from: null, to: 'free' },
        { field: 'status', from: null, to: 'active' },
        { field: 'settings.mfa_required', from: null, to: false },
        { field: 'settings.enforce_sso', from: null, to: false },
      ]);
    });

    it('records an update field by field, settings key by key, with from and to', async () => {
      const { owner, orgId } = await newOrganization(app, { billing_email: 'billing@acme.com' });
      const update = await app.api.put(organizationPath(orgId), {
        token: owner.token,
        body: {
          name: 'Renamed Corp',
          billing_email: 'finance@acme.com',
          settings: { sso_provider: 'okta', mfa_required: false },
        },
      });
      expect(update.status).toBe(200);

      const [event] = ofAction(await entries(owner, orgId), 'organization.updated');

      expect(event).toMatchObject({
        actor: owner.sub,
        target: { type: 'organization', id: orgId },
        request_id: update.headers.get('x-request-id'),
      });
      expect(event.changes).toEqual([
        { field: 'name', from: 'Acme Corp', to: 'Renamed Corp' },
        { field: 'billing_email', from: 'b***@acme.com', to: 'f***@acme.com' },
        { field: 'settings.sso_provider', from: null, to: 'okta' },
      ]);
    });

    it('writes nothing for a PUT that changes nothing, is refused or fails If-Match', async () => {
      const { owner, orgId, organization } = await newOrganization(app);

      const unchanged = await renameOrganization(app, owner, orgId, organization.name);
      const invalid = await app.api.put(organizationPath(orgId), {
        token: owner.token,
        body: { slug: 'another-slug' },
      });
      const stale = await app.api.put(organizationPath(orgId), {
        token: owner.token,
        body: { name: 'Never Applied' },
        headers: { 'if-match': '"999"' },
      });

      expect([unchanged.status, invalid.status, stale.status]).toEqual([200, 400, 412]);
      expect((await entries(owner, orgId)).map((event) => event.action)).toEqual([
        'organization.created',
      ]);
    });

    it('records an invitation, its acceptance, a role change and a removal', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = newUser();
      const invited = await inviteMember(app, owner, orgId, {
        email: invitee.email,
        role: 'analyst',
      });
      const accepted = await acceptInvitation(app, invitee, orgId);
      const promoted = await changeRole(app, owner, orgId, invitee.sub, 'developer');
      const removed = await removeMember(app, owner, orgId, invitee.sub);
      expect([invited.status, accepted.status, promoted.status, removed.status]).toEqual([
        201, 200, 200, 204,
      ]);

      const events = await entries(owner, orgId);

      expect(events.map((event) => event.action)).toEqual([
        'member.removed',
        'member.role_changed',
        'invitation.accepted',
        'member.invited',
        'organization.created',
      ]);
      const masked = `${invitee.email[0]}***@example.test`;
      const [removal, roleChange, acceptance, invitation] = events;
      expect(invitation).toMatchObject({
        actor: owner.sub,
        target: { type: 'invitation', id: invited.body.user_id },
        changes: [
          { field: 'email', from: null, to: masked },
          { field: 'role', from: null, to: 'analyst' },
          { field: 'status', from: null, to: 'invited' },
        ],
      });
      expect(acceptance).toMatchObject({
        actor: invitee.sub,
        target: { type: 'member', id: invitee.sub },
        changes: [
          { field: 'user_id', from: invited.body.user_id, to: invitee.sub },
          { field: 'status', from: 'invited', to: 'active' },
        ],
      });
      expect(roleChange).toMatchObject({
        actor: owner.sub,
        target: { type: 'member', id: invitee.sub },
        changes: [{ field: 'role', from: 'analyst', to: 'developer' }],
      });
      expect(removal).toMatchObject({
        actor: owner.sub,
        target: { type: 'member', id: invitee.sub },
        changes: [
          { field: 'email', from: masked, to: null },
          { field: 'role', from: 'developer', to: null },
          { field: 'status', from: 'active', to: null },
        ],
      });
    });

    it('tells a revoked invitation and a member who left from a removal', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invited = await inviteMember(app, owner, orgId, {
        email: uniqueEmail(),
        role: 'analyst',
      });
      const leaver = await inviteAndAccept(app, owner, orgId, 'developer');
      expect((await removeMember(app, owner, orgId, invited.body.user_id)).status).toBe(204);
      expect((await removeMember(app, leaver, orgId, leaver.sub)).status).toBe(204);

      const events = await entries(owner, orgId);

      expect(ofAction(events, 'invitation.revoked')).toEqual([
        expect.objectContaining({
          actor: owner.sub,
          target: { type: 'invitation', id: invited.body.user_id },
        }),
      ]);
      expect(ofAction(events, 'member.left')).toEqual([
        expect.objectContaining({ actor: leaver.sub, target: { type: 'member', id: leaver.sub } }),
      ]);
      expect(ofAction(events, 'member.removed')).toEqual([]);
    });

    it('records an ownership transfer with both role changes', async () => {
      const { owner, orgId } = await newOrganization(app);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');
      expect((await transferOwnership(app, owner, orgId, admin.sub)).status).toBe(200);

      const [event] = ofAction(await entries(admin, orgId), 'organization.ownership_transferred');

      expect(event).toMatchObject({
        actor: owner.sub,
        target: { type: 'member', id: admin.sub },
        changes: [
          { field: 'owner', from: owner.sub, to: admin.sub },
          { field: `role.${owner.sub}`, from: 'owner', to: 'admin' },
          { field: `role.${admin.sub}`, from: 'admin', to: 'owner' },
        ],
      });
    });

    it('never shows an email address in full', async () => {
      const { owner, orgId } = await newOrganization(app, { billing_email: 'billing@acme.com' });
      const invitee = newUser();
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'auditor' });
      await acceptInvitation(app, invitee, orgId);
      await app.api.put(organizationPath(orgId), {
        token: owner.token,
        body: { billing_email: 'finance@acme.com' },
      });

      const response = await auditLog(owner, orgId, '?limit=200');

      expect(response.status).toBe(200);
      for (const address of ['billing@acme.com', 'finance@acme.com', invitee.email, owner.email]) {
        expect(response.text).not.toContain(address);
      }
    });

    it('writes one entry per change however requests race, and none for the losers', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const read = await app.api.get(organizationPath(orgId), { token: owner.token });
        const etag = read.headers.get('etag') as string;
        const email = uniqueEmail();

        const [puts, invites] = await Promise.all([
          Promise.all(
            ['Racer A', 'Racer B', 'Racer C'].map((name) =>
              app.api.put(organizationPath(orgId), {
                token: owner.token,
                body: { name },
                headers: { 'if-match': etag },
              }),
            ),
          ),
          Promise.all(
            Array.from({ length: 4 }, () =>
              inviteMember(app, owner, orgId, { email, role: 'analyst' }),
            ),
          ),
        ]);

        const events = await entries(owner, orgId);
        expect(puts.filter((response) => response.status === 200)).toHaveLength(1);
        expect(ofAction(events, 'organization.updated')).toHaveLength(1);
        expect(invites.filter((response) => response.status === 201)).toHaveLength(1);
        expect(ofAction(events, 'member.invited')).toHaveLength(1);
      }
    });

    it('writes no second entry for a replayed idempotent create', async () => {
      const owner = newUser();
      const body = organizationBody();
      const send = () =>
        app.api.post(ORGANIZATIONS_PATH, {
          token: owner.token,
          body,
          headers: { 'idempotency-key': `audit-${body.slug}` },
        });
      const created = await send();
      expect((await send()).headers.get('idempotent-replayed')).toBe('true');

      expect(await entries(owner, created.body.org_id)).toHaveLength(1);
    });
  });

  describe('the same transaction as the change', () => {
    /** Makes the database refuse entries of one action, as a failing write would. */
    async function refuseEntries(action: string, run: () => Promise<void>): Promise<void> {
      await app.dataSource.query(
        `ALTER TABLE audit_log
           ADD CONSTRAINT ck_test_refused CHECK (action <> '${action}') NOT VALID`,
      );
      try {
        await run();
      } finally {
        await app.dataSource.query('ALTER TABLE audit_log DROP CONSTRAINT ck_test_refused');
      }
    }

    it('leaves the organization unchanged when its update entry cannot be written', async () => {
      const { owner, orgId, organization } = await newOrganization(app);

      await refuseEntries('organization.updated', async () => {
        const response = await renameOrganization(app, owner, orgId, 'Not Without An Entry');
        expectError(response, 500, 'INTERNAL_ERROR');
      });

      const current = await app.api.get(organizationPath(orgId), { token: owner.token });
      expect(current.body).toEqual(organization);
    });

    it('leaves the role unchanged when its entry cannot be written', async () => {
      const { owner, orgId } = await newOrganization(app);
      const member = await inviteAndAccept(app, owner, orgId, 'analyst');

      await refuseEntries('member.role_changed', async () => {
        const response = await changeRole(app, owner, orgId, member.sub, 'developer');
        expectError(response, 500, 'INTERNAL_ERROR');
      });

      const [row] = await app.dataSource.query(
        'SELECT role FROM organization_memberships WHERE org_id = $1 AND user_id = $2',
        [orgId, member.sub],
      );
      expect(row.role).toBe('analyst');
    });

    it('creates no organization when its creation entry cannot be written', async () => {
      const owner = newUser();
      const body = organizationBody();

      await refuseEntries('organization.created', async () => {
        const response = await app.api.post(ORGANIZATIONS_PATH, { token: owner.token, body });
        expectError(response, 500, 'INTERNAL_ERROR');
      });

      const [{ count }] = await app.dataSource.query(
        'SELECT count(*)::int AS count FROM organizations WHERE slug = $1',
        [body.slug],
      );
      expect(count).toBe(0);
    });
  });

  describe('storage', () => {
    it('refuses to update, delete or truncate entries, whoever asks', async () => {
      const { orgId } = await newOrganization(app);

      for (const statement of [
        `UPDATE audit_log SET actor = 'someone-else' WHERE org_id = '${orgId}'`,
        `DELETE FROM audit_log WHERE org_id = '${orgId}'`,
        'TRUNCATE audit_log',
      ]) {
        await expect(app.dataSource.query(statement)).rejects.toThrow(/never changed or removed/);
      }
      const [{ count }] = await app.dataSource.query(
        'SELECT count(*)::int AS count FROM audit_log WHERE org_id = $1',
        [orgId],
      );
      expect(count).toBe(1);
    });
  });

  describe('GET /v1/organizations/{org_id}/audit-log', () => {
    it.each(['admin', 'auditor'] as MembershipRole[])('answers the %s', async (role) => {
      const { orgId } = await newOrganization(app);
      const member = await addMember(app.dataSource, orgId, role);

      const response = await auditLog(member, orgId);

      expect(response.status).toBe(200);
      expect(response.body.pagination).toEqual({ cursor: null, has_more: false, total: 1 });
    });

    it.each(['developer', 'analyst', 'service_account'] as MembershipRole[])(
      'refuses the %s with 403',
      async (role) => {
        const { orgId } = await newOrganization(app);
        const member = await addMember(app.dataSource, orgId, role);

        expectError(await auditLog(member, orgId), 403, 'FORBIDDEN');
      },
    );

    it('answers 404 to a non-member and 401 without a token', async () => {
      const { orgId } = await newOrganization(app);

      expectError(await auditLog(newUser(), orgId), 404, 'NOT_FOUND');
      expectError(await app.api.get(`${organizationPath(orgId)}/audit-log`), 401, 'UNAUTHORIZED');
    });

    it("lists only this organization's entries, newest first", async () => {
      const { owner, orgId } = await newOrganization(app);
      await newOrganization(app);
      for (const name of ['One', 'Two', 'Three']) {
        expect((await renameOrganization(app, owner, orgId, name)).status).toBe(200);
      }

      const events = await entries(owner, orgId);

      const newName = (event: AuditEvent) =>
        event.changes.find((change: { field: string }) => change.field === 'name')?.to;
      expect(events.map(newName)).toEqual(['Three', 'Two', 'One', 'Acme Corp']);
      expect(events.every((event) => event.target.id === orgId)).toBe(true);
    });

    it('pages with a keyset cursor that holds while entries are added', async () => {
      const { owner, orgId } = await newOrganization(app);
      for (let index = 0; index < 5; index += 1) {
        await renameOrganization(app, owner, orgId, `Name ${index}`);
      }
      const all = await entries(owner, orgId);

      const firstPage = await auditLog(owner, orgId, '?limit=2');
      await renameOrganization(app, owner, orgId, 'Added Meanwhile');
      const seen = [...firstPage.body.data];
      let cursor = firstPage.body.pagination.cursor;
      while (cursor) {
        const page = await auditLog(owner, orgId, `?limit=2&cursor=${cursor}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.data);
        cursor = page.body.pagination.cursor;
      }

      expect(firstPage.body.pagination).toMatchObject({ has_more: true, total: 6 });
      expect(seen.map((event) => event.event_id)).toEqual(all.map((event) => event.event_id));
    });

    it('filters by action and actor', async () => {
      const { owner, orgId } = await newOrganization(app);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');
      await renameOrganization(app, admin, orgId, 'By The Admin');
      await renameOrganization(app, owner, orgId, 'By The Owner');

      const updates = await entries(owner, orgId, '&action=organization.updated');
      const byAdmin = await entries(owner, orgId, `&actor=${admin.sub}`);
      const both = await entries(owner, orgId, `&action=organization.updated&actor=${admin.sub}`);

      expect(updates.map((event) => event.actor)).toEqual([owner.sub, admin.sub]);
      expect(byAdmin.map((event) => event.action)).toEqual([
        'organization.updated',
        'invitation.accepted',
      ]);
      expect(both).toHaveLength(1);
    });

    it('filters by since (inclusive) and until (exclusive)', async () => {
      const { owner, orgId } = await newOrganization(app);
      const [earlier, later] = [newPrefixedId('evt'), newPrefixedId('evt')];
      await app.dataSource.query(
        `INSERT INTO audit_log (event_id, org_id, action, actor, target_type, target_id, changes,
                                created_at)
         VALUES ($2, $1, 'organization.updated', 'system', 'organization', $1, '{}',
                 '2026-01-01T10:00:00Z'),
                ($3, $1, 'organization.updated', 'system', 'organization', $1, '{}',
                 '2026-01-02T10:00:00Z')`,
        [orgId, earlier, later],
      );
      const ids = async (query: string) =>
        (await entries(owner, orgId, query)).map((event) => event.event_id);

      expect(await ids('&since=2026-01-01T10:00:00Z&until=2026-01-02T10:00:00Z')).toEqual([
        earlier,
      ]);
      expect(await ids('&since=2026-01-02T11:00:00%2B01:00&until=2026-01-03T00:00:00Z')).toEqual([
        later,
      ]);
      expect(await ids('&until=2026-01-03T00:00:00.5Z')).toHaveLength(2);
      expect(await ids('&actor=system')).toHaveLength(2);
    });

    it.each([
      ['action', '?action=organization.deleted'],
      ['action', '?action='],
      ['actor', '?actor='],
      ['actor', `?actor=${'x'.repeat(256)}`],
      ['since', '?since=yesterday'],
      ['since', '?since=2026-02-30T10:00:00Z'],
      ['since', '?since=2026-02-16'],
      ['until', '?until=2026-02-16T10:00:00'],
      ['until', '?since=2026-02-16T10:00:00Z&until=2026-02-16T10:00:00Z'],
      ['limit', '?limit=0'],
      ['cursor', '?cursor=bm90LW91cnM'],
    ])('refuses a bad %s (%s) with 400 naming it', async (parameter, query) => {
      const { owner, orgId } = await newOrganization(app);

      expectFieldError(await auditLog(owner, orgId, query), parameter);
    });

    it('refuses an unknown query parameter with 400', async () => {
      const { owner, orgId } = await newOrganization(app);

      expectFieldError(await auditLog(owner, orgId, '?target=x'), 'target', 'unknown_field');
    });
  });
});

function expectEventShape(event: AuditEvent): void {
  expect(Object.keys(event)).toEqual(EVENT_KEYS);
  expect(event.event_id).toMatch(/^evt_[a-z2-7]{16}$/);
  expect(Object.keys(event.target)).toEqual(['type', 'id']);
  expect(event.created_at).toMatch(TIMESTAMP);
  for (const change of event.changes) {
    expect(Object.keys(change)).toEqual(['field', 'from', 'to']);
  }
}
