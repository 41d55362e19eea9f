/**
 * Deliberately broken variants the model suites must catch (RELIABILITY.md: no suite passes
 * vacuously). POINTBOOK_MODEL_BROKEN=<name> installs one into the suite's database after the
 * migrations; it is never set in CI. Each replaces one plpgsql function with a faulty copy.
 */
export const brokenVariants: Record<string, string> = {
  // FL-8: the lazy expiry before a debit, forfeit or reversal skips the earliest due lot, which
  // stays spendable (copied from 0017 with \`offset 1\`).
  'expiry-skips-lot': `
create or replace function ledger_expire_member(p_member text, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  lot record;
  v_id text;
  v_available bigint;
  v_pending bigint;
  v_expired jsonb := '[]';
begin
  for lot in
    select expires_at, lot_class, remaining from ledger_lots
    where member_id = p_member and remaining > 0 and expires_at <= p_now
    order by expires_at, lot_class
    offset 1
    for update
  loop
    update ledger_accounts set available = available - lot.remaining where member_id = p_member
    returning available, pending into v_available, v_pending;
    v_id := ledger_new_id();
    perform ledger_record(p_member, v_id, 'expire',
      jsonb_build_object('key', ledger_expiry_key(lot.expires_at, lot.lot_class), 'actor', 'system',
                         'occurredAt', lot.expires_at),
      p_now, lot.remaining, -lot.remaining, 0, v_available, v_pending, 'program:expired', null,
      array['member:available', 'program:expired'], array[-lot.remaining, lot.remaining]);
    update ledger_lots set remaining = 0, expired = expired + lot.remaining
    where member_id = p_member and expires_at = lot.expires_at and lot_class = lot.lot_class;
    insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
    values (p_member, v_id, lot.expires_at, lot.lot_class, -lot.remaining, lot.remaining);
    v_expired := v_expired || jsonb_build_object('transactionId', v_id, 'points', lot.remaining,
      'expiresAt', lot.expires_at, 'lotClass', lot.lot_class, 'available', v_available, 'pending', v_pending);
  end loop;
  return v_expired;
end $$;`,
};

export function brokenVariant(): string | undefined {
  const name = process.env.POINTBOOK_MODEL_BROKEN;
  if (!name) return undefined;
  const sql = brokenVariants[name];
  if (!sql) throw new Error(`POINTBOOK_MODEL_BROKEN=${name} is none of ${Object.keys(brokenVariants).join(', ')}`);
  return sql;
}
