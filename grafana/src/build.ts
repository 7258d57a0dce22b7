// Writes the dashboards to grafana/dashboards/*.json (committed, so Docker users need no Node).
//   node --import tsx grafana/src/build.ts          regenerate
//   node --import tsx grafana/src/build.ts --check  exit 1 if the committed JSON is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collector } from './collector.js';
import { endpoint } from './endpoint.js';
import { findings } from './findings.js';
import { overview } from './overview.js';
import { queries } from './queries.js';

export const DASHBOARDS: Record<string, Record<string, unknown>> = {
  'hotpath-overview.json': overview,
  'hotpath-endpoint.json': endpoint,
  'hotpath-queries.json': queries,
  'hotpath-findings.json': findings,
  'hotpath-collector.json': collector,
};

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');

function main(check: boolean): number {
  let stale = 0;
  for (const [file, dash] of Object.entries(DASHBOARDS)) {
    const path = join(outDir, file);
    const text = `${JSON.stringify(dash, null, 2)}\n`;
    if (!check) {
      writeFileSync(path, text);
      continue;
    }
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      console.error(`stale: ${path} (run node --import tsx grafana/src/build.ts)`);
      stale++;
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.includes('--check'));
