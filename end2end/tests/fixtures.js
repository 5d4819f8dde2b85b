// Shared test helpers: accounts, and a page that fails the test on any
// script error or CSP violation.
const base = require('@playwright/test');

const ADMIN = {
  email: process.env.E2E_ADMIN_EMAIL || 'admin@visadesk.test',
  password: process.env.E2E_ADMIN_PASSWORD || 'e2e admin pass phrase',
};

const test = base.test.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // A refused sign-in is a 4xx the browser logs; that is the app working.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${m.text()}`);
      }
    });
    await use(page);
    base.expect(problems, 'no script errors or CSP violations').toEqual([]);
  },
});

/** Waits until the server-rendered page has hydrated (is interactive). */
async function hydrated(page) {
  await base.expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Signs in through the form. */
async function signIn(page, email, password) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The folder the test SMTP server writes each received email to. */
const MAIL_DIR = process.env.E2E_MAIL_DIR || '';

/** Decodes one MIME part's body by its Content-Transfer-Encoding. */
function decodePart(headers, body) {
  const encoding = (/^content-transfer-encoding:\s*(\S+)/im.exec(headers) || [])[1] || '7bit';
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`) in a header value. */
function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, kind, text) => {
      const bytes = /b/i.test(kind)
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return bytes.toString('utf8');
    });
}

/** Every received email: its headers, subject, recipient and text part. */
function receivedMail() {
  const fs = require('fs');
  const path = require('path');
  if (!MAIL_DIR || !fs.existsSync(MAIL_DIR)) return [];
  return fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).map((f) => {
    const raw = fs.readFileSync(path.join(MAIL_DIR, f), 'utf8');
    const [head] = raw.split(/\r?\n\r?\n/);
    const header = (name) => ((new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head) || [])[1] || '').replace(/\r?\n[ \t]/g, ' ');
    const boundary = (/boundary="?([^";\r\n]+)"?/i.exec(raw) || [])[1];
    let text = '';
    for (const part of boundary ? raw.split(`--${boundary}`) : [raw]) {
      const [partHead, ...rest] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
      if (/content-type:\s*text\/plain/i.test(partHead)) text = decodePart(partHead, rest.join('\n\n'));
    }
    return { to: header('To'), subject: decodeWords(header('Subject')), text, mtime: fs.statSync(path.join(MAIL_DIR, f)).mtimeMs };
  }).sort((a, b) => a.mtime - b.mtime);
}

/** Waits for an email to `address` whose subject matches, and returns it. */
async function waitForMail(address, subject) {
  let found;
  await base.expect(async () => {
    found = receivedMail().filter((m) => m.to.includes(address) && subject.test(m.subject)).pop();
    base.expect(found, `an email to ${address} matching ${subject}`).toBeTruthy();
  }).toPass({ timeout: 30_000 });
  return found;
}

/** The first link in an email's text that contains `part`. */
function linkIn(mail, part) {
  return mail.text.split(/\s+/).find((w) => w.startsWith('http') && w.includes(part));
}

module.exports = { test, expect: base.expect, ADMIN, hydrated, signIn, MAIL_DIR, receivedMail, waitForMail, linkIn };
