import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { loadPrograms } from '../programs/index.js';
import { resumeRequest } from './resume.js';

const programs = loadPrograms('examples/programs');
const at = (iso: string) => Temporal.Instant.from(iso);
const run = (program: string, job: string, period: string, startedAt = '2026-05-01T00:10:00+09:00') => ({ program, job, period, startedAt: at(startedAt), actor: 'job:x' });

describe('what resumes a run left running (C3)', () => {
  const cases: [string, ReturnType<typeof run>, { job: string; program?: string; month?: string; asOf?: string } | undefined][] = [
    ['a monthly job: its month', run('flets-club', 'monthly-grant', '2026-05'), { job: 'monthly-grant', program: 'flets-club', month: '2026-05' }],
    ['expiry of every program: the instant its period names', run('*', 'expire', '2027-03-31T15:00:00Z'), { job: 'expire', asOf: '2027-03-31T15:00:00Z' }],
    ['forfeit: the instant its period names', run('flets-club', 'forfeit', '2026-04-30T15:30:00Z'), { job: 'forfeit', program: 'flets-club', asOf: '2026-04-30T15:30:00Z' }],
    ['a daily job on its day: the instant the run was for', run('flets-club', 'campaign-statuses', '2026-05-01'), { job: 'campaign-statuses', program: 'flets-club', asOf: '2026-04-30T15:10:00Z' }],
    ['a daily job run for another day: that day\'s start, in the program\'s zone', run('sonet', 'sweepstakes', '2026-04-20'), { job: 'sweepstakes', program: 'sonet', asOf: '2026-04-19T15:00:00Z' }],
    ['a program this server does not load: left to one that does', run('elsewhere', 'monthly-grant', '2026-05'), undefined],
    ['a job this server does not know', run('flets-club', 'future-job', '2026-05'), undefined],
  ];
  for (const [title, lapsed, want] of cases) {
    it(title, () => {
      const got = resumeRequest(lapsed, programs);
      assert.deepEqual(got && { job: got.job, program: got.program?.key, month: got.month, asOf: got.asOf?.toString() }, want && { program: undefined, month: undefined, asOf: undefined, ...want });
    });
  }
});
