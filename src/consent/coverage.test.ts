import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ConsentConfig } from '../programs/index.js';
import { cellKey, coveredCells } from './coverage.js';

const consent: ConsentConfig = {
  affiliates: [{ id: 'sony-bank', names: { ja: 'ソニー銀行', en: 'Sony Bank' } }],
  solicitation: ['phone'],
  all: ['phone', 'email', 'post'],
  processingDays: { phone: 2, email: 5, web: 5 },
  holidays: [],
};

it('DN-4: company and affiliates are separate scopes; "all" stops email and post marketing too', () => {
  assert.deepEqual(coveredCells(consent, 'company').map(cellKey), ['phone/marketing/company']);
  assert.deepEqual(coveredCells(consent, 'affiliates').map(cellKey), ['phone/marketing/sony-bank']);
  assert.deepEqual(coveredCells(consent, 'all').map(cellKey).sort(), [
    'email/marketing/company',
    'email/marketing/sony-bank',
    'phone/marketing/company',
    'phone/marketing/sony-bank',
    'post/marketing/company',
    'post/marketing/sony-bank',
  ]);
  assert.ok(coveredCells(consent, 'all').every((cell) => cell.purpose === 'marketing'), 'DN-5: no request decides transactional notices');
});
