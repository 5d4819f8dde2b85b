// Passkeys in the browser, through Chromium's virtual authenticator (the
// CDP WebAuthn domain): a member of staff adds a passkey on their account
// page, is asked for it after their password, and, once the firm allows
// it, signs in with the passkey alone. Passkeys are bound to a domain name,
// so these pages are opened at localhost rather than 127.0.0.1.
const { test, expect, ADMIN, hydrated, signIn, waitForMail } = require('./fixtures');

/** The server's address with `localhost` for its host. */
function localhost(baseURL) {
  const url = new URL(baseURL);
  url.hostname = 'localhost';
  return url.origin;
}

/** A browser context at localhost whose page has a virtual passkey device
 * (one that verifies the person, as a fingerprint would). */
async function withDevice(browser, baseURL) {
  const context = await browser.newContext({ locale: 'en-US', baseURL: localhost(baseURL) });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  return { context, page, credentials, problems };
}

test('a passkey is added on the account page, asked for after the password, and signs in alone where the firm allows it', async ({ page, browser, baseURL }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const person = { email: 'pass.key@visadesk.test', password: 'pass key pass phrase' };
  const res = await page.request.post('/api/create_user', {
    form: { email: person.email, display_name: 'Pat Key', role: 'paralegal', password: person.password },
  });
  expect(res.status()).toBe(200);

  const { context, page: staff, credentials, problems } = await withDevice(browser, baseURL);
  try {
    await signIn(staff, person.email, person.password);
    await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();
    await staff.goto('/account/sessions');
    await hydrated(staff);
    await expect(staff.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
    await expect(staff.getByText('No passkeys yet.')).toBeVisible();
    // No name: refused before the device is asked, and nothing is made.
    await staff.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(staff.getByRole('alert').filter({ hasText: 'passkey name' })).toBeVisible();
    expect(await credentials()).toHaveLength(0);
    await staff.getByLabel('Name for the new passkey').fill('Work laptop');
    await staff.getByRole('button', { name: 'Add a passkey' }).click();
    // The first second factor brings recovery codes, shown once.
    await expect(staff.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
    await expect(staff.locator('.recovery-code-list li')).toHaveCount(10);
    await staff.getByRole('button', { name: 'I have saved them – continue' }).click();
    await expect(staff.locator('.passkey-name')).toHaveText(['Work laptop']);
    await expect(staff.getByText('On: signing in asks for one of your passkeys.')).toBeVisible();
    const made = await credentials();
    expect(made).toHaveLength(1);
    expect(made[0].isResidentCredential).toBe(true);
    await staff.screenshot({ path: 'test-results/passkeys-account-1280.png', fullPage: true });
    await staff.setViewportSize({ width: 375, height: 800 });
    await staff.screenshot({ path: 'test-results/passkeys-account-375.png', fullPage: true });
    await staff.setViewportSize({ width: 1280, height: 800 });
    await waitForMail(person.email, /your sign-in security changed/);

    // Signed out: the password, then the passkey.
    await context.clearCookies();
    await signIn(staff, person.email, person.password);
    await expect(staff).toHaveURL(/\/sign-in\/verify$/);
    await hydrated(staff);
    await expect(staff.getByText(`Use one of your passkeys to finish signing in as ${person.email}.`)).toBeVisible();
    await expect(staff.getByLabel('Recovery code')).toBeVisible();
    await staff.screenshot({ path: 'test-results/passkeys-verify-1280.png', fullPage: true });
    await staff.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();

    // Not offered alone until the firm allows it; then the passkey alone.
    await context.clearCookies();
    await staff.goto('/sign-in');
    await hydrated(staff);
    await expect(staff.getByRole('button', { name: 'Sign in with a passkey' })).toHaveCount(0);
    const on = await page.request.post('/api/save_security_policy', { form: { second_factor: 'optional', passkey_sign_in: 'true' } });
    expect(on.status()).toBe(200);
    await staff.goto('/sign-in');
    await hydrated(staff);
    await staff.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();
    expect(problems).toEqual([]);
  } finally {
    // The later tests expect the default: no passkey alone.
    const off = await page.request.post('/api/save_security_policy', { form: { second_factor: 'optional' } });
    expect(off.status()).toBe(200);
    await context.close();
  }
});
