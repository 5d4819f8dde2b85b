// The eligibility panel as staff use it: it follows the profile form while
// nothing is sent to the server, then the case page saves an assessment the
// server computes, and lists it.
const { test, expect, ADMIN, hydrated, signIn } = require('./fixtures');

const run = Date.now();
const state = {};

test.describe.configure({ mode: 'serial' });

const card = (page, programme) => page.locator(`.elig-card[data-programme="${programme}"]`);

test('the panel follows the profile form with no request to the server', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const details = {
    full_name: `Arjun Rao ${run}`, latin_name: '', email: `arjun.${run}@example.com`, phone: '', address: '',
    date_of_birth: '1996-05-20', nationality: 'IN', passport_number: `K${run % 10000000}`, passport_expiry: '2032-01-01',
    education: [{ level: 'master', field: 'Electrical engineering', stem: true, institution: 'IIT Delhi', country: 'IN', completed_on: '2021-06-30' }],
    work: [{ role: 'Engineer', employer: 'Tata', country: 'IN', start_on: '2021-08-01', end_on: '', research_or_teaching: false }],
    languages: [],
  };
  let res = await page.request.post('/api/save_client', {
    data: { id: null, base_version: null, details, confirm_duplicate: true },
  });
  expect(res.status()).toBe(200);
  state.clientId = (await res.json()).saved.id;
  res = await page.request.post('/api/create_case', { form: { client_id: state.clientId, programme: 'cn_k' } });
  expect(res.status()).toBe(200);
  state.caseId = (await res.json()).id;

  await page.goto(`/clients/${state.clientId}/edit`);
  await hydrated(page);
  const sent = [];
  page.on('request', (r) => sent.push(`${r.method()} ${r.url()}`));
  // A fixed date, so the thresholds in force do not depend on the day the test runs.
  await page.locator('#elig-on').fill('2026-06-01');

  // The institution is not yet confirmed well-known: the firm must judge.
  await expect(card(page, 'cn_k')).toHaveAttribute('data-outcome', 'needs_review');
  await page.locator('#f-well-known').selectOption('yes');
  await expect(card(page, 'cn_k')).toHaveAttribute('data-outcome', 'eligible');

  // Over the firm's age limit of 45: not eligible, and the criterion says why.
  await page.locator('#c-dob').fill('1970-01-01');
  await expect(card(page, 'cn_k')).toHaveAttribute('data-outcome', 'ineligible');
  const age = card(page, 'cn_k').locator('[data-criterion="age"]');
  await expect(age).toHaveAttribute('data-status', 'not_met');
  await age.locator('summary').click();
  await expect(age).toContainText("firm's limit of 45");
  await page.locator('#c-dob').fill('1996-05-20');
  await expect(card(page, 'cn_k')).toHaveAttribute('data-outcome', 'eligible');
  await expect(age, 'an open criterion stays open while the profile changes').toHaveAttribute('data-status', 'met');
  await expect(age.locator('details')).toHaveAttribute('open', '');

  // A job offer in Germany: the Blue Card turns on the salary, typed digit by digit.
  await expect(card(page, 'de_blue_card')).toHaveAttribute('data-outcome', 'needs_information');
  await page.getByLabel('The client has a job offer').check();
  await page.locator('#f-offer-country').fill('DE');
  await page.locator('#f-offer-currency').fill('EUR');
  await page.locator('#f-offer-duration').fill('open-ended');
  await page.locator('#f-offer-salary').pressSequentially('40000');
  await expect(card(page, 'de_blue_card')).toHaveAttribute('data-outcome', 'ineligible');
  await page.locator('#f-offer-salary').fill('52000');
  await expect(card(page, 'de_blue_card')).toHaveAttribute('data-outcome', 'eligible');
  await expect(card(page, 'de_blue_card')).toContainText('Eligible');

  expect(sent, 'typing sends nothing to the server').toEqual([]);

  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`/clients/${state.clientId}$`));
  await hydrated(page);
  await page.locator('#elig-on').fill('2026-06-01');
  await expect(card(page, 'de_blue_card')).toHaveAttribute('data-outcome', 'eligible');
});

test('the case page saves an assessment the server computes', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto(`/cases/${state.caseId}`);
  await hydrated(page);
  await page.locator('#elig-on').fill('2026-06-01');
  await expect(card(page, 'cn_k')).toHaveAttribute('data-outcome', 'eligible');
  await expect(card(page, 'cn_k'), "the case's own programme is marked").toHaveClass(/elig-card-current/);
  await expect(card(page, 'us_h1b')).not.toHaveClass(/elig-card-current/);
  await expect(page.getByText('None saved yet.')).toBeVisible();

  // Assessing before the K visa existed, in the browser...
  await page.locator('#elig-on').fill('2025-09-30');
  await expect(card(page, 'cn_k')).toHaveAttribute('data-outcome', 'ineligible');
  // ...and saved: the server assesses again and keeps it.
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/save_assessment'));
  await page.getByRole('button', { name: 'Save assessment' }).click();
  expect((await saved).status()).toBe(200);
  const item = page.locator('.assessment').first();
  await expect(item).toContainText('On 30 September 2025');
  await expect(item).toContainText('China K visa: Not eligible');
  await expect(item).toContainText('EU Blue Card (Germany): Eligible');

  // The stored list survives a reload.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.assessment').first()).toContainText('On 30 September 2025');
});
