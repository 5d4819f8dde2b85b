// The bundle comes compressed, under a versioned URL the browser keeps: a
// second visit hydrates without asking the server for it again.
const { test, expect, hydrated } = require('./fixtures');

/** The encoding the server should pick from a request's Accept-Encoding
 * (Chromium offers brotli over HTTPS and for localhost, gzip everywhere). */
function expected(accept) {
  return /\bbr\b/.test(accept) ? 'br' : 'gzip';
}

/** Records each request the page makes: URL, encoding, and whether the cache answered. */
async function recordRequests(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  // What was actually sent (Accept-Encoding is added below the page).
  const sent = new Map();
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    const h = e.headers || {};
    sent.set(e.requestId, h['Accept-Encoding'] || h['accept-encoding'] || '');
  });
  cdp.on('Network.requestWillBeSent', (e) => seen.set(e.requestId, { url: e.request.url, cached: false }));
  cdp.on('Network.requestServedFromCache', (e) => {
    if (seen.has(e.requestId)) seen.get(e.requestId).cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (!r) return;
    r.cached = r.cached || e.response.fromDiskCache || e.response.fromMemoryCache;
    r.status = e.response.status;
    r.encoding = e.response.headers['content-encoding'] || null;
    r.cacheControl = e.response.headers['cache-control'] || null;
  });
  return () => [...seen.entries()].map(([id, r]) => ({ ...r, accept: sent.get(id) || '' }));
}

test('the bundle is sent compressed once, then kept', async ({ page }) => {
  const first = await recordRequests(page);
  await page.goto('/sign-in');
  await hydrated(page);
  const bundle = first().filter((r) => new URL(r.url).pathname.startsWith('/pkg/'));
  const wasm = bundle.find((r) => r.url.endsWith('.wasm'));
  expect(wasm, 'the WASM was fetched').toBeTruthy();
  expect(new URL(wasm.url).pathname).toMatch(/^\/pkg\/[0-9a-f]{16}\/visadesk\.wasm$/);
  expect(wasm.status).toBe(200);
  expect(wasm.encoding).toBe(expected(wasm.accept));
  expect(wasm.cacheControl).toBe('public, max-age=31536000, immutable');
  for (const file of ['visadesk.js', 'visadesk.css']) {
    const r = bundle.find((b) => b.url.endsWith(file));
    expect(r, file).toBeTruthy();
    expect(r.encoding, file).toBe(expected(r.accept));
  }
  const html = first().find((r) => new URL(r.url).pathname === '/sign-in');
  expect(html.encoding, 'the page itself is compressed').toBe(expected(html.accept));

  // The page's own code is a split module (app/src/routes.rs), fetched with
  // the bundle, compressed and kept like the rest of it.
  const modules = bundle.filter((r) => /\/split_public_[^/]*\.wasm$/.test(r.url));
  expect(modules.length, 'the public pages\' module was fetched').toBe(1);
  for (const m of modules) {
    expect(m.encoding, m.url).toBe(expected(m.accept));
    expect(m.cacheControl, m.url).toBe('public, max-age=31536000, immutable');
  }
  expect(bundle.some((r) => /\/split_(staff|portal)_/.test(r.url)), 'no staff or portal code').toBe(false);

  // Another page of the same module, loaded in full: it hydrates from the
  // kept bundle, sending no request for it.
  const again = await recordRequests(page);
  await page.goto('/forgot-password');
  await hydrated(page);
  const refetched = again().filter((r) => new URL(r.url).pathname.startsWith('/pkg/') && !r.cached);
  expect(refetched.map((r) => r.url)).toEqual([]);
});
