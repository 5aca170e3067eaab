// HTML rendering of the `dstack.offers` answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { cellText, columns, escapeHtml, MAX_ROWS, renderOffersHtml, splitOffers } from '../src/offers-html';

const opts = { title: 'train.dstack.yml', cspSource: 'vscode-resource:' };
const offers = [
  { backend: 'aws', region: 'us-east-1', instance: 'p4d.24xlarge', gpu: { name: 'A100', memory: '40GB', count: 8 }, price: 32.7726, spot: false },
  { backend: 'gcp', region: 'us-central1', instance: 'a2-highgpu-1g', gpu: { name: 'A100', memory: '40GB', count: 1 }, price: 3.6733, spot: true },
];

describe('renderOffersHtml', () => {
  it('renders one row per offer with a header from the keys', () => {
    const html = renderOffersHtml(offers, opts);
    assert.match(html, /<th>backend<\/th><th>region<\/th><th>instance<\/th><th>price<\/th><th>spot<\/th><th>gpu<\/th>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.match(html, /<td>name: A100, memory: 40GB, count: 8<\/td>/);
    assert.match(html, /<td class="num">32\.8<\/td><td>no<\/td><td>name: A100, memory: 40GB, count: 8<\/td>/);
    assert.match(html, /\(2 offers\)/);
  });

  it('accepts an object with an offers list and shows its other fields', () => {
    const html = renderOffersHtml({ offers: offers.slice(0, 1), total: 1, source: 'catalog' }, opts);
    assert.match(html, /\(1 offer\)/);
    assert.match(html, /<li><b>total<\/b>: 1<\/li><li><b>source<\/b>: catalog<\/li>/);
  });

  it('uses the count when the server sent only the first rows', () => {
    const html = renderOffersHtml({ count: 151, offers: offers, source: 'embedded' }, opts);
    assert.match(html, /\(151 offers\)/);
    assert.match(html, /Showing the first 2 of 151 offers\./);
    assert.doesNotMatch(html, /<b>count<\/b>/);
  });

  it('says so when nothing matches', () => {
    for (const empty of [[], { offers: [] }, null, 'oops']) {
      assert.match(renderOffersHtml(empty, opts), /No offers match this configuration\./);
    }
  });

  it('escapes everything that comes from the server or the file name', () => {
    const html = renderOffersHtml([{ '<b>': '<script>alert(1)</script>' }], { ...opts, title: '"x".dstack.yml' });
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&quot;x&quot;\.dstack\.yml/);
  });

  it('allows no scripts', () => {
    assert.match(renderOffersHtml(offers, opts), /default-src 'none'; style-src vscode-resource: 'unsafe-inline';/);
  });

  it('caps the table and says how many were left out', () => {
    const many = Array.from({ length: MAX_ROWS + 5 }, (_, i) => ({ n: i }));
    const html = renderOffersHtml(many, opts);
    assert.equal((html.match(/<tr>/g) ?? []).length, MAX_ROWS + 1);
    assert.match(html, new RegExp(`first ${MAX_ROWS} of ${MAX_ROWS + 5} offers`));
  });
});

describe('helpers', () => {
  it('cellText flattens values', () => {
    assert.equal(cellText(null), '');
    assert.equal(cellText(true), 'yes');
    assert.equal(cellText(1.234567), '1.2346');
    assert.equal(cellText(549.8876953125), '549.9');
    assert.equal(cellText(0.5), '0.5');
    assert.equal(cellText(['a', 2]), 'a, 2');
    assert.equal(cellText({ a: 1, b: null }), 'a: 1');
  });
  it('columns keep first-seen order across rows', () => {
    assert.deepEqual(columns([{ a: 1 }, { b: 1, a: 2 }, { c: 3 }]), ['a', 'b', 'c']);
    assert.deepEqual(columns([{ cpus: 4, price: 1, backend: 'aws' }]), ['backend', 'price', 'cpus']);
  });
  it('splitOffers finds a list of offers under another name', () => {
    const { rows, info } = splitOffers({ count: 1, items: [{ a: 1 }] });
    assert.deepEqual(rows, [{ a: 1 }]);
    assert.deepEqual(info, { count: 1 });
    assert.deepEqual(splitOffers({ note: 'none' }), { rows: [], info: { note: 'none' } });
  });
  it('splitOffers drops non-object rows', () => {
    assert.deepEqual(splitOffers([1, { a: 1 }, null]).rows, [{ a: 1 }]);
  });
  it('escapeHtml covers quotes and ampersands', () => {
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });
});
