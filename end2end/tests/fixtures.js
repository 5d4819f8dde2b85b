// Shared test helpers: accounts, and a page that fails the test on any
// script error or CSP violation.
const base = require('@playwright/test');

const ADMIN = {
  email: process.env.E2E_ADMIN_EMAIL || 'admin@visadesk.test',
  password: process.env.E2E_ADMIN_PASSWORD || 'e2e admin pass phrase',
};

const test = base.test.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // A refused sign-in is a 4xx the browser logs; that is the app working.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${m.text()}`);
      }
    });
    await use(page);
    base.expect(problems, 'no script errors or CSP violations').toEqual([]);
  },
});

/** Waits until the server-rendered page has hydrated (is interactive). */
async function hydrated(page) {
  await base.expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Signs in through the form. */
async function signIn(page, email, password) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

module.exports = { test, expect: base.expect, ADMIN, hydrated, signIn };
