import assert from 'node:assert/strict';
import { it } from 'node:test';
import { commonFacts, covers, decide, undeclaredInputs, type DecisionTable } from './decision-table.js';

const table: DecisionTable = {
  hitPolicy: 'collect',
  inputs: ['role', 'origin'],
  rules: [
    { when: { role: 'u25', origin: ['new', 'mnp'] }, then: { option: 'discount' } },
    { when: { role: 'u25' }, then: { option: 'data' } },
    { when: { role: 'family', origin: 'mnp' }, then: { option: 'data' } },
  ],
};

it('collects every matching row in order; a list is any of its values, an absent cell any value', () => {
  assert.deepEqual(decide(table, { role: 'u25', origin: 'mnp' }).map((h) => h.then), [{ option: 'discount' }, { option: 'data' }]);
  assert.deepEqual(decide(table, { role: 'u25', origin: 'upgrade' }).map((h) => h.row), [1]);
  assert.deepEqual(decide(table, { role: 'family', origin: 'new' }), []);
});

it('first gives the first matching row only', () => {
  assert.deepEqual(decide({ ...table, hitPolicy: 'first' }, { role: 'u25', origin: 'new' }).map((h) => h.row), [0]);
});

it('an unknown fact matches no row with a cell for it', () => {
  assert.deepEqual(decide(table, { role: 'boss', origin: null }), []);
});

it('names cells of undeclared inputs', () => {
  assert.deepEqual(undeclaredInputs({ ...table, rules: [{ when: { plan: 'x' }, then: {} }] }), [{ row: 0, input: 'plan' }]);
});

it('finds facts two rows both match, or none when a cell keeps them apart', () => {
  assert.deepEqual(commonFacts(table, 0, 1), { role: 'u25', origin: 'new' });
  assert.deepEqual(commonFacts(table, 1, 2), undefined);
  const open: DecisionTable = { ...table, rules: [{ when: {}, then: {} }, { when: { origin: 'mnp' }, then: {} }] };
  assert.deepEqual(commonFacts(open, 0, 1), { role: 'any', origin: 'mnp' });
});

it('says when an earlier row matches every line a later one does', () => {
  assert.equal(covers(table, 1, 0), true, 'u25 with any origin covers u25 new or mnp');
  assert.equal(covers(table, 0, 1), false, 'new or mnp does not cover any origin');
  assert.equal(covers(table, 0, 2), false);
});
