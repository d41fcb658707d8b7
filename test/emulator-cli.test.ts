import { expect, test } from 'vitest';
import { emulatorCommand } from '../src/cli/emulator.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  let stop = (): void => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return {
    out,
    err,
    stop,
    io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), stopped },
  };
}

test('serves until stopped, printing its URL, then returns 0', async () => {
  const t = io();
  const exit = emulatorCommand(['--port', '0', '--ttft-ms', '1', '--tokens-per-second', '1000'], t.io);
  while (t.out.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const url = /^converse-bench emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0] ?? '')?.[1];
  expect(url).toBeDefined();
  expect(await (await fetch(`${url}/_emulator/health`)).json()).toEqual({ status: 'ok', inFlight: 1 });
  t.stop();
  expect(await exit).toBe(0);
  expect(t.err).toEqual([]);
});

test('--help prints the options and returns 0', async () => {
  const t = io();
  expect(await emulatorCommand(['--help'], t.io)).toBe(0);
  expect(t.out[0]).toMatch(/^usage: converse-bench emulator \[options\]/);
});

test.each([
  [
    ['--port', 'abc'],
    'converse-bench emulator: --port abc: use a port number from 0 to 65535; run with --help for the options',
  ],
  [
    ['--port', '70000'],
    'converse-bench emulator: --port 70000: use a port number from 0 to 65535; run with --help for the options',
  ],
  [
    ['--time-scale', '0'],
    'converse-bench emulator: --time-scale 0: use a positive number such as 1 or 0.01; run with --help for the options',
  ],
  [
    ['--tokens-per-second=-5'],
    'converse-bench emulator: --tokens-per-second -5: use a positive number; run with --help for the options',
  ],
  [
    ['--ttft-ms', '-5'],
    "converse-bench emulator: Option '--ttft-ms' argument is ambiguous. Did you forget to specify the option argument for '--ttft-ms'? To specify an option argument starting with a dash use '--ttft-ms=-XYZ'.; run with --help for the options",
  ],
  [
    ['--fault', 'drop'],
    'converse-bench emulator: --seed and --fault need --profiles FILE; add --profiles data/emulator-profiles.json; run with --help for the options',
  ],
])('bad flags %j: one line on stderr, exit 2', async (args, message) => {
  const t = io();
  expect(await emulatorCommand(args, t.io)).toBe(2);
  expect(t.err).toEqual([message]);
});

test('an unknown flag and a missing profiles file are reported the same way', async () => {
  const unknown = io();
  expect(await emulatorCommand(['--prot', '1'], unknown.io)).toBe(2);
  expect(unknown.err[0]).toMatch(
    /^converse-bench emulator: Unknown option '--prot'.*run with --help for the options$/,
  );
  const missing = io();
  expect(await emulatorCommand(['--profiles', 'no/such/file.json'], missing.io)).toBe(2);
  expect(missing.err[0]).toMatch(/^converse-bench emulator: no\/such\/file\.json: cannot be read/);
});

test('a port in use: exit 2 naming the port', async () => {
  const first = io();
  const running = emulatorCommand(['--port', '0'], first.io);
  while (first.out.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const port = first.out[0]?.split(':').at(-1) ?? '';
  const second = io();
  expect(await emulatorCommand(['--port', port], second.io)).toBe(2);
  expect(second.err).toEqual([
    `converse-bench emulator: cannot listen on 127.0.0.1:${port} (EADDRINUSE); choose another --port or --host`,
  ]);
  first.stop();
  expect(await running).toBe(0);
});

test('--host "" is refused (it would listen on every interface), before listening', async () => {
  const t = io();
  expect(await emulatorCommand(['--host', '', '--port', '0'], t.io)).toBe(2);
  expect(t.err).toEqual([
    'converse-bench emulator: --host "": empty; give an address such as 127.0.0.1 (or 0.0.0.0 to serve every interface on purpose); run with --help for the options',
  ]);
  expect(t.out).toEqual([]);
});

test('an unresolvable --host: one line naming it, exit 2, no stack trace', async () => {
  const t = io();
  expect(await emulatorCommand(['--host', 'locahost.invalid', '--port', '0'], t.io)).toBe(2);
  expect(t.err).toHaveLength(1);
  expect(t.err[0]).toMatch(
    /^converse-bench emulator: cannot resolve --host locahost\.invalid \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\); give an address such as 127\.0\.0\.1 or a name this machine resolves$/,
  );
});
