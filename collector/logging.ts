// Structured JSON logs on stdout (pino). Lifecycle events are logged; per-span or per-request
// events never are (OTel Collector guideline), and errors on the ingest path go through a limiter
// so a misbehaving client cannot flood the log.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hotpath' },
      // The Django package's capture secret and any bearer token must never reach a log line.
      redact: { paths: ['*.token', '*.authorization', 'headers.authorization', '*["x-hotpath-capture"]'], censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as never,
  );
}

/** Logs at most `perSecond` messages a second per key; the rest are counted and reported once. */
export function rateLimited(logger: Logger, perSecond = 10, now: () => number = Date.now): (key: string, msg: string, err?: unknown) => void {
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  return (key, msg, err) => {
    const t = now();
    if (t - windowStart >= 1000) {
      if (suppressed > 0) logger.warn({ suppressed }, 'suppressed repeated errors');
      windowStart = t;
      inWindow = 0;
      suppressed = 0;
    }
    if (inWindow >= perSecond) {
      suppressed++;
      return;
    }
    inWindow++;
    logger.error({ key, err }, msg);
  };
}
