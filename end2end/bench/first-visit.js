// What a first visit costs, measured in Debian's Chromium over CDP (figures
// only; nothing here passes or fails on speed):
//   - bytes transferred (HTML, JS, WASM, CSS, as encoded on the wire) and
//     requests, from a cold cache, for each page given;
//   - requests for the bundle on a second visit (0 when it is cached for good);
//   - time until the page has hydrated on a phone: 4x CPU slowdown, 1.6 Mbit/s
//     down, 750 kbit/s up, 150 ms round trip, cold cache.
// usage: node bench/first-visit.js BASE_URL [--sign-in EMAIL PASSWORD] [--locale zh-CN] PATH...
// (--locale: the browser's language, which picks the page's language and bundle)
// Prints one JSON object per page on stdout, a line each.
const { chromium } = require('playwright-core');
const { CHROMIUM } = require('../chromium');

const PHONE = { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

function parseArgs(argv) {
  const [base, ...rest] = argv;
  if (!base) throw new Error('usage: first-visit.js BASE_URL [--sign-in EMAIL PASSWORD] PATH...');
  let signIn = null;
  let locale = 'en-US';
  const paths = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--sign-in') {
      signIn = { email: rest[i + 1], password: rest[i + 2] };
      i += 2;
    } else if (rest[i] === '--locale') {
      locale = rest[i + 1];
      i += 1;
    } else {
      paths.push(rest[i]);
    }
  }
  return { base, signIn, locale, paths };
}

/** Watches a page's network: bytes on the wire and which requests hit it. */
async function watch(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    requests.set(e.requestId, { url: e.request.url, bytes: 0, cached: false, encoding: null });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    if (e.response.fromDiskCache || e.response.fromMemoryCache || e.response.fromPrefetchCache) r.cached = true;
    const h = e.response.headers || {};
    r.encoding = h['content-encoding'] || h['Content-Encoding'] || null;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  return { cdp, requests };
}

async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
}

async function newContext(browser, base, signIn, locale) {
  const context = await browser.newContext({ baseURL: base, locale });
  if (signIn) {
    const res = await context.request.post(`${base}/api/sign_in`, {
      form: signIn,
      headers: { Origin: base },
    });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  }
  return context;
}

async function measure(browser, base, signIn, locale, path) {
  // Cold cache, full speed: what is transferred.
  const context = await newContext(browser, base, signIn, locale);
  const page = await context.newPage();
  const first = await watch(page);
  await page.goto(path);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  const firstRequests = [...first.requests.values()].filter((r) => r.url.startsWith(base));
  const bytes = firstRequests.reduce((n, r) => n + r.bytes, 0);
  // The main module and the page's chunks (cargo leptos --split).
  const wasm = firstRequests.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));

  // The same page again, as from a link: what still goes to the server.
  const again = await watch(page);
  await page.goto(path);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  const bundleFetched = [...again.requests.values()].filter(
    (r) => r.url.includes('/pkg/') && !r.cached,
  ).length;
  await context.close();

  // A phone on a slow network, cold cache.
  const phoneContext = await newContext(browser, base, signIn, locale);
  const phonePage = await phoneContext.newPage();
  const phone = await watch(phonePage);
  await phone.cdp.send('Network.emulateNetworkConditions', { offline: false, ...PHONE });
  await phone.cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const started = Date.now();
  await phonePage.goto(path, { waitUntil: 'commit', timeout: 120_000 });
  await hydrated(phonePage);
  const phoneMs = Date.now() - started;
  await phoneContext.close();

  return {
    path,
    signed_in: Boolean(signIn),
    first_visit_kb: Math.round(bytes / 1024),
    first_visit_requests: firstRequests.length,
    wasm_kb: Math.round(wasm.reduce((n, r) => n + r.bytes, 0) / 1024),
    wasm_files: wasm.length,
    wasm_encoding: wasm.length ? wasm[0].encoding : null,
    second_visit_bundle_requests: bundleFetched,
    phone_hydrated_ms: phoneMs,
  };
}

(async () => {
  const { base, signIn, locale, paths } = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch(CHROMIUM);
  try {
    for (const path of paths) {
      console.log(JSON.stringify({ locale, ...(await measure(browser, base, signIn, locale, path)) }));
    }
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
