// Documents and the applicant portal, as staff and an applicant use them:
// invite, join, upload with a progress bar, reject with a reason, upload
// again, accept, complete.
const { test, expect, ADMIN, hydrated, signIn } = require('./fixtures');

const run = Date.now();
const applicant = { email: `mei.${run}@example.com`, password: 'my portal pass phrase' };
const state = {};

test.describe.configure({ mode: 'serial' });

/** A PDF-looking file of `size` bytes. */
function pdf(size, seed) {
  const bytes = Buffer.alloc(size, seed);
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  return bytes;
}

test('staff open a case and invite the applicant', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const details = {
    full_name: `Mei Chen ${run}`, latin_name: '', email: applicant.email, phone: '', address: '',
    date_of_birth: '1999-03-04', nationality: 'SG', passport_number: `E${run % 10000000}`, passport_expiry: '2032-01-01',
    education: [], work: [], languages: [],
  };
  let res = await page.request.post('/api/save_client', {
    data: { id: null, base_version: null, details, confirm_duplicate: true },
  });
  expect(res.status()).toBe(200);
  state.clientId = (await res.json()).saved.id;
  res = await page.request.post('/api/create_case', { form: { client_id: state.clientId, programme: 'cn_k' } });
  expect(res.status()).toBe(200);
  state.caseId = (await res.json()).id;

  await page.goto(`/clients/${state.clientId}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Email an invitation' }).click();
  const link = page.locator('#invite-link');
  await expect(link).toHaveValue(/\/portal\/join\//);
  state.link = await link.inputValue();
  expect(state.link.startsWith('http://')).toBe(true);
});

test('the applicant accepts the invitation and uploads a passport, watching the progress bar', async ({ page, context }) => {
  await page.goto(state.link);
  await hydrated(page);
  await expect(page.getByText(`Mei Chen ${run}, your firm invites you`)).toBeVisible();
  await page.getByLabel('Choose a password').fill('short');
  await page.getByLabel('Type it again').fill('short');
  await page.getByRole('button', { name: 'Open my portal' }).click();
  await expect(page.locator('.field-error', { hasText: 'The password has 5 characters; use at least 8.' })).toBeVisible();
  await page.getByLabel('Choose a password').fill(applicant.password);
  await page.getByLabel('Type it again').fill(applicant.password);
  await page.getByRole('button', { name: 'Open my portal' }).click();
  await expect(page.getByRole('heading', { name: 'Your case' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('China K visa')).toBeVisible();
  const passport = page.locator('li[data-kind="passport"]');
  await expect(passport.getByText('Needed from you')).toBeVisible();

  // Slow the network so the upload takes a few seconds, and watch the bar.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024,
  });
  const size = 4 * 1024 * 1024;
  await passport.locator('input[type=file]').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: pdf(size, 1) });
  const seen = new Set();
  const bytes = passport.locator('.upload-bytes');
  await expect(bytes).toBeVisible();
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const sent = await bytes.getAttribute('data-sent', { timeout: 1000 }).catch(() => null);
    if (sent === null) break;
    seen.add(Number(sent));
    await page.waitForTimeout(100);
  }
  const moving = [...seen].filter((n) => n > 0 && n < size);
  expect(moving.length, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(3);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(passport.getByText('Received, being reviewed')).toBeVisible();
  await expect(passport.getByText('passport.pdf')).toBeVisible();
});

test('a wrong file is refused in words, and a cancelled upload saves nothing', async ({ page, context }) => {
  await signIn(page, applicant.email, applicant.password);
  await expect(page.getByRole('heading', { name: 'Your case' })).toBeVisible();
  await hydrated(page);
  const photo = page.locator('li[data-kind="photo"]');
  await photo.locator('input[type=file]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('GIF89a this is not a JPEG') });
  await expect(photo.getByRole('alert')).toContainText('not a PDF, JPEG or PNG');

  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await photo.locator('input[type=file]').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: pdf(3 * 1024 * 1024, 2) });
  await expect(photo.locator('.upload-bytes')).toBeVisible();
  await photo.getByRole('button', { name: 'Cancel' }).click();
  await expect(photo.getByRole('alert')).toContainText('Upload cancelled');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.reload();
  await expect(page.locator('li[data-kind="photo"]').getByText('Needed from you')).toBeVisible();
});

test('staff preview and reject it with a reason', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto(`/cases/${state.caseId}`);
  await hydrated(page);
  const passport = page.locator('li[data-kind="passport"]');
  await expect(passport.getByText('passport.pdf')).toBeVisible();
  await passport.getByRole('button', { name: 'Preview' }).click();
  await expect(passport.locator('iframe.preview')).toBeVisible();
  await passport.getByRole('button', { name: 'Reject Passport (photo page)' }).click();
  await passport.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(passport.getByText(/Say why the document is rejected/)).toBeVisible();
  await passport.getByPlaceholder('What should the applicant fix?').fill('The photo page is cut off at the bottom');
  await passport.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(passport.locator('.badge', { hasText: 'Rejected' }).first()).toBeVisible();
});

test('the applicant sees the reason, uploads again, and staff accept', async ({ page, browser }) => {
  await signIn(page, applicant.email, applicant.password);
  await expect(page.getByRole('heading', { name: 'Your case' })).toBeVisible();
  await hydrated(page);
  const passport = page.locator('li[data-kind="passport"]');
  await expect(passport.getByText('The photo page is cut off at the bottom')).toBeVisible();
  await passport.locator('input[type=file]').setInputFiles({ name: 'passport-full.pdf', mimeType: 'application/pdf', buffer: pdf(200_000, 3) });
  await expect(passport.getByText('Received, being reviewed')).toBeVisible();

  // The other required papers, uploaded the same way (through the endpoint).
  const items = await (await page.request.post('/api/portal')).json();
  const pending = items.cases[0].checklist.filter((i) => i.required && i.kind !== 'Passport');
  for (const [n, item] of pending.entries()) {
    const res = await page.request.post(`/documents/items/${item.id}`, {
      multipart: { file: { name: `doc-${n}.pdf`, mimeType: 'application/pdf', buffer: pdf(10_000 + n, 10 + n) } },
    });
    expect(res.status()).toBe(201);
  }

  const staff = await browser.newPage();
  await signIn(staff, ADMIN.email, ADMIN.password);
  await expect(staff.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await staff.goto(`/cases/${state.caseId}`);
  await hydrated(staff);
  const staffPassport = staff.locator('li[data-kind="passport"]');
  await expect(staffPassport.getByText('passport-full.pdf')).toBeVisible();
  await staffPassport.getByRole('button', { name: 'Accept Passport (photo page)' }).click();
  await expect(staffPassport.locator('.badge', { hasText: 'Accepted' }).first()).toBeVisible();
  for (const kind of ['photo', 'degree_certificate', 'transcript', 'cv']) {
    const li = staff.locator(`li[data-kind="${kind}"]`);
    await li.getByRole('button', { name: /^Accept / }).click();
    await expect(li.locator('.badge', { hasText: 'Accepted' }).first()).toBeVisible();
  }
  await expect(staff.getByText(/5 of 5 accepted\s*· complete/)).toBeVisible();
  await staff.close();

  await page.reload();
  await expect(page.getByText(/5 of 5 accepted\s*· complete/)).toBeVisible();
});
