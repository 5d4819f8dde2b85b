// Browser tests against the real server, in Debian's Chromium (never a
// downloaded browser). `cargo leptos end-to-end` starts the server; the
// global setup waits until /healthz answers.
const { defineConfig } = require('@playwright/test');
const { CHROMIUM } = require('./chromium');

module.exports = defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: require.resolve('./global-setup.js'),
  use: {
    baseURL: process.env.VISADESK_BASE_URL || 'http://127.0.0.1:3000',
    screenshot: 'only-on-failure',
    launchOptions: CHROMIUM,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
