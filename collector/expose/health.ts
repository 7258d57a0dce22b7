// /livez, /readyz and /metrics, mounted on the API server outside its token check: orchestrators
// and Prometheus must reach them without the API token. Kubernetes conventions: /livez only says
// the process answers; /readyz is 503 while draining or while storage cannot write, and
// `?verbose` lists each check for a human.
import type { Express, Request, Response } from 'express';

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface HealthSource {
  checks(): HealthCheck[];
  /** `names`: only these metric families (`/metrics?name=a&name=b`). */
  scrape(accept: string | undefined, names?: readonly string[]): Promise<{ contentType: string; body: string }>;
}

export function healthRoutes(app: Express, source: HealthSource, onReady: (ready: boolean) => void = () => undefined): void {
  app.get('/livez', (_req: Request, res: Response) => {
    res.type('text/plain').send('ok\n');
  });
  const ready = (req: Request, res: Response): void => {
    const checks = source.checks();
    const ok = checks.every((c) => c.ok);
    onReady(ok);
    res.status(ok ? 200 : 503);
    if (req.query['verbose'] !== undefined) res.json({ ready: ok, checks });
    else res.type('text/plain').send(ok ? 'ok\n' : `not ready: ${checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')}\n`);
  };
  app.get('/readyz', ready);
  app.get('/healthz', ready);
  app.get('/metrics', async (req: Request, res: Response) => {
    try {
      const q = req.query['name'];
      const names = q === undefined ? undefined : (Array.isArray(q) ? q : [q]).filter((n): n is string => typeof n === 'string');
      const out = await source.scrape(req.headers.accept, names);
      res.set('Content-Type', out.contentType).send(out.body);
    } catch (e) {
      res.status(500).type('text/plain').send(`metrics unavailable: ${(e as Error).message}\n`);
    }
  });
}
