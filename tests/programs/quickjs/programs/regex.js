// Regular expressions: captures, named groups, global replace, sticky, lookbehind, unicode.
const log = '2024-01-15 ERROR disk full; 2024-02-03 WARN cpu hot; 2024-03-30 ERROR net down';
const re = /(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2}) (?<level>[A-Z]+) (?<msg>[^;]+)/g;
const errors = [...log.matchAll(re)].filter((m) => m.groups.level === 'ERROR').map((m) => `${m.groups.d}/${m.groups.m}:${m.groups.msg}`);
const swapped = 'John Smith, Ada Lovelace'.replace(/(\w+)\s(\w+)/g, '$2 $1');
const camel = 'the-quick-brown-fox'.replace(/-(\w)/g, (_, c) => c.toUpperCase());
const prices = 'USD 10, EUR 20, USD 35'.match(/(?<=USD )\d+/g);
const sticky = /foo/y; sticky.lastIndex = 3;
const emails = ['a@b.co', 'bad@', 'x.y+z@example.org'].map((e) => /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(e));
const uni = 'naïve café ☕ 😀'.match(/\p{L}+/gu);
const split = 'a1b22c333d'.split(/\d+/);
const lastIdx = (() => { const r = /o/g; r.test('foo boo'); r.test('foo boo'); return r.lastIndex; })();
JSON.stringify({ errors, swapped, camel, prices, sticky: sticky.test('barfoo'), emails, uni, split, lastIdx, flags: /x/gimsuy.flags });
