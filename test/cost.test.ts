import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../src/config/defaults.ts';
import { DEFAULT_PRICES } from '../src/config/package-files.ts';
import { loadPriceTable, parsePriceTable, pricingFor } from '../src/config/prices.ts';
import { loadTracking } from '../src/data/tracking.ts';
import { formatUsd } from '../src/format/numbers.ts';
import { evaluateBudget, parseBudgets } from '../src/gate/budgets.ts';
import { estimatePlan, renderPlanLine } from '../src/plan/estimate.ts';
import { callCost } from '../src/records/cost.ts';
import type { ModelPricing } from '../src/records/prices.ts';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { renderRunMarkdown } from '../src/report/markdown-summary.ts';
import type { ReportInputs } from '../src/report/report-inputs.ts';
import { toCsvRow } from '../src/report/rows.ts';
import { renderSummaryTable } from '../src/report/summary-table.ts';
import { summarizeCost } from '../src/summary/cost.ts';
import {
  DOCUMENTS,
  ENVIRONMENT,
  errorCall,
  modelInfo,
  okCall,
  SOURCE_ID,
  warmupCall,
} from './fixtures/report-records.ts';

const FILE = 'data/prices.json';
const source = { source: 'a test page', read: '2026-12-01', verified: false };

/** Round prices (USD per 1,000 tokens) so every cost below is worked out by hand. */
function pricing(overrides: Partial<ModelPricing> = {}): ModelPricing {
  return {
    file: FILE,
    tableModel: SOURCE_ID,
    region: 'us-east-1',
    modes: { standard: { input: 0.5, output: 2, cacheRead: 0.25, cacheWrite: null, ...source } },
    tiers: { flex: { multiplier: 0.5, ...source }, priority: { multiplier: null, ...source } },
    ...overrides,
  };
}

const table = (models: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ currency: 'USD', models, ...extra });
const entry = { input: 0.001, output: 0.002, cacheRead: null, cacheWrite: null, ...source };

