// Shared set-up for the browser tests: Debian's Chromium through playwright-core, every request and
// every CSP violation recorded.

import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const BASE_URL = process.env.BASE_URL;
export const FIXTURES = process.env.FIXTURES;

export const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** Chromium; with `camera`, a fake camera that plays that y4m file and is allowed without asking. */
export async function launch({ camera } = {}) {
  const args = camera ? [...ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${camera}`] : ARGS;
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args, headless: true });
}

/** A page with its requests (`url`, `phase`) and CSP violations recorded. */
export async function open(browser, path = "/", options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const log = { requests: [], violations: [], errors: [], phase: "load" };
  // Requests from the page and from its worker both pass through the context.
  context.on("request", (r) => log.requests.push({ url: r.url(), phase: log.phase }));
  page.on("pageerror", (e) => log.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") log.errors.push(m.text()); });
  await page.addInitScript(() => {
    // The element's shadow root, for tests that read what it shows.
    window.__root = () => document.querySelector("id-photo-check").shadowRoot;
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(BASE_URL + path);
  await page.waitForSelector("id-photo-check[data-ready='1']", { timeout: 30000 });
  log.phase = "used";
  return { context, page, log };
}

/** Asserts that every request in `log` went to the page's own origin and none came after the page had
 * loaded (`data:` and `blob:` URLs are read on the device, not fetched); returns the paths fetched. */
export function assertOwnOriginThenNothing(log) {
  const origin = new URL(BASE_URL).origin;
  const fetched = log.requests.filter((r) => !r.url.startsWith("data:") && !r.url.startsWith("blob:"));
  for (const r of fetched) assert.equal(new URL(r.url).origin, origin, `request outside the origin: ${r.url}`);
  assert.deepEqual(fetched.filter((r) => r.phase === "used"), [], "requests after the page had loaded");
  return fetched.map((r) => new URL(r.url).pathname);
}
