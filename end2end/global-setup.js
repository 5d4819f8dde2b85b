// Waits for the server: `cargo leptos end-to-end` starts it without waiting.
module.exports = async (config) => {
  const base = config.projects[0].use.baseURL;
  const deadline = Date.now() + 180_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server at ${base} did not become healthy: ${last}`);
};
