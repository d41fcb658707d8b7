import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rebuildCommand } from '../src/cli/rebuild.ts';
import { datasetFingerprint } from '../src/data/dataset.ts';
import { readRunRecord } from '../src/data/read-run-record.ts';
import { ModelInputsCollector } from '../src/report/assemble-inputs.ts';
import { buildOutputs, outputText } from '../src/report/build-outputs.ts';
import { datasetDocuments } from '../src/report/documents.ts';
import { loadEchartsSource } from '../src/report/html/assets.ts';
import { openJournal } from '../src/report/journal.ts';
import { rebuildFromJournal } from '../src/report/rebuild-from-journal.ts';
import type { ReportInputs } from '../src/report/report-inputs.ts';
import { DOCUMENTS, sampleInputs } from './fixtures/report-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'journal-rebuild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const documents = () => DOCUMENTS;

/** Journals a run as the harness does: every call, then each model's checks. */
async function journal(path: string, inputs: ReportInputs, models = inputs.models): Promise<void> {
  const writer = openJournal(path, { environment: inputs.environment });
  for (const { model, records, checks } of models) {
    for (const record of records) writer.append(record, model);
    writer.appendChecks(model, checks);
  }
  await writer.close();
}

/** What was built, with every file as its whole text. */
const texts = (built: ReturnType<typeof buildOutputs>) => ({
  run: built.run,
  files: built.files.map((file) => [file.name, outputText(file)]),
});

