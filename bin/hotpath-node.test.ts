import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

const LAUNCHER = new URL('./hotpath-node', import.meta.url).pathname;

/** Runs the launcher on `cpus` (a taskset list) with HOTPATH_GC_THREADS=`mode`; node prints its flags and arguments. */
function launch(cpus: string, mode: string | undefined, args: string[] = [], more: Record<string, string> = {}): { status: number | null; flags: string[]; argv: string[]; stderr: string } {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', ...more };
  if (mode !== undefined) env['HOTPATH_GC_THREADS'] = mode;
  const r = spawnSync('taskset', ['-c', cpus, LAUNCHER, '-e', 'process.stdout.write(JSON.stringify([process.execArgv, process.argv.slice(1)]))', '--', ...args], { env, encoding: 'utf8' });
  const [flags, argv] = r.status === 0 ? (JSON.parse(r.stdout) as [string[], string[]]) : [[], []];
  return { status: r.status, flags, argv, stderr: r.stderr };
}

describe('bin/hotpath-node', () => {
  test('on one CPU the garbage collector runs single-threaded', () => {
    const r = launch('0', undefined);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.flags.includes('--single-threaded-gc'), r.flags.join(' '));
    assert.ok(r.flags.includes('--enable-source-maps'));
  });

  test('with two CPUs the garbage collector keeps its helper threads', { skip: availableParallelism() < 2 ? 'this machine gives the tests fewer than two CPUs' : false }, () => {
    const r = launch('0,1', 'auto');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.flags.includes('--single-threaded-gc'), r.flags.join(' '));
  });

  test('HOTPATH_GC_THREADS=single or parallel holds whatever the CPUs', () => {
    assert.ok(launch(availableParallelism() < 2 ? '0' : '0,1', 'single').flags.includes('--single-threaded-gc'));
    const parallel = launch('0', 'parallel');
    assert.equal(parallel.status, 0, parallel.stderr);
    assert.ok(!parallel.flags.includes('--single-threaded-gc'), parallel.flags.join(' '));
  });

  // The reliability tests cap the collector the same way (scripts/reliability/collector-process.ts).
  const CPU_CGROUP = '/sys/fs/cgroup/cpu';
  const noCgroup = process.getuid?.() !== 0 || !existsSync(`${CPU_CGROUP}/cgroup.procs`) ? 'needs root and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu' : false;
  test('a cgroup CPU quota under two CPUs counts as one CPU, and one of two or more does not', { skip: noCgroup || (availableParallelism() < 2 ? 'this machine gives the tests fewer than two CPUs' : false) }, () => {
    const dir = `${CPU_CGROUP}/hotpath-node-test-${process.pid}`;
    mkdirSync(dir);
    try {
      const flagsAt = (quotaUs: number): string[] => {
        writeFileSync(`${dir}/cpu.cfs_period_us`, '100000');
        writeFileSync(`${dir}/cpu.cfs_quota_us`, String(quotaUs));
        // The shell joins the cgroup, then becomes the launcher, which becomes node.
        const r = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec "$0" -p 'process.execArgv.join(" ")'`, LAUNCHER], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim().split(' ');
      };
      assert.ok(flagsAt(50_000).includes('--single-threaded-gc'), 'half a CPU');
      assert.ok(flagsAt(150_000).includes('--single-threaded-gc'), 'one and a half CPUs');
      assert.ok(!flagsAt(250_000).includes('--single-threaded-gc'), 'two and a half CPUs');
    } finally {
      rmdirSync(dir);
    }
  });

  test('an unknown HOTPATH_GC_THREADS value is refused with the values allowed, before node starts', () => {
    const r = launch('0', 'two');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /HOTPATH_GC_THREADS must be auto, single or parallel, not 'two'/);
  });

  test('semi-spaces of 8 MB by default, HOTPATH_SEMI_SPACE_MB to change them, 0 for V8\'s own size', () => {
    const semi = (flags: string[]): string[] => flags.filter((f) => f.startsWith('--max-semi-space-size'));
    assert.deepEqual(semi(launch('0', undefined).flags), ['--max-semi-space-size=8']);
    assert.deepEqual(semi(launch('0', 'parallel', [], { HOTPATH_SEMI_SPACE_MB: '16' }).flags), ['--max-semi-space-size=16']);
    assert.deepEqual(semi(launch('0', undefined, [], { HOTPATH_SEMI_SPACE_MB: '0' }).flags), []);
    for (const bad of ['x', '-1', '1.5', '8MB', '1000']) {
      const b = launch('0', undefined, [], { HOTPATH_SEMI_SPACE_MB: bad });
      assert.equal(b.status, 2, `'${bad}' accepted`);
      assert.match(b.stderr, /HOTPATH_SEMI_SPACE_MB must be a whole number of MB from 0 to 999/);
    }
  });

  test('arguments reach node unchanged, spaces and quotes included', () => {
    const args = ['--config', 'a file.yaml', "it's", ''];
    assert.deepEqual(launch('0', undefined, args).argv, args);
  });
});
