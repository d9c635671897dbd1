// The embedding example (www/embed.html): a host's sign-up form loads <id-photo-check> from the dist
// folder under its own strict CSP. Every feature is used (upload, the language switch, the live camera
// with the fake device, accept, the host's submit) while every request and CSP violation is recorded:
// nothing may leave the origin, nothing may be fetched after load, nothing may be blocked.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, open, assertOwnOriginThenNothing, FIXTURES } from "./browser.mjs";

const DIST = process.env.DIST;

let browser;
before(async () => { browser = await launch({ camera: path.join(FIXTURES, "live.y4m") }); });
after(async () => { await browser?.close(); });

/** Resolves with the detail of the element's next `name` event, as plain data. */
function next(page, name) {
  return page.evaluate((name) => new Promise((resolve) => {
    document.getElementById("idcheck").addEventListener(name, async (e) => {
      const d = e.detail;
      const blob = async (b) => {
        if (!b) return null;
        const bitmap = await createImageBitmap(b);
        return { size: b.size, type: b.type, width: bitmap.width, height: bitmap.height };
      };
      resolve({ verdict: d.report.verdict, kind: d.report.document && d.report.document.kind, image: await blob(d.image), crop: await blob(d.crop) });
    }, { once: true });
  }), name);
}

test("the embedding example: upload, language, camera and accept, with no request outside the origin", async () => {
  const { context, page, log } = await open(browser, "/embed.html", { locale: "en-US" });
  // The host's language (Chinese) and its reworded messages reach the element.
  assert.equal(await page.textContent("label[for=file]"), "上传身份证照片");

  // Upload: `check` carries the report.
  const checked = next(page, "check");
  await page.setInputFiles("#file", path.join(FIXTURES, "sharp.png"));
  const c = await checked;
  assert.equal(c.verdict, "ok");
  assert.equal(c.kind, "id-card");
  assert.equal(await page.textContent("#verdict"), "可以提交");

  // The host switches the language; the element follows.
  await page.selectOption("#lang", "en");
  assert.equal(await page.textContent("#verdict"), "Ready to submit");
  assert.equal(await page.textContent("label[for=file]"), "Upload your ID card");

  // Accept: the host gets the file as chosen and the straightened card.
  let accepted = next(page, "accept");
  await page.click("#accept");
  let a = await accepted;
  assert.equal(a.image.size, fs.statSync(path.join(FIXTURES, "sharp.png")).size);
  assert.ok(Math.abs(a.crop.width / a.crop.height - 85.6 / 53.98) < 0.03, JSON.stringify(a.crop));
  await page.waitForSelector("#chosen:not([hidden])");
  assert.equal(await page.isDisabled("#continue"), false);

  // The live camera inside the host page, through to a second accept.
  await page.click("#live-start");
  await page.waitForFunction(() => !__root().getElementById("result").hidden && __root().getElementById("live").hidden, null, { timeout: 60000 });
  accepted = next(page, "accept");
  await page.click("#accept");
  a = await accepted;
  assert.equal(a.verdict, "ok");
  assert.ok(a.image.width >= 1280 && a.image.type.startsWith("image/"), JSON.stringify(a.image));
  assert.ok(a.crop && a.crop.width > 0);

  // The host's own form: submitting sends nothing (form-action 'none'), the example says so.
  await page.fill("#name", "Li Lei");
  await page.click("#continue");
  assert.match(await page.textContent("#outcome"), /verification provider/);

  assert.deepEqual(log.errors, []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  for (const p of assertOwnOriginThenNothing(log)) {
    assert.ok(p.startsWith("/embed.") || p.startsWith("/dist/id-photo-check/"), `the element loads only from its folder: ${p}`);
  }
  await context.close();
});

test("the dist folder is a package whose code a strict CSP allows: no eval, no Function, no inline style", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(DIST, "package.json"), "utf8"));
  assert.equal(pkg.type, "module");
  for (const target of Object.values(pkg.exports)) {
    const file = typeof target === "string" ? target : target.default;
    if (file.includes("*")) continue;
    assert.ok(fs.existsSync(path.join(DIST, file)), `${file} exists`);
  }
  for (const f of pkg.files) {
    assert.ok(fs.existsSync(path.join(DIST, f)), `${f} exists`);
    if (!f.endsWith(".js")) continue;
    // Code only: comments may show how a host page includes the element.
    const src = fs.readFileSync(path.join(DIST, f), "utf8").split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join("\n");
    for (const bad of [/\beval\s*\(/, /new\s+Function\s*\(/, /\bsetTimeout\s*\(\s*["'`]/, /style\s*=\s*["']/, /<style/, /\.style\./, /<script/]) {
      assert.ok(!bad.test(src), `${f} has ${bad}`);
    }
  }
});
