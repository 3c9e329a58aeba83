/**
 * HEARTBEAT_URL (e.g. a healthchecks.io check) is pinged after every scheduled run, with its
 * `/fail` form when the run failed: a bot that died, or stopped running its jobs, is noticed by
 * the monitor's missing ping, which no in-process alert could send.
 */
import type { Logger } from '../logger.js';

export interface HeartbeatOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly timeoutMs?: number;
  /** Waits between attempts; injected in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export class Heartbeat {
  private readonly log: Logger;
  constructor(private readonly options: HeartbeatOptions) {
    this.log = options.logger.child({ module: 'heartbeat' });
  }

  /** The URL to ping for a run's outcome: `…/fail` when it failed (healthchecks.io, Uptime Kuma push URLs accept a status instead). */
  urlFor(ok: boolean): string {
    const url = new URL(this.options.url);
    if (!ok) {
      if (url.searchParams.has('status')) url.searchParams.set('status', 'down');
      else url.pathname = `${url.pathname.replace(/\/+$/, '')}/fail`;
    }
    return url.toString();
  }

  /** Pings, retrying twice on failure; never throws (a monitor outage must not fail a run). */
  async ping(ok: boolean, summary: string): Promise<boolean> {
    const url = this.urlFor(ok);
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'oneflex-bot' },
          body: summary,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        await response.body?.cancel();
        if (response.ok) {
          this.log.debug('heartbeat sent', { ok });
          return true;
        }
        this.log.warn('heartbeat refused', { status: response.status, attempt });
        if (response.status < 500 && response.status !== 429) return false;
      } catch (error) {
        this.log.warn('heartbeat failed', { error: (error as Error).message, attempt });
      }
      if (attempt < 3) await sleep(attempt * 2000);
    }
    return false;
  }
}
