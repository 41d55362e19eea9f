import assert from 'node:assert/strict';
import { it } from 'node:test';
import { normaliseAccessKey, normaliseAddress, normaliseEmail, normaliseName, normalisePhone } from './normalise.js';

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

it('writes one key for the ways a Japanese address is written (G3)', () => {
  const base = normaliseAddress({ postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1丁目2番3号' });
  for (const variant of [
    { postalCode: '〒1410032', region: '東京都', locality: '品川区', line1: '大崎1-2-3' },
    { postalCode: '１４１－００３２', region: '東京都', locality: '品川区', line1: '大崎１－２－３' },
    { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎一丁目二番三号' },
    { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎 1丁目 2番地 3' },
    { postalCode: '141-0032', region: '東京都 ', locality: ' 品川区', line1: '大崎1ー2ー3' },
    { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1の2の3' },
  ]) {
    assert.equal(normaliseAddress(variant), base, JSON.stringify(variant));
  }
  assert.equal(normaliseAddress({ postalCode: '100-0013', locality: '千代田区', line1: '霞ヶ関3丁目' }), normaliseAddress({ postalCode: '100-0013', locality: '千代田区', line1: '霞が関三丁目' }));
  assert.equal(normaliseAddress({ postalCode: '060-0001', line1: 'さくら町12' }), normaliseAddress({ postalCode: '060-0001', line1: 'ｻｸﾗ町十二' }));
});

it('keeps different places apart: another lot, room, town or postal code', () => {
  const base = { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-2-3' };
  assert.notEqual(normaliseAddress(base), normaliseAddress({ ...base, line1: '大崎1-2-4' }));
  assert.notEqual(normaliseAddress(base), normaliseAddress({ ...base, line1: '大崎1-2-3', line2: '101号室' }));
  assert.notEqual(normaliseAddress(base), normaliseAddress({ ...base, line1: '大崎12-3' }));
  assert.notEqual(normaliseAddress(base), normaliseAddress({ ...base, postalCode: '141-0033' }));
  assert.notEqual(normaliseAddress(base), normaliseAddress({ ...base, locality: '目黒区' }));
});
