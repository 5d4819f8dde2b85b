// Two-step sign-in in the browser: a member of staff sets up an
// authenticator app from their account page (the test computes the codes
// from the key the page shows, as an app would), signs in again with a
// code, and a firm rule takes the next person to set one up first.
const crypto = require('crypto');
const { test, expect, ADMIN, hydrated, signIn, waitForMail } = require('./fixtures');

/** RFC 4648 base32 (no padding) to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 code (HMAC-SHA-1, 6 digits, 30 s) at `seconds`. */
function totp(secret, seconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = crypto.createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

const now = () => Date.now() / 1000;

/** Sets up an authenticator on the account page; answers its secret. */
async function setUp(page) {
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const key = page.locator('.totp-key');
  await expect(key).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const uri = await key.getAttribute('data-uri');
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const secret = base32(await key.innerText());
  expect(new URL(uri).searchParams.get('secret')).toBe((await key.innerText()).replace(/\s/g, ''));
  // A wrong code first: refused, and what was typed stays.
  const wrong = totp(secret, now()) === '000000' ? '111111' : '000000';
  await page.getByLabel('Code from the app').fill(wrong);
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'That code is not right' })).toBeVisible();
  await expect(page.getByLabel('Code from the app')).toHaveValue(wrong);
  await page.getByLabel('Code from the app').fill(totp(secret, now()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  await expect(page.locator('.recovery-code-list li')).toHaveCount(10);
  return secret;
}

test('an authenticator app is set up on the account page and asked for at the next sign-in', async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const person = { email: 'two.step@visadesk.test', password: 'two step pass phrase' };
  const res = await page.request.post('/api/create_user', {
    form: { email: person.email, display_name: 'Tomas Step', role: 'attorney', password: person.password },
  });
  expect(res.status()).toBe(200);

  const context = await browser.newContext({ locale: 'en-US' });
  const staff = await context.newPage();
  await signIn(staff, person.email, person.password);
  await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await staff.goto('/account/sessions');
  await hydrated(staff);
  await expect(staff.getByText('Off: signing in asks only for your password.')).toBeVisible();
  const secret = await setUp(staff);
  await staff.screenshot({ path: 'test-results/two-step-codes-1280.png', fullPage: true });
  await staff.getByRole('button', { name: 'I have saved them – continue' }).click();
  await expect(staff.getByText(/^On since /)).toBeVisible();
  await expect(staff.getByText('Recovery codes left: 10.')).toBeVisible();
  await staff.setViewportSize({ width: 375, height: 800 });
  await staff.screenshot({ path: 'test-results/two-step-account-375.png', fullPage: true });
  await waitForMail(person.email, /your sign-in security changed/);

  // Signed out, the password alone is not enough.
  await context.clearCookies();
  await staff.setViewportSize({ width: 1280, height: 800 });
  await signIn(staff, person.email, person.password);
  await expect(staff).toHaveURL(/\/sign-in\/verify$/);
  await hydrated(staff);
  await expect(staff.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await expect(staff.getByText(`finish signing in as ${person.email}`)).toBeVisible();
  await staff.screenshot({ path: 'test-results/two-step-verify-1280.png', fullPage: true });
  // The next step's code (the current one confirmed the app moments ago).
  await staff.getByLabel('Code', { exact: true }).fill(totp(secret, now() + 30));
  await staff.getByRole('button', { name: 'Verify' }).click();
  await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await context.close();
});

test('the firm requires two-step sign-in of staff and the next one sets it up first', async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const person = { email: 'must.enrol@visadesk.test', password: 'must enrol pass phrase' };
  const res = await page.request.post('/api/create_user', {
    form: { email: person.email, display_name: 'Mei Enrol', role: 'paralegal', password: person.password },
  });
  expect(res.status()).toBe(200);
  await page.goto('/admin');
  await hydrated(page);
  await page.getByLabel('Two-step sign-in required of').selectOption('staff');
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Sign-in security' }) });
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByText('Saved.')).toBeVisible();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    const staff = await context.newPage();
    await signIn(staff, person.email, person.password);
    await expect(staff).toHaveURL(/\/sign-in\/enrol$/);
    await hydrated(staff);
    await expect(staff.getByRole('heading', { name: 'Set up two-step sign-in' })).toBeVisible();
    // Nothing else first: another page sends them back to sign in.
    const other = await context.newPage();
    await other.goto('/cases');
    await expect(other).toHaveURL(/\/sign-in\?next=(%2F|\/)cases$/);
    await other.close();
    await staff.setViewportSize({ width: 375, height: 800 });
    await setUp(staff);
    await staff.screenshot({ path: 'test-results/two-step-enrol-375.png', fullPage: true });
    await staff.getByRole('button', { name: 'I have saved them – continue' }).click();
    await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();
    await context.close();
  } finally {
    // The later tests sign staff in with a password alone.
    const back = await page.request.post('/api/save_security_policy', { form: { second_factor: 'optional' } });
    expect(back.status()).toBe(200);
  }
});