describe('the price table', () => {
  it("the package's own table loads and has an entry for every model the workshop's tracking file lists", () => {
    const prices = loadPriceTable(DEFAULT_PRICES);
    for (const model of loadTracking('data/evaluation_tracking.csv')) {
      const region = model.region ?? 'us-east-1';
      expect(pricingFor(prices, model.modelId, region), `${model.modelId} in ${region}`).toBeDefined();
    }
    // Unknown is left empty, never guessed: Mistral Small was not found.
    expect(prices.models['mistral.mistral-small-2402-v1:0']?.['us-east-1']?.standard?.input).toBeNull();
    // Every figure names a source and a reading date, and none could be checked from here.
    const text = readFileSync(DEFAULT_PRICES, 'utf8');
    expect(text).not.toContain('"verified": true');
  });

  it('prices a profile id or an ARN as its base model, in the region the call is made in', () => {
    const prices = parsePriceTable(
      table({ 'amazon.nova-lite-v1:0': { 'us-east-1': { standard: entry } } }),
      FILE,
    );
    expect(pricingFor(prices, 'us.amazon.nova-lite-v1:0', 'us-east-1')?.tableModel).toBe(
      'amazon.nova-lite-v1:0',
    );
    expect(
      pricingFor(
        prices,
        'arn:aws:bedrock:us-east-1:123:inference-profile/us.amazon.nova-lite-v1:0',
        'us-east-1',
      )?.tableModel,
    ).toBe('amazon.nova-lite-v1:0');
    expect(pricingFor(prices, 'amazon.nova-lite-v1:0', 'eu-west-1')).toBeUndefined();
    expect(pricingFor(prices, 'amazon.nova-pro-v1:0', 'us-east-1')).toBeUndefined();
  });

  it.each([
    ['{', /^data\/prices\.json: not valid JSON \(.*\): fix the syntax$/],
    [
      table({}, { currency: 'EUR' }),
      'data/prices.json > currency: "EUR": write "USD" (Bedrock\'s prices are in US dollars)',
    ],
    [
      table({}, { model: {} }),
      'data/prices.json: unknown key "model": did you mean "models"? (keys: currency, serviceTiers, models)',
    ],
    [
      table({}, { serviceTiers: { default: { multiplier: 1, ...source } } }),
      'data/prices.json > serviceTiers > default: the Standard tier is the on-demand price itself (x1): remove this entry',
    ],
    [
      table({}, { serviceTiers: { flx: { multiplier: 0.5, ...source } } }),
      'data/prices.json > serviceTiers > flx: unknown tier: did you mean "flex"? (tiers: priority, flex, reserved)',
    ],
    [
      table({}, { serviceTiers: { flex: { multiplier: 0, ...source } } }),
      'data/prices.json > serviceTiers > flex > multiplier: 0 must be a number > 0 (0.5 = half the Standard price), or null when it is not known',
    ],
    [
      table({ m: { 'us-east': { standard: entry } } }),
      'data/prices.json > models > "m" > us-east: not an AWS region: write one like "us-east-1"',
    ],
    [
      table({ m: { 'us-east-1': { fast: entry } } }),
      'data/prices.json > models > "m" > us-east-1 > fast: unknown latency mode: did you mean "standard"? (modes: standard, optimized)',
    ],
    [
      table({ m: { 'us-east-1': { standard: { ...entry, cacheWrite: undefined } } } }),
      'data/prices.json > models > "m" > us-east-1 > standard: missing "cacheWrite": write the price in USD per 1,000 tokens, or null when it is not known',
    ],
    [
      table({ m: { 'us-east-1': { standard: { ...entry, input: -0.001 } } } }),
      'data/prices.json > models > "m" > us-east-1 > standard > input: -0.001 must be a number of US dollars per 1,000 tokens, >= 0, or null when it is not known',
    ],
    [
      table({ m: { 'us-east-1': { standard: { ...entry, inputs: 1 } } } }),
      'data/prices.json > models > "m" > us-east-1 > standard: unknown key "inputs": did you mean "input"? (keys: input, output, cacheRead, cacheWrite, source, read, verified)',
    ],
    [
      table({ m: { 'us-east-1': { standard: { ...entry, read: '1 Dec 2026' } } } }),
      'data/prices.json > models > "m" > us-east-1 > standard > read: "1 Dec 2026": write the date the source was read, as YYYY-MM-DD',
    ],
    [
      table({ m: { 'us-east-1': { standard: { ...entry, source: '' } } } }),
      'data/prices.json > models > "m" > us-east-1 > standard > source: say where the figures come from (a public page or document)',
    ],
    [
      table({ m: { 'us-east-1': { standard: { ...entry, verified: 'no' } } } }),
      'data/prices.json > models > "m" > us-east-1 > standard > verified: "no": write true only when checked against AWS\'s current pricing page, else false',
    ],
  ])('%s -> one line naming the file, the entry and the fix', (text, message) => {
    expect(() => parsePriceTable(text, FILE)).toThrow(message);
    try {
      parsePriceTable(text, FILE);
    } catch (error) {
      expect((error as Error).name).toBe('PriceTableError');
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('a missing file names the setting to fix', () => {
    expect(() => loadPriceTable('/no/such/prices.json', 'data/my-prices.json')).toThrow(
      "data/my-prices.json: no such price table: fix pricesFile, or leave it unset for the package's own data/prices.json",
    );
  });
});

describe('callCost', () => {
  it('prices input, output and cache tokens by the 1,000, at the tier served', () => {
    // 1000 x 0.5 + 200 x 2 + 400 x 0.25 = 500 + 400 + 100 = 1000 thousandths of a dollar.
    const call = okCall({ inputTokens: 1000, outputTokens: 200, cacheReadTokens: 400, cacheWriteTokens: 0 });
    expect(callCost(call, pricing())).toEqual({ status: 'priced', usd: 1, verified: false });
    // Flex at half the Standard price, when it is the tier the service reports serving.
    expect(callCost({ ...call, serviceTier: 'flex' }, pricing())).toEqual({
      status: 'priced',
      usd: 0.5,
      verified: false,
    });
    expect(callCost({ ...call, serviceTier: 'flex', serviceTierServed: 'default' }, pricing())).toEqual({
      status: 'priced',
      usd: 1,
      verified: false,
    });
  });

  it('is unknown, saying why, when a price it needs is missing; a price it does not need is not asked', () => {
    expect(callCost(okCall({ cacheWriteTokens: 10 }), pricing())).toEqual({
      status: 'unknown',
      missing: `the cache write price of ${SOURCE_ID} (standard) in us-east-1 is unknown`,
    });
    expect(callCost(okCall({ cacheWriteTokens: 0 }), pricing())?.status).toBe('priced');
    expect(callCost(okCall({ serviceTier: 'priority' }), pricing())).toEqual({
      status: 'unknown',
      missing: "the priority tier's price multiplier is unknown",
    });
    expect(callCost(okCall({ latencyMode: 'optimized' }), pricing())).toEqual({
      status: 'unknown',
      missing: `no optimized prices for ${SOURCE_ID} in us-east-1`,
    });
    expect(callCost(okCall(), undefined)).toEqual({
      status: 'unknown',
      missing: `no price for ${SOURCE_ID} in us-east-1`,
    });
    // A failed call reported no usage: it has no cost at all.
    expect(callCost(errorCall(), pricing())).toBeUndefined();
  });
});

describe('summarizeCost', () => {
  it('totals every successful call, warmup included, and averages the measured ones', () => {
    const records = [
      warmupCall({ inputTokens: 2000, outputTokens: 0 }), // 1.0
      okCall({ inputTokens: 1000, outputTokens: 0 }), // 0.5
      okCall({ inputTokens: 0, outputTokens: 1000 }), // 2.0
      errorCall(),
    ];
    expect(summarizeCost(records, pricing(), true)).toEqual({
      estimate: true,
      pricedCalls: 3,
      unpricedCalls: 0,
      totalUsd: 3.5,
      perCallUsd: 1.25,
      verified: false,
    });
  });

  it('one call of unknown cost makes the totals unknown: a partial sum would read as the whole', () => {
    const summary = summarizeCost([okCall(), okCall({ cacheWriteTokens: 5 })], pricing(), false);
    expect(summary).toEqual({
      estimate: false,
      pricedCalls: 1,
      unpricedCalls: 1,
      unknown: `the cache write price of ${SOURCE_ID} (standard) in us-east-1 is unknown`,
      verified: false,
    });
  });
});

describe('cost budgets', () => {
  const budgets = parseBudgets(
    JSON.stringify({ emulator: { [SOURCE_ID]: { costPerCallUsd: 1, costPerRunUsd: 2 } } }),
    'data/budgets.json',
  );
  const budget = budgets.emulator?.[SOURCE_ID];

  it('judges the mean cost per measured call and the run total, warmup included', () => {
    const records = [
      warmupCall({ inputTokens: 2000, outputTokens: 0 }),
      okCall({ inputTokens: 1000, outputTokens: 0 }),
    ];
    expect(budget && evaluateBudget(budget, records, {}, pricing())).toEqual([
      {
        name: 'budget cost per call',
        status: 'pass',
        line: 'cost per call (mean) $0.5 <= budget $1.00 over 1 calls',
      },
      {
        name: 'budget cost per run',
        status: 'pass',
        line: 'cost of the run $1.50 <= budget $2.00 over 2 calls, warmup included',
      },
    ]);
    const dear = [okCall({ inputTokens: 0, outputTokens: 1500 })];
    expect(budget && evaluateBudget(budget, dear, {}, pricing()).map((c) => [c.status, c.line])).toEqual([
      ['fail', 'cost per call (mean) $3.00 > budget $1.00 over 1 calls'],
      ['fail', 'cost of the run $3.00 > budget $2.00 over 1 calls, warmup included'],
    ]);
  });

  it('judges cost even on a time-scaled emulator, and fails when the cost is unknown', () => {
    const scaled = { latencyNotJudged: 'not judged at time scale 0.05' };
    expect(
      budget && evaluateBudget(budget, [okCall({ outputTokens: 100 })], scaled, pricing())[0]?.status,
    ).toBe('pass');
    expect(budget && evaluateBudget(budget, [okCall()], {}, undefined)[0]).toEqual({
      name: 'budget cost per call',
      status: 'fail',
      line:
        `cost per call (mean) unknown (no price for ${SOURCE_ID} in us-east-1), budget $1.00: ` +
        'add the missing price to the price table (pricesFile) or remove the cost budget',
    });
  });

  it('a cost limit must be a positive number of dollars', () => {
    expect(() =>
      parseBudgets(JSON.stringify({ bedrock: { m: { costPerRunUsd: -1 } } }), 'data/budgets.json'),
    ).toThrow(
      'data/budgets.json: bedrock > "m" > costPerRunUsd: -1 must be a number of US dollars > 0 (0.002 = a fifth of a cent)',
    );
  });
});

describe('costs in the outputs', () => {
  const records = [
    warmupCall({ inputTokens: 2000, outputTokens: 0 }),
    okCall({ inputTokens: 1000, outputTokens: 100 }),
  ];
  const inputs = (): ReportInputs => ({
    runId: 'run-1',
    stopped: false,
    models: [{ model: modelInfo(SOURCE_ID, 'converse', { pricing: pricing() }), records, checks: [] }],
    environment: ENVIRONMENT,
    fallbackTime: '2026-11-02T10:15:00.000Z',
  });

  it('the CSV row carries the call cost and its basis: an estimate on the emulator target', () => {
    const row = toCsvRow(records[1] as (typeof records)[1], {
      transport: 'http1',
      documents: DOCUMENTS,
      redactTexts: false,
      pricing: pricing(),
      estimate: true,
    });
    // 1000 x 0.5 + 100 x 2 = 700 thousandths.
    expect([row.cost_usd, row.cost_basis]).toEqual([0.7, 'estimate, unverified']);
    const failed = toCsvRow(errorCall(), {
      transport: 'http1',
      documents: DOCUMENTS,
      redactTexts: false,
      pricing: pricing(),
    });
    expect([failed.cost_usd, failed.cost_basis]).toEqual(['', '']);
  });

  it('the console and markdown summaries show cost per call and per model, and the run total', () => {
    const run = buildRunRecord(inputs());
    expect(run.models[0]?.summary.cost).toEqual({
      estimate: true,
      pricedCalls: 2,
      unpricedCalls: 0,
      totalUsd: 1.7,
      perCallUsd: 0.7,
      verified: false,
    });
    expect(run.models[0]?.pricing?.file).toBe(FILE);
    const text = renderSummaryTable(run, { color: false });
    expect(
      text
        .split('\n')[1]
        ?.split(/\s{2,}/)
        .slice(-2),
    ).toEqual(['est. cost/call', 'est. cost']);
    expect(text.split('\n')[2]?.split(/\s+/).slice(-2)).toEqual(['$0.7', '$1.70']);
    const line =
      'cost of the run: $1.70 (estimate: what these calls would cost on Bedrock; from unverified prices in data/prices.json)';
    expect(text.split('\n')[3]).toBe(line);
    const markdown = renderRunMarkdown(run);
    expect(markdown).toContain('| est. cost/call | est. cost |');
    expect(markdown).toContain('| $0.7 | $1.70 |');
    expect(markdown).toContain(line);
  });

  it('formats dollars with cents from $1 and three significant digits below', () => {
    expect([formatUsd(12.345), formatUsd(1), formatUsd(0.00012345), formatUsd(0.7), formatUsd(0)]).toEqual([
      '$12.35',
      '$1.00',
      '$0.000123',
      '$0.7',
      '$0',
    ]);
  });
});

describe('the plan prices its tokens before any call', () => {
  it('input tokens counted plus the most output maxTokens allows, at the table prices', () => {
    const estimate = estimatePlan({
      modelId: SOURCE_ID,
      api: 'converse',
      region: 'us-east-1',
      promptTemplate: '{context}',
      documents: ['a', 'b'],
      options: { ...DEFAULT_OPTIONS, warmupCalls: 0, maxTokens: 100 },
      count: () => 1000,
      prices: { pricing: pricing() },
    });
    // 2,000 input tokens x 0.5 / 1,000 = $1; 200 output tokens at most x 2 / 1,000 = $0.40.
    expect(estimate.cost).toEqual({
      status: 'priced',
      inputUsd: 1,
      maxOutputUsd: 0.4,
      maxUsd: 1.4,
      verified: false,
    });
    expect(renderPlanLine(estimate)).toBe(
      `plan ${SOURCE_ID} converse: 2 calls (0 warmup + 2 measured) to emulator us-east-1, ~2,000 input tokens, <= 200 output tokens (maxTokens 100), ` +
        'cost <= ~$1.40 on Bedrock; the emulator bills nothing (input ~$1.00 + output <= $0.4, unverified prices)',
    );
    const unpriced = estimatePlan({
      modelId: SOURCE_ID,
      api: 'converse',
      region: 'eu-west-1',
      promptTemplate: '{context}',
      documents: ['a'],
      options: { ...DEFAULT_OPTIONS, target: 'bedrock' },
      count: () => 10,
      prices: { pricing: undefined },
    });
    expect(renderPlanLine(unpriced)).toMatch(
      /, cost unknown \(no price for anthropic\.claude-3-haiku-20240307-v1:0 in eu-west-1\)$/,
    );
  });
});
