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
  const heading = page.getByRole('heading', { name: /^VD-\d{4}-\d{4,} · Priya Sharma/ });
  await expect(heading).toBeVisible();
  const reference = (await heading.textContent()).split(' · ')[0];
  await hydrated(page);

  // The H-1B checklist: six documents required; one can be waived with a reason.
  const documents = page.getByRole('region', { name: 'Documents' });
  await expect(documents.getByRole('status')).toHaveText('0 of 6 accepted');
  await documents.getByRole('button', { name: 'Waive Credential evaluation' }).click();
  await documents.getByRole('button', { name: 'Waive', exact: true }).click();
  await expect(documents.getByText(/Say in up to 500 characters why/)).toBeVisible();
  await documents.getByLabel('Why is “Credential evaluation” not needed?').fill('US degree, no evaluation needed');
  await documents.getByRole('button', { name: 'Waive', exact: true }).click();
  await expect(documents.getByRole('status')).toHaveText('0 of 5 accepted');
  await expect(documents).toContainText('US degree, no evaluation needed');

  // A task that is already late is marked overdue until it is done.
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await page.getByLabel('Task *').fill('Request the degree certificate');
  await page.getByLabel('Due').fill(yesterday);
  await page.getByLabel('Assignee').selectOption({ label: people.paralegal.name });
  await page.getByRole('button', { name: 'Add task' }).click();
  const task = page.locator('.task').filter({ hasText: 'Request the degree certificate' });
  await expect(task).toContainText('Overdue');
  await expect(page.getByLabel('Task *')).toHaveValue('');
  await task.getByRole('checkbox').check();
  await expect(task).toHaveClass(/task-done/);
  await expect(task).not.toContainText('Overdue');

  // Details: a bad date is refused on its field and nothing typed is lost.
  await page.getByRole('link', { name: 'Edit details' }).click();
  await hydrated(page);
  await expect(page.getByLabel('Attorney')).toBeDisabled();
  await page.getByLabel('Notes (staff only; applicants never see them)').fill('Employer letter promised for Friday.');
  await page.getByLabel('Decision').fill('2001-01-01');
  await page.getByLabel('Filed').fill('2001-01-02');
  await page.getByRole('button', { name: 'Save case' }).click();
  await expect(page.getByText('The decision date can\'t be before the filing date')).toBeVisible();
  await expect(page.getByLabel('Notes (staff only; applicants never see them)')).toHaveValue('Employer letter promised for Friday.');
  await page.getByLabel('Decision').fill('');
  await page.getByLabel('Filed').fill('');
  await page.getByRole('button', { name: 'Save case' }).click();
  await expect(page.getByText('Employer letter promised for Friday.')).toBeVisible();

  // On the board: drag the card one stage on, then use the keyboard.
  await page.goto('/cases/board');
  await hydrated(page);
  await page.getByLabel('Assigned to').selectOption({ label: 'Me' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/assignee=/);
  const card = page.locator(`[data-case="${reference}"]`);
  await expect(page.locator('[data-stage="intake"]').locator(card)).toBeVisible();
  await card.dragTo(page.locator('[data-stage="eligibility_review"]'));
  await expect(page.getByRole('status').filter({ hasText: `Moved ${reference} to Eligibility review.` })).toBeVisible();
  await expect(page.locator('[data-stage="eligibility_review"]').locator(card)).toBeVisible();

  for (const stage of ['Collecting documents', 'Preparing application', 'Submitted', 'Awaiting decision']) {
    const menu = page.getByLabel(`Move ${reference} to`);
    await menu.selectOption({ label: stage });
    await menu.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: `Moved ${reference} to ${stage}.` })).toBeVisible();
  }
  await expect(page.locator('[data-stage="awaiting_decision"]').locator(card)).toBeVisible();
  // Final outcomes are for attorneys: not even offered.
  const options = await page.getByLabel(`Move ${reference} to`).locator('option').allTextContents();
  expect(options).toEqual(['Collecting documents', 'Withdrawn']);
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
  await expect(page.getByRole('link', { name: 'Edit details' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add task' })).toHaveCount(0);
  await expect(page.locator('.task input[type=checkbox]').first()).toBeDisabled();
  await page.getByRole('link', { name: `Priya Sharma ${run}` }).first().click();
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Open a case' })).toHaveCount(0);

  await page.goto('/cases/board?programme=us_h1b');
  await hydrated(page);
  const card = page.locator('.board-card').filter({ hasText: `Priya Sharma ${run}` });
  await expect(page.locator('[data-stage="approved"]').locator(card)).toBeVisible();
  await expect(card).toHaveAttribute('draggable', 'false');
  await expect(page.getByRole('button', { name: 'Move' })).toHaveCount(0);
});
