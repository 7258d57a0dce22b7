// Where the collector allocates what outlives the young generation. Runs the built collector with
// V8's sampling heap profiler set to drop objects that a scavenge collected, so what remains was
// promoted to the old generation (garbage a major GC collects, or still live). Those bytes set how
// fast the old generation grows, and with it RSS and major-GC work. On SIGUSR2 it writes the top
// allocation sites (last three frames) to a file in the temp directory and names it on stderr.
// Run: node --import tsx bench/memory-diag.ts 60000 3600 14 --main=bench/promoted-main.mjs --snapshot-at=13
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: false,
});

process.on('SIGUSR2', async () => {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const bySite = new Map();
  const walk = (node, stack) => {
    const f = node.callFrame;
    const frames = [...stack, `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${f.lineNumber}`];
    if (node.selfSize > 0) {
      const site = frames.slice(-3).reverse().join(' < ');
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, frames);
  };
  walk(profile.head, []);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  const rows = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 40);
  const text = [`${(total / 1e6).toFixed(0)} MB sampled (promoted or live)`, ...rows.map(([site, bytes]) => `${(bytes / 1e6).toFixed(1).padStart(7)} MB  ${site}`)].join('\n');
  const file = join(tmpdir(), `hotpath-promoted-${process.pid}.txt`);
  writeFileSync(file, text + '\n');
  process.stderr.write(`promoted allocation sites: ${file}\n`);
});

await import(new URL('../dist/collector/main.js', import.meta.url).href);
