// Email, as people receive it: the test SMTP server keeps what Visadesk
// sends, and these tests read the links from there. Staff invite an
// applicant, who joins with the emailed link and uploads; the paralegal's
// bell counts the upload; staff reject the document and the applicant gets
// the reason by email; the applicant and the paralegal exchange messages;
// a forgotten password is reset through its link.
const { test, expect, ADMIN, hydrated, signIn, MAIL_DIR, waitForMail, linkIn } = require('./fixtures');

const run = Date.now();
const applicant = { email: `arjun.${run}@example.com`, password: 'arjun portal phrase' };
const para = { email: `para.${run}@visadesk.test`, password: 'para first phrase' };
const state = {};

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  expect(MAIL_DIR, 'E2E_MAIL_DIR names the test SMTP server\'s folder').not.toBe('');
});

test('staff email an invitation and the applicant joins with the emailed link', async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  let res = await page.request.post('/api/create_user', {
    form: { email: para.email, display_name: 'Pia Paralegal', role: 'paralegal', password: para.password },
  });
  expect(res.status()).toBe(200);
  state.paraId = (await res.json()).id;
  const details = {
    full_name: `Arjun Rao ${run}`, latin_name: '', email: applicant.email, phone: '', address: '',
    date_of_birth: '1998-07-09', nationality: 'IN', passport_number: `M${run % 10000000}`, passport_expiry: '2033-01-01',
    education: [], work: [], languages: [],
  };
  res = await page.request.post('/api/save_client', { data: { id: null, base_version: null, details, confirm_duplicate: true } });
  expect(res.status()).toBe(200);
  state.clientId = (await res.json()).saved.id;
  res = await page.request.post('/api/create_case', {
    form: { client_id: state.clientId, programme: 'cn_k', paralegal_id: state.paraId },
  });
  expect(res.status()).toBe(200);
  state.caseId = (await res.json()).id;

  await page.goto(`/clients/${state.clientId}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Email an invitation' }).click();
  await expect(page.getByText(`The invitation is on its way to ${applicant.email}`)).toBeVisible();

  const mail = await waitForMail(applicant.email, /invites you to your case portal/);
  const link = linkIn(mail, '/portal/join/');
  expect(link).toBeTruthy();
  const applicantPage = await (await browser.newContext()).newPage();
  await applicantPage.goto(link);
  await hydrated(applicantPage);
  await applicantPage.getByLabel('Choose a password').fill(applicant.password);
  await applicantPage.getByLabel('Type it again').fill(applicant.password);
  await applicantPage.getByRole('button', { name: 'Open my portal' }).click();
  await expect(applicantPage.getByRole('heading', { name: 'Your case' })).toBeVisible();
  await hydrated(applicantPage);
  const passport = applicantPage.locator('li[data-kind="passport"]');
  const bytes = Buffer.alloc(20_000, 7);
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  await passport.locator('input[type=file]').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: bytes });
  await expect(passport.getByText('Received, being reviewed')).toBeVisible();
  await applicantPage.context().close();
});

test('the paralegal sees the upload on the bell, opens it and rejects the document', async ({ page }) => {
  await signIn(page, para.email, para.password);
  await hydrated(page);
  const bell = page.getByRole('link', { name: 'Notifications: 1 unread' });
  await expect(bell).toBeVisible();
  await expect(bell.locator('.bell-count')).toHaveText('1');
  await bell.click();
  await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: new RegExp(`Arjun Rao ${run} uploaded`) }).click();
  await expect(page).toHaveURL(new RegExp(`/cases/${state.caseId}$`));
  await expect(page.getByRole('link', { name: 'Notifications: none unread' })).toBeVisible();

  await hydrated(page);
  const item = page.locator('li[data-kind="passport"]');
  await item.getByRole('button', { name: 'Reject Passport (photo page)' }).click();
  await item.getByPlaceholder('What should the applicant fix?').fill('The photo page is cut off at the bottom.');
  await item.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(item.locator('.badge', { hasText: 'Rejected' }).first()).toBeVisible();

  const mail = await waitForMail(applicant.email, /Please send your/);
  expect(mail.text).toContain('The photo page is cut off at the bottom.');
  expect(linkIn(mail, '/portal')).toBeTruthy();
});

test('the applicant writes, the paralegal sees it new, reads and replies, and the applicant sees the reply', async ({ page, browser }) => {
  await signIn(page, applicant.email, applicant.password);
  await expect(page.getByRole('heading', { name: 'Your case' })).toBeVisible();
  await hydrated(page);
  const box = page.getByLabel('Write to your firm');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Write a message first.')).toBeVisible();
  await box.fill('Which pages of the passport do you need? https://example.com/help');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('.bubble', { hasText: 'Which pages of the passport' })).toBeVisible();
  await expect(page.locator('.bubble a', { hasText: 'https://example.com/help' })).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  await expect(box).toHaveValue('');
  await expect(page.getByText('Not yet seen by the firm')).toBeVisible();

  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, para.email, para.password);
  await hydrated(staff);
  await expect(staff.getByRole('link', { name: 'Notifications: 1 unread' })).toBeVisible();
  await staff.goto(`/cases/${state.caseId}`);
  await hydrated(staff);
  await expect(staff.getByText('1 new message')).toBeVisible();
  await expect(staff.locator('.bubble', { hasText: 'Which pages of the passport' })).toBeVisible();
  await staff.getByLabel('Write to the applicant').fill('The photo page only, in colour.');
  await staff.getByRole('button', { name: 'Send' }).click();
  await expect(staff.locator('.bubble.mine', { hasText: 'The photo page only' })).toBeVisible();
  await staff.context().close();

  const mail = await waitForMail(applicant.email, /New message from/);
  expect(mail.text).not.toContain('The photo page only');
  await page.reload();
  await hydrated(page);
  await expect(page.getByText('1 new message')).toBeVisible();
  await expect(page.locator('.bubble', { hasText: 'The photo page only, in colour.' })).toBeVisible();
  await expect(page.getByText(/Seen by the firm/)).toBeVisible();
});

test('a forgotten password is reset through the emailed link', async ({ page }) => {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(para.email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByText(`If ${para.email} belongs to an account`)).toBeVisible();

  const mail = await waitForMail(para.email, /Reset your .* password/);
  const link = linkIn(mail, '/reset-password/');
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('para second phrase');
  await page.getByLabel('Type it again').fill('para other phrase');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page.getByText('The two passwords are not the same.')).toBeVisible();
  await expect(page.getByLabel('New password', { exact: true })).toHaveValue('para second phrase');
  await page.getByLabel('Type it again').fill('para second phrase');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();

  // Used once: the link now says so and offers a new one.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Email me a new link' })).toBeVisible();
  await waitForMail(para.email, /password was changed/);
});
