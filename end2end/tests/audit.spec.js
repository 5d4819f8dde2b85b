const { test, expect, ADMIN, hydrated, signIn } = require('./fixtures');

test('the admin finds a failed sign-in in the audit trail', async ({ page }) => {
  await signIn(page, ADMIN.email, 'not my password at all');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');

  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto('/admin');
  await hydrated(page);
  await page.getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();

  await page.getByLabel('What').selectOption({ label: 'Failed sign-ins' });
  await page.getByRole('button', { name: 'Show events' }).click();
  await expect(page).toHaveURL(/action=auth\.sign_in_failed/);
  const rows = page.getByRole('row').filter({ hasText: 'auth.sign_in_failed' });
  await expect(rows.first()).toContainText(ADMIN.email);
  await expect(rows.first()).toContainText('wrong email or password');
  await expect(page.getByRole('row').filter({ hasText: 'user.create' })).toHaveCount(0);
  // The password typed is nowhere on the page.
  await expect(page.getByText('not my password at all')).toHaveCount(0);
});
