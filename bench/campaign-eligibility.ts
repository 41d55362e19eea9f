// Campaign eligibility (#5): evaluates 1M (line, campaign) pairs through the real decision —
// period, every CEL rule of every role, options, the GG-11 matrix — and reports evaluations/s as a
// ratio to a baseline measured in the same run: evaluating a constant CEL expression as often.
// CPU only, no database: the facts a request gathers are built once per line.
//   npx tsx bench/campaign-eligibility.ts [--pairs 1000000]
import { Temporal } from 'temporal-polyfill';
import { createCampaignRegistry, evaluateEligibility, type Campaign } from '../src/campaigns/index.js';
import type { Contract } from '../src/members/index.js';
import { loadPrograms } from '../src/programs/index.js';
import { celContext, compileCondition } from '../src/rules/index.js';

const pairsArg = process.argv.indexOf('--pairs');
const pairs = pairsArg > 0 ? Number(process.argv[pairsArg + 1]) : 1_000_000;
const programs = loadPrograms('examples/programs');
const registry = createCampaignRegistry(programs);
const campaigns: { campaign: Campaign; timeZone: string }[] = programs.flatMap((p) => registry.ofProgram(p.key).map((campaign) => ({ campaign, timeZone: p.timeZone })));

const plans = ['talk-unlimited', 'white-plan', 'talk-unlimited-light', 'basic-plan', 'home', 'mansion'];
const origins = ['new', 'mnp', 'upgrade'] as const;
const at = Temporal.Instant.from('2016-03-15T10:00:00+09:00');

function line(i: number): Contract {
  return {
    id: `L-${i}`, type: i % 5 === 0 ? 'flets-hikari' : 'mobile', plan: plans[i % plans.length] ?? null,
    services: i % 7 === 0 ? ['two-year-contract', 'data-pack-standard-5'] : ['two-year-contract', 'data-pack-standard-5', 'basic-pack', 'packet-houdai-flat-4g'],
    commitmentDiscount: i % 3 !== 0, inService: true, status: 'active', startedAt: at, changedAt: null, endedAt: null,
    familyGroup: i % 4 === 0 ? `FG-${i}` : null, attributes: {},
    line: {
      user: { personId: `P-${i}`, birthDate: `${1985 + (i % 20)}-0${1 + (i % 9)}-15` },
      device: { purchased: i % 11 !== 0, network: i % 6 === 0 ? '3G' : 'LTE' },
      origin: origins[i % 3], corporate: i % 50 === 0, sharedDataRole: i % 13 === 0 ? 'child' : 'none', discounts: i % 40 === 0 ? ['heart-friend'] : [],
    },
  };
}

const lines = Array.from({ length: 10_000 }, (_, i) => line(i));
const history = [{ campaign: 'white-gakuwari', role: 'u25', contractKind: null, startedAt: at, endedAt: null, applicationId: null, entryId: 'h', memberId: 'm' }];

function timed(fn: () => number): { seconds: number; count: number } {
  const started = process.hrtime.bigint();
  const count = fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, count };
}

const constant = compileCondition('true', { line: 'map' });
const constantFacts = celContext({ line: {} });
const baseline = timed(() => {
  let ok = 0;
  for (let i = 0; i < pairs; i += 1) if (constant.evaluate(constantFacts).ok) ok += 1;
  return ok;
});

const measured = timed(() => {
  let eligible = 0;
  for (let i = 0; i < pairs; i += 1) {
    const target = campaigns[i % campaigns.length];
    const contract = lines[i % lines.length];
    if (!target || !contract) continue;
    const decision = evaluateEligibility({
      campaign: target.campaign, timeZone: target.timeZone, at, contract,
      person: { id: contract.line.user?.personId ?? '', birthDate: contract.line.user?.birthDate },
      history: i % 10 === 0 ? history : [], familyActiveByRole: i % 4 === 0 ? { u25: 1 } : {}, personClaimed: false, lineApplied: false,
    });
    if (decision.eligible) eligible += 1;
  }
  return eligible;
});

const baselineRate = pairs / baseline.seconds;
const rate = pairs / measured.seconds;
process.stdout.write(
  `campaign eligibility: ${pairs} (line, campaign) pairs over ${campaigns.length} campaigns, ${measured.count} eligible\n` +
    `  baseline (constant CEL 'true'): ${Math.round(baselineRate).toLocaleString('en')} evaluations/s (${baseline.seconds.toFixed(2)} s)\n` +
    `  eligibility:                    ${Math.round(rate).toLocaleString('en')} evaluations/s (${measured.seconds.toFixed(2)} s)\n` +
    `  ratio to baseline: ${(rate / baselineRate).toFixed(4)} (${(baselineRate / rate).toFixed(1)}× the cost of one constant expression)\n`,
);
