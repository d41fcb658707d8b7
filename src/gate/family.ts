import { formatThousands } from '../format/numbers.ts';
import type { CheckOutcome, CheckTest, ModelRun, RunVerdict } from '../records/run-record.ts';
import { holmRejections } from '../stats/holm.ts';
import { minCallsForBudget } from '../stats/quantile-budget.ts';
import { minCallsPerSide } from '../stats/quantile-test.ts';
import { normalQuantile } from '../stats/special.ts';

/**
 * One verdict per run. A run's statistical checks (every regression check and every `confident`
 * budget, over all models, APIs and metrics) are one family, judged once: Holm's correction keeps the
 * chance that an unchanged pull request fails any of them at most `alpha` (5%), however many checks
 * it runs. A check fails only when Holm rejects its "no regression" (or "within budget"); a regression
 * check passes only when its own test says, at `alpha`, that it is within tolerance (the run's "no
 * regression" then holds for all of them at once: an intersection-union test needs no correction);
 * anything else is inconclusive, with the calls that would decide. Fixed limits (point budgets, error
 * budgets) keep their own status.
 */
export interface JudgedChecks {
  checks: CheckOutcome[];
  verdict: RunVerdict;
}

/** Power the "calls that would decide" figure aims at. */
const POWER = 0.8;

export function judgeFamily(checks: readonly CheckOutcome[], alpha = 0.05): JudgedChecks {
  const judged = checks.map((check) => ({ ...check }));
  const family = judged.filter((c) => c.test !== undefined && c.test.notJudged === undefined);
  const m = family.length;
  const firstLevel = m === 0 ? alpha : alpha / m;
  const rejected = holmRejections(
    family.map((c) => (tooFew(c.test as CheckTest, firstLevel) ? 1 : (c.test as CheckTest).pFail)),
    alpha,
  );
  const context = { alpha, m, firstLevel };
  for (const check of judged) {
    const test = check.test;
    if (test === undefined) continue;
    if (test.notJudged !== undefined) {
      Object.assign(check, {
        status: 'inconclusive',
        line: `${test.measured}: inconclusive (${test.notJudged})`,
      });
    }
  }
  for (const [i, check] of family.entries()) {
    Object.assign(check, judge(check.test as CheckTest, rejected[i] === true, context));
  }
  const count = (status: CheckOutcome['status']): number => judged.filter((c) => c.status === status).length;
  const failed = count('fail');
  const inconclusive = count('inconclusive');
  return {
    checks: judged,
    verdict: {
      verdict: failed > 0 ? 'fail' : inconclusive > 0 || judged.length === 0 ? 'inconclusive' : 'pass',
      checks: judged.length,
      failed,
      passed: count('pass'),
      inconclusive,
      tests: m,
      alpha,
    },
  };
}

interface FamilyContext {
  alpha: number;
  m: number;
  firstLevel: number;
}

const WORDS = {
  regression: { fail: 'regressed', pass: 'no regression', what: 'over the tolerance' },
  budget: { fail: 'over budget', pass: 'within budget', what: 'over budget' },
} as const;

function judge(
  test: CheckTest,
  rejected: boolean,
  ctx: FamilyContext,
): Pick<CheckOutcome, 'status' | 'line'> {
  const words = WORDS[test.kind];
  const holm = `Holm over ${plural(ctx.m, 'test')} at ${pct(ctx.alpha)}`;
  if (tooFew(test, ctx.firstLevel)) {
    const what = test.q === undefined ? '' : ` P${Math.round(test.q * 100)}`;
    const unit = test.kind === 'regression' ? 'calls a side' : 'calls';
    return {
      status: 'inconclusive',
      line:
        `${test.measured}: inconclusive: ${test.calls} ${unit} are too few to judge${what} at this run's level ` +
        `(${pct(ctx.alpha)} / ${plural(ctx.m, 'test')}); ${minCalls(test, ctx.firstLevel)} would`,
    };
  }
  if (rejected)
    return { status: 'fail', line: `${test.measured}: ${words.fail} (p ${p(test.pFail)}, ${holm})` };
  // A budget holds unless confidently over; a regression check passes only when confidently within.
  if (test.kind === 'budget') {
    return {
      status: 'pass',
      line: `${test.measured}: ${words.pass} (not confidently over: p ${p(test.pFail)}, ${holm})`,
    };
  }
  if (test.pPass <= ctx.alpha) {
    return {
      status: 'pass',
      line: `${test.measured}: ${words.pass} (p ${p(test.pPass)} that it is ${words.what} <= ${pct(ctx.alpha)})`,
    };
  }
  return {
    status: 'inconclusive',
    line: `${test.measured}: inconclusive (p ${p(test.pFail)}); ${decide(test, ctx)}`,
  };
}

