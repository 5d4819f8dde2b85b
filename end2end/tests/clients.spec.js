const { test, expect, ADMIN, hydrated, signIn } = require('./fixtures');

test('staff create a client in two scripts, fix a mistake without losing input, and find them', async ({ page }) => {
  const passport = `E${Date.now() % 100000000}`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await page.getByRole('link', { name: 'New client' }).click();
  await expect(page.getByRole('heading', { name: 'New client', level: 1 })).toBeVisible();
  await hydrated(page);

  await page.getByLabel('Full name').fill('王伟');
  await page.getByLabel('Name in Latin letters').fill('WANG Wei');
  await page.getByLabel('Date of birth').fill('1996-03-02');
  await page.getByLabel('Nationality').fill('cn');
  await page.getByLabel('Passport number').fill(passport);
  await page.getByLabel('Passport expiry').fill('1990-01-01');
  await page.getByRole('button', { name: 'Add education' }).click();
  await page.getByLabel('Level').selectOption({ label: "Master's degree" });
  await page.getByLabel('Field of study').fill('Computer science');
  await page.getByLabel('Institution').fill('Tsinghua University');
  await page.getByLabel(/STEM field/).check();
  await page.getByRole('button', { name: 'Create client' }).click();

  // One impossible date: said on its field, and nothing typed is lost.
  await expect(page.getByRole('alert').first()).toHaveText('Please correct 1 highlighted field.');
  await expect(page.getByText('The passport expiry date is before the date of birth.')).toBeVisible();
  await expect(page.getByLabel('Passport expiry')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Full name')).toHaveValue('王伟');
  await expect(page.getByLabel('Institution')).toHaveValue('Tsinghua University');
  await expect(page.getByLabel(/STEM field/)).toBeChecked();

  await page.getByLabel('Passport expiry').fill('2031-03-01');
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByRole('heading', { name: /王伟/, level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}$/);
  // The profile shows it first; the eligibility panel below quotes it too.
  await expect(page.getByText("Master's degree in Computer science").first()).toBeVisible();
  await expect(page.getByText('STEM', { exact: true })).toBeVisible();

  await page.goto('/clients?q=wang');
  await hydrated(page);
  await expect(page.getByRole('row').filter({ hasText: passport })).toContainText('WANG Wei');
});
