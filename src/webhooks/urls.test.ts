import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webhookUrlProblem } from './urls.js';

describe('webhook URLs', () => {
  const cases: [string, ReturnType<typeof webhookUrlProblem>][] = [
    ['https://hooks.example.jp/pointbook', undefined],
    ['https://hooks.example.jp:8443/p?x=1', undefined],
    ['http://localhost:3000/hook', undefined],
    ['http://127.0.0.1:9/hook', undefined],
    ['http://[::1]:8080/hook', undefined],
    ['http://hooks.example.jp/pointbook', 'not_https'],
    ['http://127.0.0.2/hook', 'not_https'],
    ['http://localhost.example.jp/hook', 'not_https'],
    ['ftp://localhost/hook', 'not_https'],
    ['https://user:pass@hooks.example.jp/', 'credentials'],
    ['https://user@hooks.example.jp/', 'credentials'],
    ['hooks.example.jp/pointbook', 'invalid'],
    ['', 'invalid'],
    [`https://hooks.example.jp/${'a'.repeat(2030)}`, 'too_long'],
  ];
  for (const [url, problem] of cases) {
    it(`${url.slice(0, 60) || '(empty)'}: ${problem ?? 'allowed'}`, () => assert.equal(webhookUrlProblem(url), problem));
  }
});
