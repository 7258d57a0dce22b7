// The process: the only file that reads the environment, handles signals and calls process.exit.
// Exit codes: 0 after a clean shutdown, 1 when start-up fails (bad config, unusable database,
// port in use), 2 on a command-line usage error.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { loadConfig, redactedConfig } from './config/load-config.js';
import { createLogger } from './logging.js';
import { createHotpath, VERSION } from './app.js';
import { HotpathError } from './errors.js';

// How long SIGTERM may take before the process gives up on a clean drain: below Docker's 10 s
// default stop_grace_period, so the final flush happens before a SIGKILL would.
const SHUTDOWN_DEADLINE_MS = 8000;

async function main(): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig({ argv: process.argv.slice(2), env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
  } catch (e) {
    process.stderr.write(`hotpath: ${(e as Error).message}\n`);
    return 2;
  }
  if (loaded.kind === 'help') {
    process.stdout.write(loaded.text);
    return 0;
  }
  const config = loaded.config;
  // Process-wide, so here and not in app.ts; V8 reads it at every major GC, so setting it at start-up
  // (before the heap holds anything) acts as the command-line flag does: same RSS in bench runs.
  if (config.runtime.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.runtime.heapGrowthPercent}`);
  const logger = createLogger(config.log.level);
  logger.info({ version: VERSION, node: process.version, gc: process.execArgv.includes('--single-threaded-gc') ? 'single-threaded' : 'parallel', config: redactedConfig(config) }, 'starting');

  let app;
  try {
    app = createHotpath(config, logger);
    await app.start();
  } catch (e) {
    const msg = e instanceof HotpathError ? e.message : `start-up failed: ${(e as Error).message}`;
    logger.fatal({ err: e }, msg);
    process.stderr.write(`hotpath: ${msg}\n`);
    await app?.shutdown().catch(() => undefined);
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error('shutdown deadline passed; exiting without a clean drain');
        resolve(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      app.shutdown().then(
        () => {
          clearTimeout(deadline);
          resolve(0);
        },
        (e: unknown) => {
          logger.error({ err: e }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

process.on('uncaughtException', (e) => {
  // Input errors are caught where they arise; reaching here is a bug that leaves state unknown.
  // Exit so a supervisor restarts a clean process (the database is crash-safe: WAL).
  process.stderr.write(`hotpath: uncaught exception: ${e.stack ?? e.message}\n`);
  process.exit(1);
});

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`hotpath: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
