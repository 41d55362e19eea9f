import assert from 'node:assert/strict';
import { it } from 'node:test';
import { call, describeApi, problemCode, uniqueExternalId } from '../support/api.js';

describeApi('members API', (ctx) => {
  it('enrols a member and reads it back', async () => {
    const externalId = uniqueExternalId();
    const created = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', {
      externalId,
      name: 'Hanako Yamada',
      email: 'hanako@example.jp',
      birthDate: '1990-05-17',
      joinedAt: '2010-04-01T00:00:00+09:00',
    });
    assert.equal(created.statusCode, 201, created.body);
    const { reenrolled, bonuses, ...member } = created.json();
    assert.equal(reenrolled, false);
    assert.deepEqual(bonuses, []);
    assert.match(member.id, /^mbr_[0-9a-z]{26}$/);
    assert.equal(member.externalId, externalId);
    assert.equal(member.program, 'flets-club');
    assert.equal(member.birthDate, '1990-05-17');
    assert.equal(member.joinedAt, '2010-03-31T15:00:00Z');

    const read = await call(ctx.app, 'GET', `/v1/members/${member.id}`);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), member);
  });

  it('refuses a second member with the same external id, naming the first', async () => {
    const externalId = uniqueExternalId();
    const first = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId });
    const second = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId, name: 'Other' });
    assert.equal(second.statusCode, 409);
    assert.equal(problemCode(second), 'member_exists');
    assert.equal(second.json().memberId, first.json().id);
  });

  it('lets one external id exist once per program, not once overall', async () => {
    const externalId = uniqueExternalId();
    const a = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId });
    const b = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId });
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.notEqual(a.json().id, b.json().id);
  });

  it('gives one member to concurrent enrolments of one external id', async () => {
    const externalId = uniqueExternalId();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('replays an enrolment sent again with the same Idempotency-Key', async () => {
    const body = { externalId: uniqueExternalId() };
    const headers = { 'idempotency-key': `enrol-${body.externalId}` };
    const first = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', body, headers);
    const again = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', body, headers);
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 201);
    assert.equal(again.body, first.body);
    const changed = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { ...body, name: 'x' }, headers);
    assert.equal(changed.statusCode, 422);
    assert.equal(problemCode(changed), 'idempotency_key_reused');
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const externalId = uniqueExternalId();
    const cases: [unknown, string][] = [
      [{}, 'body.externalId'],
      [{ externalId: '' }, 'body.externalId'],
      [{ externalId, email: 'not-an-email' }, 'body.email'],
      [{ externalId, birthDate: '1990-13-45' }, 'body.birthDate'],
      [{ externalId, joinedAt: 'yesterday' }, 'body.joinedAt'],
      [{ externalId, id: 'mbr_forged' }, 'body.id'],
      [{ externalId, balance: 1_000_000 }, 'body.balance'],
    ];
    for (const [body, field] of cases) {
      const response = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(problemCode(response), 'invalid_request');
      assert.ok(response.json().errors.some((e: { field: string }) => e.field === field), `${field} in ${response.body}`);
    }
    const created = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId });
    assert.equal(created.statusCode, 201, 'no refused request left the external id taken');
  });

  it('answers 404 for an unknown program or member', async () => {
    const program = await call(ctx.app, 'POST', '/v1/programs/no-such-program/members', { externalId: 'x' });
    assert.equal(program.statusCode, 404);
    assert.equal(problemCode(program), 'unknown_program');
    const member = await call(ctx.app, 'GET', '/v1/members/mbr_00000000000000000000000000');
    assert.equal(member.statusCode, 404);
    assert.equal(problemCode(member), 'not_found');
  });

  it('requires the operator token on every /v1 route', async () => {
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong' }, { authorization: 'Basic abc' }]) {
      const response = await call(ctx.app, 'GET', '/v1/programs', undefined, headers);
      assert.equal(response.statusCode, 401);
      assert.equal(problemCode(response), 'unauthorized');
    }
    const open = await ctx.app.inject({ method: 'GET', url: '/health' });
    assert.equal(open.statusCode, 200);
    assert.equal(open.json().status, 'ok');
  });

  it('lists the programs with their time zone, currency and point value', async () => {
    const response = await call(ctx.app, 'GET', '/v1/programs');
    assert.equal(response.statusCode, 200);
    const flets = response.json().find((p: { key: string }) => p.key === 'flets-club');
    assert.equal(flets.timeZone, 'Asia/Tokyo');
    assert.equal(flets.currency, 'JPY');
    assert.deepEqual(flets.pointValue, { points: 1, amountMinor: 1 });
    assert.deepEqual(flets.expiry, { policy: 'fiscal_year_end', yearsAfter: 2 });
    assert.equal(flets.fiscalYear.startMonth, 4);
  });
});
