import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatMoney, html, layout, raw } from "../../src/pages/html.js";

describe("hosted pages html", { timeout: 10_000 }, () => {
  test("html escapes interpolated text, so a product name cannot inject markup", () => {
    const name = `<script>alert("x")</script> & 'co'`;
    assert.equal(html`<td>${name}</td>`.value, "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</td>");
  });

  test("html keeps nested html, joins arrays and drops null, undefined and false", () => {
    const rows = ["a<b", "c"].map((x) => html`<li>${x}</li>`);
    assert.equal(html`<ul>${rows}${null}${undefined}${false}${0}</ul>`.value, "<ul><li>a&lt;b</li><li>c</li>0</ul>");
    assert.equal(html`${raw("<b>")}`.value, "<b>");
  });

  test("formatMoney shows minor units as Stripe's pages do, zero-decimal currencies whole", () => {
    assert.equal(formatMoney(1234, "usd", false), "$12.34");
    assert.equal(formatMoney(50, "eur", false), "€0.50");
    assert.equal(formatMoney(500, "jpy", true), "¥500");
    assert.equal(formatMoney(100, "x1", false), "1.00 X1", "a code Intl does not take");
  });

  test("layout escapes the title and carries the test-mode badge", () => {
    const page = layout({ title: "Pay <Acme>", body: html`<p>hi</p>` }).value;
    assert.match(page, /<title>Pay &lt;Acme&gt;<\/title>/);
    assert.match(page, /Test mode/);
    assert.match(page, /<p>hi<\/p>/);
    assert.doesNotMatch(page, /https?:\/\//, "no external assets");
  });
});
