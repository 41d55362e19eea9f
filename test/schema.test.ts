import assert from 'node:assert/strict';
import { it } from 'node:test';
import { statement } from '../src/db/index.js';
import { describeStorage } from './support/databases.js';

/**
 * Citus-ready from day one: every table that holds a member's rows leads every primary key,
 * unique constraint and foreign key with member_id, so the schema can be distributed by member.
 * Tables without a member_id column are reference data (programs) or keyed by their own
 * distribution column; a foreign key to such a table is allowed (Citus: distributed → reference).
 * Other exceptions are listed here with their reason.
 */
const keyedOtherwise: Record<string, string> = {
  member_directory: 'the way in from (program, external id); distributed by its own key (docs/decisions.md)',
  link_directory: 'the way in from (program, system, account id) of a linked account; distributed by its own key',
  account_directory: 'the way in from (program, log-in email) to a member account; distributed by its own key',
  signups: 'an applicant is not a member until the sign-up is verified; keyed by its own id',
  campaign_person_claims: 'GG-6 one line per person: the way in from (program, campaign, person); distributed by its own key',
  outbox_messages: 'recipients need not be members (applicants); keyed by its own id, found by the deliverer by due time',
  ledger_chain: 'the hash chain over every transaction, in seal order: keyed by its position (one chain per database; decision 59)',
};

const constraints = statement('test.schema.constraints', `
  select c.conrelid::regclass::text as table_name, c.conname as name, c.contype as type,
         c.contype = 'f' and not exists (select 1 from pg_attribute a
           where a.attrelid = c.confrelid and a.attname = 'member_id' and not a.attisdropped) as to_reference_table,
         (select array_agg(a.attname::text order by k.ord)
            from unnest(c.conkey) with ordinality k(attnum, ord)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns
  from pg_constraint c
  join pg_class t on t.oid = c.conrelid
  join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = current_schema() and c.contype in ('p', 'u', 'f')
    and exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attname = 'member_id' and not a.attisdropped)`);

describeStorage('schema', (ctx) => {
  it('leads every key of a member-owned table with member_id', async () => {
    const rows = await ctx.db.query<{ table_name: string; name: string; type: string; columns: string[]; to_reference_table: boolean }>(
      constraints,
    );
    assert.ok(rows.length > 10, 'the member-owned tables have keys to check');
    const offenders = rows.filter(
      (row) => !(row.table_name in keyedOtherwise) && !row.to_reference_table && row.columns[0] !== 'member_id',
    );
    assert.deepEqual(offenders.map((row) => `${row.table_name}.${row.name} (${row.columns.join(', ')})`), []);
  });

  it('gives every member-owned table a primary key', async () => {
    const rows = await ctx.db.query<{ table_name: string }>(
      statement('test.schema.withoutPk', `
        select t.relname as table_name from pg_class t join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = current_schema() and t.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attname = 'member_id')
          and not exists (select 1 from pg_constraint c where c.conrelid = t.oid and c.contype = 'p')`),
    );
    assert.deepEqual(rows, []);
  });
});
