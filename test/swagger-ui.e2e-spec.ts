import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { type Browser, chromium, type Page, type Response } from 'playwright-core';
import { uniqueSlug } from './support/factories.js';
import { assertResponseMatchesOpenApi } from './support/openapi-validator.js';
import { organizationPath } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser } from './support/tokens.js';

// Starting the app and a browser can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(120_000);

/** Debian's build; the test never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const SCREENSHOT = `${ARTIFACTS}swagger-ui-create-organization.png`;
const STEP_TIMEOUT_MS = 15_000;

describe('Swagger UI at /docs in a real browser (headless Chromium)', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium ` +
          '(apt-get update && apt-get install -y chromium); this test never downloads a browser.',
      );
    }
    app = await startTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /**
   * Keeps the page on this machine: any request to another host is aborted and recorded.
   * Every answer the page gets from the service is checked against openapi.json, as ApiClient
   * checks its own.
   */
  async function watchTraffic(page: Page): Promise<{
    offHost: string[];
    checked: Promise<void>[];
  }> {
    const origin = new URL(app.baseUrl).origin;
    const offHost: string[] = [];
    const checked: Promise<void>[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) {
        return route.continue();
      }
      offHost.push(url);

      return route.abort('blockedbyclient');
    });
    page.on('response', (response: Response) => {
      checked.push(
        (async () => {
          const url = new URL(response.url());
          if (url.origin !== origin) {
            return;
          }
          assertResponseMatchesOpenApi({
            method: response.request().method(),
            path: url.pathname,
            status: response.status(),
            headers: new Headers(await response.allHeaders()),
            text: await response.text().catch(() => ''),
          });
        })(),
      );
    });

    return { offHost, checked };
  }

  it('authorizes with a token, tries POST /v1/organizations and shows the 201 body', async () => {
    const startedAt = Date.now();
    const owner = newUser();
    const slug = uniqueSlug('swagger');
    const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const traffic = await watchTraffic(page);

    try {
      await page.goto(`${app.baseUrl}/docs`);
      await page.locator('.swagger-ui .information-container').waitFor();

      await page.locator('.auth-wrapper button.authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      // The dialog also offers the webhook's Stripe-Signature scheme; only the bearer is used.
      const bearer = dialog.locator('form').filter({ hasText: 'bearer (http, Bearer)' });
      await bearer.locator('#auth-bearer-value').fill(owner.token);
      await bearer.locator('button.modal-btn.authorize').click();
      await bearer.getByRole('button', { name: 'Remove authorization' }).waitFor();
      await bearer.locator('button.btn-done').click();

      const operation = page.locator('#operations-Organizations-createOrganization');
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('button.try-out__btn').click();
      const body = {
        name: 'Swagger UI Corp',
        slug,
        billing_email: 'billing@swagger.example',
        cloud_region: 'ap-southeast-1',
      };
      await operation.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
      await operation.locator('button.execute').click();

      const answer = operation.locator('.live-responses-table tr.response');
      await answer.waitFor();
      const status = (await answer.locator('.response-col_status').innerText()).trim();
      const shown = JSON.parse(
        await answer.locator('.highlight-code code.language-json').first().innerText(),
      );
      const curl = await operation.locator('.curl-command').innerText();
      await mkdir(ARTIFACTS, { recursive: true });
      await operation.screenshot({ path: SCREENSHOT });

      expect(status).toBe('201');
      expect(shown).toMatchObject({
        ...body,
        tier: 'free',
        status: 'active',
        org_id: expect.stringMatching(/^org_[a-z2-7]{16}$/),
      });
      expect(curl).toContain(`Authorization: Bearer ${owner.token}`);

      const stored = await app.api.get(organizationPath(shown.org_id), { token: owner.token });
      expect(stored.status).toBe(200);
      expect(stored.body).toEqual(shown);

      await Promise.all(traffic.checked);
      expect(traffic.offHost).toEqual([]);
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await context.close();
      console.log(`Swagger UI flow in Chromium took ${Date.now() - startedAt} ms`);
    }
  });
});