function tooFew(test: CheckTest, firstLevel: number): boolean {
  return test.pMin > firstLevel;
}

function minCalls(test: CheckTest, level: number): number {
  const q = test.q ?? 0.9;
  return test.kind === 'regression' ? minCallsPerSide(q, level) : minCallsForBudget(q, level);
}

/**
 * Calls that would decide with 80% power if the observed figure is the truth: the standard error
 * shrinks as 1 / √n, so n = calls · ((z_level + z_power) · se / margin)², at the family's first Holm
 * level towards failing, at `alpha` towards passing. Explained instead when it would be absurd.
 */
export function neededCalls(test: CheckTest, ctx: { alpha: number; firstLevel: number }): number | undefined {
  const { marginLog, seLog } = test;
  if (marginLog === undefined || seLog === undefined || !(seLog > 0) || marginLog === 0) return undefined;
  const level = marginLog > 0 ? ctx.firstLevel : ctx.alpha;
  const z = normalQuantile(1 - level) + normalQuantile(POWER);
  return Math.ceil(test.calls * ((z * seLog) / marginLog) ** 2);
}

/** Beyond this many times the calls made, "N calls would decide" is no advice anyone can take. */
const ABSURD = 100;

function decide(test: CheckTest, ctx: FamilyContext): string {
  const unit = test.kind === 'regression' ? 'calls a side' : 'calls';
  const n = neededCalls(test, ctx);
  if (test.q === undefined) return `more ${unit} would narrow the error rate's bounds`;
  if (n === undefined) {
    return test.kind === 'regression' && test.seLog === undefined
      ? 'run-to-run drift of the baseline history limits it: a longer history, or baseline and candidate in one job, would decide'
      : 'the estimate sits on the threshold: more calls will not decide';
  }
  if (n > ABSURD * test.calls) {
    return `the estimate sits so close to the threshold that no practical number of ${unit} would decide (over ${formatThousands(ABSURD * test.calls)})`;
  }
  return `about ${formatThousands(Math.max(n, 2))} ${unit} would decide it 80% of the time, if the estimate is the truth`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function pct(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

/** p-values: 3 significant digits, small ones in exponent form. */
function p(value: number): string {
  return value < 0.001 ? value.toExponential(1) : value.toPrecision(2);
}

/** e.g. `verdict: fail: 1 of 14 checks failed, 5 passed, 8 inconclusive (9 tests as one family, Holm at 5%)`. */
export function runVerdictLine(v: RunVerdict): string {
  const family =
    v.tests === 0
      ? 'no statistical tests'
      : `${plural(v.tests, 'test')} as one family, Holm at ${pct(v.alpha)}`;
  return (
    `verdict: ${v.verdict}: ${v.failed} of ${v.checks} checks failed, ${v.passed} passed, ` +
    `${v.inconclusive} inconclusive (${family})`
  );
}

/** Judges every check of a run's models as one family; returns the models with judged checks. */
export function judgeRun<M extends Pick<ModelRun, 'checks'>>(
  models: readonly M[],
  alpha = 0.05,
): { models: M[]; verdict: RunVerdict } {
  const { checks, verdict } = judgeFamily(
    models.flatMap((m) => m.checks),
    alpha,
  );
  let next = 0;
  const judged = models.map((m) => ({ ...m, checks: m.checks.map(() => checks[next++] as CheckOutcome) }));
  return { models: judged, verdict };
}
