// The words and numbers the page shows, without a browser.

import { test } from "node:test";
import assert from "node:assert/strict";
import { formatNumber, messages } from "../../www/messages.js";

test("numbers read as the browser's own English and Chinese formats would write them", () => {
  const values = [0, 0.04, -0.04, 0.5, 1, 1.25, 2.5, 9.96, 12, 99.95, 999.9, 1000, 1234.56, 65536, 1e6 + 0.3, -3.5, -1234.5];
  for (const lang of ["en", "zh-CN"]) {
    for (const digits of [0, 1, 3]) {
      for (const v of [...values, ...values.map((x) => x * 7.3)]) {
        const want = Number(v.toFixed(digits)).toLocaleString(lang, { maximumFractionDigits: digits });
        assert.equal(formatNumber(v, digits), want.replace(/^-0$/, "0"), `${v} to ${digits} decimals in ${lang}`);
      }
    }
  }
  assert.equal(formatNumber(NaN), "—");
});

test("every message has both languages", () => {
  assert.deepEqual(Object.keys(messages["zh-CN"]).sort(), Object.keys(messages.en).sort());
});
