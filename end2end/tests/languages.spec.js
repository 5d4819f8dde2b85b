// Visadesk in Chinese: an applicant whose language is Chinese joins from an
// invitation email written in Chinese, sees the portal in Chinese and uploads
// a document; a staff member switches their language and the next page and
// email follow.
const { test, expect, ADMIN, hydrated, signIn, MAIL_DIR, waitForMail, linkIn } = require('./fixtures');

const run = Date.now();
const applicant = { email: `wang.${run}@example.com`, password: 'wang portal phrase' };
const staff = { email: `li.${run}@visadesk.test`, password: 'li first pass phrase' };
const state = {};

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  expect(MAIL_DIR, 'E2E_MAIL_DIR names the test SMTP server\'s folder').not.toBe('');
});

test('a Chinese client is invited in Chinese, joins, and uploads from a Chinese portal', async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const details = {
    full_name: `王伟${run % 1000}`, latin_name: 'WANG Wei', email: applicant.email, phone: '', address: '',
    date_of_birth: '1997-05-06', nationality: 'CN', passport_number: `E${run % 10000000}`, passport_expiry: '2033-01-01',
    education: [], work: [], languages: [], preferred_language: 'zh-Hans',
  };
  let res = await page.request.post('/api/save_client', { data: { id: null, base_version: null, details, confirm_duplicate: true } });
  expect(res.status()).toBe(200);
  state.clientId = (await res.json()).saved.id;
  res = await page.request.post('/api/create_case', { form: { client_id: state.clientId, programme: 'cn_k' } });
  expect(res.status()).toBe(200);
  res = await page.request.post('/api/invite_applicant', { form: { client_id: state.clientId } });
  expect(res.status()).toBe(200);

  const mail = await waitForMail(applicant.email, /邀请您登录案件门户/);
  expect(mail.text).toContain(`${details.full_name}，您好：`);
  const link = linkIn(mail, '/portal/join/');
  expect(link).toContain('lang=zh-Hans');

  // A browser that asks for English still opens the link in the email's language.
  const context = await browser.newContext({ locale: 'en-US' });
  const applicantPage = await context.newPage();
  const problems = [];
  applicantPage.on('pageerror', (e) => problems.push(e.message));
  await applicantPage.goto(link);
  await hydrated(applicantPage);
  await expect(applicantPage.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(applicantPage.getByRole('heading', { name: '欢迎' })).toBeVisible();
  await applicantPage.getByLabel('设置密码').fill(applicant.password);
  await applicantPage.getByLabel('再次输入').fill(applicant.password);
  await applicantPage.getByRole('button', { name: '进入我的门户' }).click();
  await expect(applicantPage.getByRole('heading', { name: '我的案件' })).toBeVisible();
  await hydrated(applicantPage);
  await expect(applicantPage.getByText('中国K字签证')).toBeVisible();
  const passport = applicantPage.locator('li[data-kind="passport"]');
  await expect(passport.getByText('待提交')).toBeVisible();
  const bytes = Buffer.alloc(40_000, 7);
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  await passport.locator('input[type="file"]').setInputFiles({ name: '护照.pdf', mimeType: 'application/pdf', buffer: bytes });
  await expect(passport.getByText('已收到，审核中')).toBeVisible();
  await expect(applicantPage.locator('li[data-kind="passport"]')).toHaveAttribute('data-status', 'uploaded');
  await applicantPage.screenshot({ path: 'test-results/portal-zh-1280.png', fullPage: true });
  await applicantPage.setViewportSize({ width: 375, height: 800 });
  await applicantPage.screenshot({ path: 'test-results/portal-zh-375.png', fullPage: true });
  expect(problems).toEqual([]);
  await context.close();
});

