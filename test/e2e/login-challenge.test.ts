import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { hashPassword } from '../../src/accounts/passwords.js';
import { openAccount } from '../../src/accounts/signup.js';
import { as, describeApi, enrol, uniqueExternalId } from '../support/api.js';
import { PASSWORD } from '../support/principals.js';
import { assertAccessible, ensureWebBuilt, launch, openContext, phone, screenshot, skipReason } from './browser.js';

/**
 * F2 in the portal (decision 72): while log-ins are challenged, the log-in page offers to email a
 * code, takes it with the password, and the browser's device is known from then on — its next
 * log-in goes straight in.
 */
const title = 'web: the log-in challenge in chromium';
const skip = skipReason();
if (skip) it(title, { skip }, () => {});
else describeApi(
  title,
  (ctx) => {
    let browser: Browser | undefined;
    let base = '';
    const aiko = { name: 'Aiko Device', email: `${uniqueExternalId('aiko')}@example.jp` };

    before(async () => {
      ensureWebBuilt();
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
      browser = await launch();
      const memberId = await enrol(ctx.app, 'flets-club', aiko);
      await ctx.db.transaction(async (tx) => openAccount(tx, { program: 'flets-club', memberId, email: aiko.email, passwordHash: await hashPassword(PASSWORD), locale: 'en' }, ctx.clock.now()));
      // A stuffing run elsewhere: 30 failures from 30 addresses challenge the program's log-ins.
      for (let n = 1; n <= 30; n += 1) {
        const failed = await ctx.app.inject({ method: 'POST', url: '/v1/auth/sessions', payload: { program: 'flets-club', email: `leak-${n}@example.jp`, password: 'leaked password' }, headers: as(null), remoteAddress: `198.18.1.${n}` });
        assert.equal(failed.statusCode, 401, failed.body);
      }
    });
    after(async () => browser?.close());

    it('F2: a challenged log-in asks for the emailed code, gets in with it, and the device is known next time (en, phone)', async () => {
      assert.ok(browser, 'chromium started');
      const { context, page, problems } = await openContext(browser, { locale: 'en-US', device: phone });
      try {
        const logIn = async () => {
          await page.goto(`${base}/login?program=flets-club`);
          await page.getByLabel('Email').fill(aiko.email);
          await page.getByLabel('Password').fill(PASSWORD);
          await page.getByRole('button', { name: 'Log in' }).click();
        };
        await logIn();
        await page.getByText('you need a log-in code that we email you').waitFor();
        await page.getByRole('button', { name: 'Email me a code' }).click();
        await page.getByRole('status').filter({ hasText: 'a code is on its way' }).waitFor();
        const mail = await ctx.mailbox.waitFor(aiko.email, (m) => /^\d{8}$/mu.test(m.text));
        await page.getByLabel('Log-in code (8 digits)').fill(/^(\d{8})$/mu.exec(mail.text)?.[1] ?? '');
        await assertAccessible(page, 'log-in challenge');
        await screenshot(page, ctx.backend, 'portal-login-challenge');
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('heading', { name: `${aiko.name}, your points` }).waitFor();

        // The session lives in this tab; the device id in the browser. A new tab logs in with no code.
        await page.evaluate(() => sessionStorage.clear());
        await logIn();
        await page.getByRole('heading', { name: `${aiko.name}, your points` }).waitFor();
        assert.deepEqual(problems, [], 'no page errors and no Content-Security-Policy violations');
      } catch (error) {
        await screenshot(page, ctx.backend, 'failed-login-challenge').catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    });
  },
  { mailbox: true },
);
