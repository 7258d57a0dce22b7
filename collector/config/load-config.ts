// Layers the settings table: CLI flag > env var > YAML file > default, then validates every value
// once at start-up. Pure: the caller (main.ts) hands in argv, env and a file reader.
import { Command, CommanderError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { HotpathError } from '../errors.js';
import { CONFIG_FILE_ENV, SETTINGS, type Setting } from './settings.js';

export interface HotpathConfig {
  listen: { host: string };
  otlp: { grpcPort: number; grpcFlowControlWindow: number; httpPort: number; httpPath: string };
  api: { port: number; token: string; thread: boolean; threadNice: number };
  ingest: {
    token: string;
    maxBodyBytes: number;
    maxDecompressedBytes: number;
    maxAttributeLength: number;
    queueMaxSpans: number;
    retryAfterSeconds: number;
  };
  assembler: { graceMs: number; idleTimeoutMs: number; maxRequestsInFlight: number; maxSpansPerRequest: number; maxSpansInFlight: number };
  analysis: {
    nPlusOneMinCount: number;
    nPlusOneMinTotalMs: number;
    nPlusOneCountOnly: boolean;
    duplicateMinCount: number;
    slowQueryMs: number;
    slowQueryRouteOverrides: Record<string, number>;
    largeResultRows: number;
    cacheHeavyCalls: number;
    writeLoopMinCount: number;
    slowTemplateMs: number;
    slowMiddlewareMs: number;
    fingerprintCacheSize: number;
  };
  storage: { path: string; flushIntervalMs: number; maxFlushIntervalMs: number; flushShare: number; storeRawSql: boolean };
  retention: { minuteHours: number; hourDays: number; logDays: number; maxSamplesPerRoute: number; samplesPerRoutePerMinute: number };
  metrics: {
    maxRoutesPerService: number;
    maxServices: number;
    maxTemplates: number;
    maxMiddleware: number;
    seriesTtlMinutes: number;
  };
  runtime: { heapGrowthPercent: number };
  log: { level: string };
}

export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string;
}

export type LoadResult = { kind: 'config'; config: HotpathConfig } | { kind: 'help'; text: string };

function optionName(setting: Setting): string {
  // commander's camel-cased attribute name for a --kebab-case flag
  return setting.flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function buildCommand(): Command {
  const cmd = new Command('hotpath')
    .description('Hotpath: production bottleneck finder for Django, fed by OpenTelemetry (OTLP)')
    .option('--config <file>', `YAML config file (env ${CONFIG_FILE_ENV})`)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  for (const st of SETTINGS) {
    const def = st.secret ? '(none)' : JSON.stringify(st.default);
    cmd.option(`${st.flag} <value>`, `${st.help} [env ${st.env}; default ${def}]`);
  }
  return cmd;
}

export function helpText(): string {
  return buildCommand().helpInformation();
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** Keys in the file that no setting knows: a typo there must not be silently ignored. */
function unknownFileKeys(file: unknown, prefix = ''): string[] {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) return [];
  const known = new Set(SETTINGS.map((s) => s.key));
  const out: string[] = [];
  for (const [k, v] of Object.entries(file as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (known.has(path)) continue;
    if (v !== null && typeof v === 'object' && SETTINGS.some((s) => s.key.startsWith(path + '.'))) {
      out.push(...unknownFileKeys(v, path));
    } else {
      out.push(path);
    }
  }
  return out;
}

function readConfigFile(path: string, readFile: ConfigSources['readFile']): unknown {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new HotpathError('CONFIG_INVALID', `cannot read config file ${path}: ${(e as Error).message}`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (e) {
    throw new HotpathError('CONFIG_INVALID', `config file ${path} is not valid YAML: ${(e as Error).message}`);
  }
}

export function loadConfig(src: ConfigSources): LoadResult {
  const cmd = buildCommand();
  try {
    cmd.parse(src.argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError && e.code === 'commander.helpDisplayed') return { kind: 'help', text: cmd.helpInformation() };
    const msg = e instanceof Error ? e.message.replace(/^error: /, '') : String(e);
    throw new HotpathError('CONFIG_INVALID', `${msg} (see --help)`);
  }
  const cli = cmd.opts<Record<string, string | undefined>>();
  const filePath = cli['config'] ?? src.env[CONFIG_FILE_ENV];
  const file = filePath ? readConfigFile(filePath, src.readFile) : {};
  const unknown = unknownFileKeys(file);
  if (unknown.length > 0) {
    throw new HotpathError('CONFIG_INVALID', `unknown key(s) in config file ${filePath}: ${unknown.join(', ')}`);
  }

  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const st of SETTINGS) {
    const fromCli = cli[optionName(st)];
    const fromEnv = src.env[st.env];
    const fromFile = getPath(file, st.key);
    const [raw, origin] =
      fromCli !== undefined ? [fromCli, st.flag]
      : fromEnv !== undefined && fromEnv !== '' ? [fromEnv, st.env]
      : fromFile !== undefined ? [fromFile, `${st.key} in ${filePath}`]
      : [st.default, 'default'];
    const parsed = st.schema.safeParse(raw);
    if (parsed.success) {
      setPath(out, st.key, parsed.data);
    } else {
      const shown = st.secret ? '(secret)' : JSON.stringify(raw);
      problems.push(`${origin}: ${shown} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length > 0) throw new HotpathError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  return { kind: 'config', config: out as unknown as HotpathConfig };
}

/** The effective configuration with secrets masked, for the start-up log line. */
export function redactedConfig(config: HotpathConfig): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const st of SETTINGS) if (st.secret && getPath(copy, st.key)) setPath(copy, st.key, '***');
  return copy;
}
