const { test, expect, ADMIN, hydrated, signIn } = require('./fixtures');

const PARALEGAL = {
  email: `pat.${Date.now()}@visadesk.test`,
  name: 'Pat Paralegal',
  password: 'paralegal pass phrase',
};

test.describe.configure({ mode: 'serial' });

test('the admin signs in, creates a paralegal and signs out', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in\?next=\/admin$/);
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back on the page first asked for.
  await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toBeVisible();

  await page.getByLabel('Email', { exact: true }).fill(PARALEGAL.email);
  await page.getByLabel('Full name').fill(PARALEGAL.name);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Paralegal' });
  await page.getByLabel('Initial password').fill(PARALEGAL.password);
  await page.getByRole('button', { name: 'Create user' }).click();

  await expect(page.getByRole('status')).toContainText(`Created ${PARALEGAL.name} (${PARALEGAL.email}) as Paralegal.`);
  const row = page.getByRole('row').filter({ hasText: PARALEGAL.email });
  await expect(row).toContainText(PARALEGAL.name);
  await expect(page.getByLabel(`Role for ${PARALEGAL.email}`, { exact: true })).toHaveValue('paralegal');
  // The form is cleared for the next user.
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('');

  await page.locator('.usermenu summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('status')).toHaveText('You have been signed out.');
  // Signed out means signed out: the admin page sends us back to sign in.
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('the paralegal signs in, sees no Admin entry, and is refused /admin', async ({ page }) => {
  await signIn(page, PARALEGAL.email, PARALEGAL.password);
  await expect(page.getByRole('heading', { name: `Welcome, ${PARALEGAL.name}` })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Cases' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);

  const response = await page.goto('/admin');
  expect(response.status()).toBe(403);
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create user' })).toHaveCount(0);
});

test('a wrong password shows a clear message and keeps the typed email', async ({ page }) => {
  await signIn(page, ADMIN.email, 'not the right password');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(ADMIN.email);
  await expect(page).toHaveURL(/\/sign-in/);
});

test('sign-in fits a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/sign-in');
  await hydrated(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeInViewport();
});