test('a staff member switches to Chinese and the next page and email follow', async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  const res = await page.request.post('/api/create_user', {
    form: { email: staff.email, display_name: 'Li Na', role: 'paralegal', password: staff.password },
  });
  expect(res.status()).toBe(200);

  const context = await browser.newContext({ locale: 'en-US' });
  const staffPage = await context.newPage();
  await signIn(staffPage, staff.email, staff.password);
  await expect(staffPage.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await staffPage.goto('/account/sessions');
  await hydrated(staffPage);
  await expect(staffPage.locator('html')).toHaveAttribute('lang', 'en');
  await staffPage.getByRole('button', { name: '简体中文' }).click();
  await expect(staffPage.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await hydrated(staffPage);
  await expect(staffPage.getByRole('heading', { name: '语言' })).toBeVisible();
  await expect(staffPage.getByRole('button', { name: '简体中文' })).toHaveAttribute('aria-pressed', 'true');
  await staffPage.screenshot({ path: 'test-results/account-zh-1280.png', fullPage: true });

  // Their next email is in Chinese too: a reset link asked for from an English browser.
  const anonymous = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await anonymous.goto('/forgot-password');
  await hydrated(anonymous);
  await anonymous.getByLabel('Email').fill(staff.email);
  await anonymous.getByRole('button', { name: 'Email me a link' }).click();
  await expect(anonymous.getByText(`If ${staff.email} belongs to an account`)).toBeVisible();
  const mail = await waitForMail(staff.email, /重置您在 .* 的密码/);
  expect(mail.text).toContain('Li Na，您好：');
  expect(linkIn(mail, '/reset-password/')).toBeTruthy();
  await context.close();
});

test('the eligibility panel speaks Chinese and follows typing', async ({ browser }) => {
  // Li Na's account reads Chinese since the test before.
  const context = await browser.newContext({ locale: 'en-US' });
  const p = await context.newPage();
  const problems = [];
  p.on('pageerror', (e) => problems.push(e.message));
  await signIn(p, staff.email, staff.password);
  await p.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await p.goto(`/clients/${state.clientId}/edit`);
  await hydrated(p);
  await expect(p.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(p.getByRole('heading', { name: '资格评估' })).toBeVisible();
  const k = p.locator('.elig-card[data-programme="cn_k"]');
  await expect(k.locator('h3')).toContainText('中国K字签证');
  await expect(k.locator('header .badge')).toHaveText('需补充信息');
  const age = k.locator('[data-criterion="age"]');
  await age.locator('summary').click();
  await expect(age).toContainText('未超过本所设定的45岁上限');
  // Worked out in the browser, in Chinese, as the date of birth is typed.
  await p.locator('#c-dob').fill('1970-01-01');
  await expect(age).toHaveAttribute('data-status', 'not_met');
  await expect(age).toContainText('现年56岁，超过本所设定的45岁上限');
  await expect(age.locator('.status')).toHaveText('不符合');
  await p.screenshot({ path: 'test-results/eligibility-zh-1280.png', fullPage: true });
  await p.setViewportSize({ width: 375, height: 800 });
  await p.screenshot({ path: 'test-results/eligibility-zh-375.png', fullPage: true });
  expect(problems).toEqual([]);
  await context.close();
});

test('the sign-in page switches language before signing in, and remembers it', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const p = await context.newPage();
  await p.goto('/sign-in');
  await hydrated(p);
  await expect(p.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await p.getByRole('button', { name: '简体中文' }).click();
  await expect(p.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await hydrated(p);
  await expect(p.getByRole('heading', { name: '登录' })).toBeVisible();
  await p.screenshot({ path: 'test-results/sign-in-zh-1280.png', fullPage: true });
  await p.setViewportSize({ width: 375, height: 740 });
  await p.screenshot({ path: 'test-results/sign-in-zh-375.png', fullPage: true });
  // The cookie keeps it on the next visit.
  await p.goto('/forgot-password');
  await hydrated(p);
  await expect(p.getByRole('heading', { name: '重置密码' })).toBeVisible();
  await p.getByRole('button', { name: 'English' }).click();
  await expect(p.locator('html')).toHaveAttribute('lang', 'en');
  await expect(p.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await context.close();
});

// What a first visit downloads: the page's own language bundle, whose
// modules hold that language's text and not the other's.
test('a page downloads the bundle of its own language only', async ({ browser }) => {
  const fs = require('fs');
  const path = require('path');
  const catalogue = (code) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'app', 'locales', `${code}.json`), 'utf8'));
  const en = catalogue('en');
  const zh = catalogue('zh-Hans');

  const visit = async (locale) => {
    const context = await browser.newContext({ locale });
    const p = await context.newPage();
    const files = [];
    p.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/pkg/')) files.push({ path: url.pathname, response: r });
    });
    await p.goto('/sign-in');
    await hydrated(p);
    const main = files.find((f) => f.path.endsWith('/visadesk.wasm'));
    expect(main, `the main module among ${files.map((f) => f.path)}`).toBeTruthy();
    const bundle = path.posix.dirname(main.path);
    const code = files.filter((f) => /\.(js|wasm)$/.test(f.path)).map((f) => f.path);
    // The page's text is in its modules: the main one and the chunks that
    // hold its page (where wasm-split puts them).
    const modules = files.filter((f) => f.path.endsWith('.wasm'));
    const text = (await Promise.all(modules.map((f) => f.response.body()))).map((b) => b.toString('utf8')).join('\n');
    const css = files.filter((f) => f.path.endsWith('.css')).map((f) => f.path);
    await context.close();
    return { bundle, code, text, css };
  };
  const english = await visit('en-US');
  const chinese = await visit('zh-CN');

  expect(chinese.bundle).not.toBe(english.bundle);
  // All code comes from the page's bundle; the stylesheet is shared.
  for (const v of [english, chinese]) {
    for (const file of v.code) expect(file.startsWith(`${v.bundle}/`), file).toBe(true);
  }
  expect(chinese.css).toEqual(english.css);

  expect(english.text).toContain(en.sign_in.forgot);
  expect(english.text).not.toContain(zh.sign_in.forgot);
  expect(chinese.text).toContain(zh.sign_in.forgot);
  expect(chinese.text).not.toContain(en.sign_in.forgot);
  // No Chinese sentence of the catalogue is in the English bundle.
  const sentences = [];
  const walk = (o) => Object.values(o).forEach((v) => (typeof v === 'string' ? sentences.push(v) : walk(v)));
  walk(zh);
  // The engine's citations quote Chinese titles as published (积分要素计分赋值表),
  // in every bundle: a catalogue text found inside one is no evidence.
  const engine = path.join(__dirname, '..', '..', 'app', 'src', 'eligibility');
  const citations = fs.readdirSync(engine).map((f) => fs.readFileSync(path.join(engine, f), 'utf8')).join('\n');
  const chineseSentences = sentences.filter((s) => /[\u4e00-\u9fff]{4}/.test(s) && !citations.includes(s));
  expect(chineseSentences.length).toBeGreaterThan(100);
  expect(chineseSentences.filter((s) => english.text.includes(s))).toEqual([]);
});
