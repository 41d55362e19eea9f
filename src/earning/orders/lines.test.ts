import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountOfFirstUnits, lineAmounts, returnedShare, type OrderLineState } from './lines.js';

function line(quantity: number, amountMinor: number, returned = 0): OrderLineState {
  return { index: 0, sku: 'X', quantity, points: 0, parts: [], amountMinor, shipped: quantity, returned };
}

describe('order line amounts (SR-5)', () => {
  it('a line costs price × quantity plus its tax, shipping and fees (line totals)', () => {
    assert.deepEqual(lineAmounts([{ quantity: 2, unitPrice: 1000, tax: 160, shipping: 500, fees: 1 }, { quantity: 1, unitPrice: 0 }]), [2661, 0]);
  });

  it('refuses an order whose total is not a safe integer', () => {
    const huge = { quantity: 100_000, unitPrice: 1_000_000_000_000 };
    assert.equal(lineAmounts([huge]), undefined);
    assert.deepEqual(lineAmounts([{ quantity: 9, unitPrice: 1_000_000_000_000_000 }]), [9_000_000_000_000_000]);
  });

  it('returning a line in any number of parts adds up to exactly its amount', () => {
    for (const [quantity, amount] of [[3, 5999], [7, 100], [1, 1], [4, 0], [100_000, 999_999_999_999]] as const) {
      const l = line(quantity, amount);
      let sum = 0;
      for (let units = 0; units < quantity && units < 50; units += 1) sum += amountOfFirstUnits(l, units + 1) - amountOfFirstUnits(l, units);
      const rest = amountOfFirstUnits(l, quantity) - amountOfFirstUnits(l, Math.min(quantity, 50));
      assert.equal(sum + rest, amount, `${quantity} × ${amount}`);
    }
    assert.equal(amountOfFirstUnits(line(3, 5999), 1), 1999);
  });

  it('the returned share is by amount, and `all` once every unit is back', () => {
    const lines = [{ ...line(2, 2000, 1), index: 0 }, { ...line(1, 3000, 0), index: 1 }];
    assert.deepEqual(returnedShare(lines), { all: false, amountMinor: 1000, ofMinor: 5000 });
    assert.deepEqual(returnedShare([{ ...line(2, 2000, 2) }, { ...line(1, 3000, 1), index: 1 }]), { all: true });
    assert.deepEqual(returnedShare([line(1, 0, 0)]), { all: false, amountMinor: 0, ofMinor: 0 });
  });
});
