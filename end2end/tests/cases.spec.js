const { test, expect, ADMIN, hydrated, signIn } = require('./fixtures');

const run = Date.now();
const people = {
  attorney: { email: `ava.${run}@visadesk.test`, name: 'Ava Attorney', role: 'attorney', password: 'attorney pass phrase' },
  paralegal: { email: `pat.${run}@visadesk.test`, name: 'Pat Paralegal', role: 'paralegal', password: 'paralegal pass phrase' },
  viewer: { email: `vic.${run}@visadesk.test`, name: 'Vic Viewer', role: 'viewer', password: 'viewer pass phrase' },
};

test.describe.configure({ mode: 'serial' });

test('the admin sets up the team', async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  for (const p of Object.values(people)) {
    const res = await page.request.post('/api/create_user', {
      form: { email: p.email, display_name: p.name, role: p.role, password: p.password },
    });
    expect(res.status()).toBe(200);
  }
});

test('a paralegal opens a case for a new client and moves it along', async ({ page }) => {
  await signIn(page, people.paralegal.email, people.paralegal.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto('/clients/new');
  await hydrated(page);
  await page.getByLabel('Full name').fill(`Priya Sharma ${run}`);
  await page.getByLabel('Nationality').fill('IN');
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByRole('heading', { name: 'Open a case' })).toBeVisible();
  await hydrated(page);

  await page.getByLabel('Programme').selectOption({ label: 'US H-1B' });
  await page.getByLabel('Attorney').selectOption({ label: people.attorney.name });
  await page.getByLabel('Paralegal').selectOption({ label: people.paralegal.name });
  await page.getByRole('button', { name: 'Open case' }).click();
  await expect(page.getByRole('heading', { name: /^VD-\d{4}-\d{4,} · Priya Sharma/ })).toBeVisible();
  await hydrated(page);

  for (const stage of ['Eligibility review', 'Collecting documents', 'Preparing application', 'Submitted', 'Awaiting decision']) {
    await page.getByRole('button', { name: `Move to ${stage}` }).click();
    await expect(page.getByText(`Now in ${stage}.`)).toBeVisible();
  }
  // Final outcomes are for attorneys: not even offered.
  await expect(page.getByRole('button', { name: 'Move to Approved' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Move to Collecting documents' })).toBeVisible();
});

test('the attorney records the approval', async ({ page }) => {
  await signIn(page, people.attorney.email, people.attorney.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto('/cases?stage=awaiting_decision');
  await hydrated(page);
  await page.getByRole('row').filter({ hasText: `Priya Sharma ${run}` }).getByRole('link').click();
  await hydrated(page);
  await page.getByLabel('Note for the timeline (optional)').fill('Approval notice received');
  await page.getByRole('button', { name: 'Move to Approved' }).click();
  await expect(page.getByText('Now in Approved.')).toBeVisible();
  const latest = page.getByRole('list').filter({ hasText: 'Awaiting decision → Approved' });
  await expect(latest).toContainText('Approval notice received');
  await expect(latest).toContainText(people.attorney.name);
});

test('a viewer sees the case and can change nothing', async ({ page }) => {
  await signIn(page, people.viewer.email, people.viewer.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto(`/cases?programme=us_h1b`);
  await hydrated(page);
  await page.getByRole('row').filter({ hasText: `Priya Sharma ${run}` }).getByRole('link').click();
  await expect(page.getByText("You can't move this case.")).toBeVisible();
  await expect(page.getByRole('button', { name: /^Move to/ })).toHaveCount(0);
  await page.getByRole('link', { name: `Priya Sharma ${run}` }).first().click();
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Open a case' })).toHaveCount(0);
});