describe('rebuildFromJournal', () => {
  it('rebuilds exactly the outputs the reporter builds from artifacts', async () => {
    const direct = sampleInputs();
    const path = join(dir, 'journal-run-1.jsonl');
    await journal(path, direct);
    const { inputs, tornJournals } = rebuildFromJournal([path], { rootDir: dir, now: direct.fallbackTime });
    expect(tornJournals).toEqual([]);
    expect(inputs).toEqual(direct);
    expect(texts(buildOutputs(inputs, documents))).toEqual(texts(buildOutputs(direct, documents)));
  });

  it('keeps client health, which is known only after the calls, as the reporter does', async () => {
    const direct = sampleInputs();
    const health = {
      wallMs: 5000,
      cpuUserMs: 900,
      cpuSystemMs: 100,
      eventLoopDelayMs: { p50: 1, p99: 12, max: 30 },
    };
    const path = join(dir, 'journal-health.jsonl');
    const writer = openJournal(path, { environment: direct.environment });
    for (const { model, records, checks } of direct.models) {
      // As the harness does: the model line goes out with the first call, health is added at the end.
      for (const record of records) writer.append(record, model);
      model.clientHealth = health;
      writer.appendChecks(model, checks);
    }
    await writer.close();
    const { inputs } = rebuildFromJournal([path], { rootDir: dir, now: direct.fallbackTime });
    expect(inputs.models.map(({ model }) => model.clientHealth)).toEqual([health, health]);
    expect(buildOutputs(inputs, documents).run).toEqual(buildOutputs(direct, documents).run);
  });

  it('orders models by bench file whatever order they ran in, as the reporter does', async () => {
    const direct = sampleInputs();
    const [source, candidate] = direct.models;
    if (!source || !candidate) throw new Error('fixture has two models');
    source.model.benchFile = 'bench/b.bench.ts';
    candidate.model.benchFile = 'bench/a.bench.ts';
    const path = join(dir, 'journal-order.jsonl');
    await journal(path, direct);
    const { inputs } = rebuildFromJournal([path], { rootDir: dir, now: direct.fallbackTime });
    expect(inputs.models.map(({ model }) => model.benchFile)).toEqual([
      'bench/a.bench.ts',
      'bench/b.bench.ts',
    ]);
    const collector = new ModelInputsCollector();
    for (const { model, records } of direct.models) collector.addCalls(model, records);
    expect(collector.models().map(({ model }) => model.modelId)).toEqual([
      candidate.model.modelId,
      source.model.modelId,
    ]);
  });

  it('merges the journals of shards', async () => {
    const direct = sampleInputs();
    const [first, second] = direct.models;
    await journal(join(dir, 'shard-1.jsonl'), direct, first ? [first] : []);
    await journal(join(dir, 'shard-2.jsonl'), direct, second ? [second] : []);
    const { inputs } = rebuildFromJournal([join(dir, 'shard-1.jsonl'), join(dir, 'shard-2.jsonl')], {
      rootDir: dir,
      now: direct.fallbackTime,
    });
    expect(texts(buildOutputs(inputs, documents))).toEqual(texts(buildOutputs(direct, documents)));
  });

  it('marks a run killed between two tests interrupted: the plan names the test that never started', async () => {
    const direct = sampleInputs();
    const [source, candidate] = direct.models;
    if (!source || !candidate) throw new Error('fixture has two models');
    const path = join(dir, 'killed-between.jsonl');
    const writer = openJournal(path, { environment: direct.environment });
    writer.appendPlan(
      [source, candidate].map(({ model }) => ({
        benchFile: model.benchFile,
        modelId: model.modelId,
        api: model.api,
        scheduledCalls: model.scheduledCalls,
      })),
    );
    // The first test ran whole; the kill came before the second made a call.
    for (const record of source.records) writer.append(record, source.model);
    writer.appendChecks(source.model, source.checks);
    await writer.close();
    const { inputs } = rebuildFromJournal([path], { rootDir: dir, now: direct.fallbackTime });
    expect(inputs.neverStarted).toEqual([`${candidate.model.modelId} converse-stream`]);
    expect(buildOutputs(inputs, documents).run.context.interrupted).toBe(true);
    // Without the kill the same plan is a whole run.
    const whole = join(dir, 'whole.jsonl');
    const all = openJournal(whole, { environment: direct.environment });
    all.appendPlan([
      { benchFile: 'b', modelId: source.model.modelId, api: source.model.api, scheduledCalls: 1 },
    ]);
    for (const record of source.records) all.append(record, source.model);
    await all.close();
    const rebuilt = rebuildFromJournal([whole], { rootDir: dir, now: direct.fallbackTime }).inputs;
    expect(rebuilt.neverStarted).toBeUndefined();
  });

  it('marks a killed run interrupted and leaves its torn last line out', async () => {
    const direct = sampleInputs();
    const path = join(dir, 'killed.jsonl');
    const writer = openJournal(path, { environment: direct.environment });
    const source = direct.models[0];
    if (!source) throw new Error('fixture has a source model');
    for (const record of source.records.slice(0, 2)) writer.append(record, source.model);
    await writer.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"call","key":`);
    const { inputs, tornJournals } = rebuildFromJournal([path], { rootDir: dir, now: direct.fallbackTime });
    expect(tornJournals).toEqual([path]);
    const { run } = buildOutputs(inputs, documents);
    expect(run.context.interrupted).toBe(true);
    expect(run.models[0]?.calls).toHaveLength(2);
  });
});

describe('converse-bench rebuild', () => {
  it('writes the CSVs, log and run record beside the journal (never in the folder the journal names), joining texts from the dataset when it still matches', async () => {
    const csv =
      'document,referenceResponse\n"First document, about ""quotes"".",Ref one.\n"Second document\nwith a newline.",Ref two.\n';
    writeFileSync(join(dir, 'docs.csv'), csv);
    const direct = sampleInputs();
    for (const { model } of direct.models) {
      model.options = { ...model.options, datasetFile: join(dir, 'docs.csv'), outputDir: join(dir, 'named') };
      model.datasetFingerprint = datasetFingerprint(DOCUMENTS.map((d) => d.document));
    }
    mkdirSync(join(dir, 'out'));
    const path = join(dir, 'out', 'journal-cli.jsonl');
    await journal(path, direct);
    const stdout: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => stdout.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await rebuildCommand([path])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(existsSync(join(dir, 'named'))).toBe(false);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      'document_summarization_anthropic.claude-3-haiku-20240307-v1-0_20261102_101529.csv',
      expect.stringMatching(
        /^document_summarization_arn_aws_bedrock_us-east-1_123_inference-profile_us.amazon.nova-lite-v1_0_[0-9a-f]{8}_20261102_101529\.csv$/,
      ),
      'journal-cli.jsonl',
      'model_latency_benchmarking-20261102_101529.log',
      'report-20261102_101529.html',
      'run-20261102_101529.json',
      'summary-20261102_101529.csv',
      'summary-20261102_101529.md',
      'warmup_document_summarization_anthropic.claude-3-haiku-20240307-v1-0_20261102_101529.csv',
    ]);
    const expected = buildOutputs(direct, datasetDocuments(dir, []), { echartsSource: loadEchartsSource() });
    for (const file of expected.files)
      expect(readFileSync(join(dir, 'out', file.name), 'utf8')).toBe(outputText(file));
    expect(readFileSync(join(dir, 'out', expected.files[0]?.name ?? ''), 'utf8')).toContain('Ref two.');
    expect(readRunRecord(join(dir, 'out', 'run-20261102_101529.json'))).toEqual(expected.run);
    expect(stdout.join('')).toContain('converse-bench wrote:');

    // A second rebuild never writes over the first: its files take the next free names.
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await rebuildCommand([path])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(readFileSync(join(dir, 'out', 'run-20261102_101529-2.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'out', 'run-20261102_101529.json'), 'utf8'),
    );
    expect(readdirSync(join(dir, 'out'))).toHaveLength(1 + 2 * 8);
  });

  it('refuses the same journal twice (every call would count twice) and a journal without calls', async () => {
    const path = join(dir, 'journal-twice.jsonl');
    await journal(path, sampleInputs());
    await expect(rebuildCommand([path, join(dir, '.', 'journal-twice.jsonl')])).rejects.toThrow(
      `rebuild: ${join(dir, 'journal-twice.jsonl')} is given twice; pass each journal once`,
    );
    const empty = join(dir, 'journal-empty.jsonl');
    writeFileSync(empty, '');
    await expect(rebuildCommand([empty])).rejects.toThrow(
      `rebuild: ${empty} holds no calls; pass the journal of a run that made calls, or rerun the benchmark`,
    );
  });

  it('refuses a call without a journal and unknown options', async () => {
    await expect(rebuildCommand([])).rejects.toThrow(
      'rebuild: no journal given; pass outputs/journal-<runId>.jsonl',
    );
    await expect(rebuildCommand(['--invocations', '3'])).rejects.toThrow(
      'rebuild: unknown option --invocations',
    );
  });
});
