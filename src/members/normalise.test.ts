import assert from 'node:assert/strict';
import { it } from 'node:test';
import { normaliseAccessKey, normaliseEmail, normaliseName, normalisePhone } from './normalise.js';

it('compares emails as typed on Japanese keyboards: full width, case and spaces do not count', () => {
  assert.equal(normaliseEmail(' ＴＡＲＯ＠Ｅｘａｍｐｌｅ．ｊｐ '), 'taro@example.jp');
  assert.notEqual(normaliseEmail('taro@example.jp'), normaliseEmail('jiro@example.jp'));
});

it('compares names without spaces, middle dots or width', () => {
  assert.equal(normaliseName('山田　太郎'), normaliseName('山田太郎'));
  assert.equal(normaliseName('ＹＡＭＡＤＡ Taro'), normaliseName('yamada taro'));
  assert.notEqual(normaliseName('山田太郎'), normaliseName('山田次郎'));
});

it('compares phones by their digits, with +81 as the trunk 0', () => {
  assert.equal(normalisePhone('０９０－１２３４－５６７８'), '09012345678');
  assert.equal(normalisePhone('+81 90 1234 5678'), '09012345678');
  assert.notEqual(normalisePhone('090-1234-5678'), normalisePhone('090-1234-5679'));
});

it('reads access keys off paper: case, spaces and dashes do not count', () => {
  assert.equal(normaliseAccessKey('7k3m q9xd-2hpa-wt5e'), '7K3MQ9XD2HPAWT5E');
});
