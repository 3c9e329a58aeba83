/**
 * The outbox: one file per event under `STATE_DIR/outbox/`, written (atomically, fsynced) before
 * the event's first delivery attempt, rewritten each time a channel accepts it, deleted when every
 * channel it was routed to has. After a crash or a restart the bot sends what is left, and never
 * again to a channel that already accepted it.
 *
 * Several processes may share STATE_DIR (the long-running bot and a one-off `oneflex-bot book`):
 * each file names its owner (`host:pid`), and a process adopts only its own files, files of a
 * previous run with its pid (pid 1 in Docker), and files whose owner is no longer alive.
 */
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isCode, writeFileAtomic } from '../state/atomic-file.js';
import { EVENT_TYPES, type BotEvent } from './events.js';

const HOST = hostname();
const OWNER = `${HOST}:${process.pid}`;

const entrySchema = z.object({
  version: z.literal(1),
  owner: z.string(),
  /** ISO instant the event entered the outbox. */
  queuedAt: z.string(),
  /** Channels that have not accepted the event yet. */
  pending: z.array(z.string()),
  event: z.looseObject({ id: z.string(), type: z.enum(EVENT_TYPES), at: z.string() }),
});

export interface OutboxEntry {
  readonly name: string;
  readonly event: BotEvent;
  readonly queuedAt: string;
  /** Channel ids still to deliver to, mutated as channels accept. */
  readonly pending: Set<string>;
}

export class Outbox {
  readonly dir: string;
  private sequence = 0;
  /** Per file: the chain of writes, so a file's writes land in order. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'outbox');
  }

  /** Creates the entry and its file; resolves once the file is durable. */
  add(event: BotEvent, channelIds: readonly string[], now: number): { entry: OutboxEntry; written: Promise<void> } {
    const name = `${String(now).padStart(14, '0')}-${String(this.sequence++).padStart(6, '0')}-${event.id}.json`;
    const entry: OutboxEntry = { name, event, queuedAt: new Date(now).toISOString(), pending: new Set(channelIds) };
    return { entry, written: this.save(entry) };
  }

  /** Records the entry's pending set: rewrites its file, or deletes it once nothing is pending. */
  save(entry: OutboxEntry): Promise<void> {
    const file = path.join(this.dir, entry.name);
    const snapshot = entry.pending.size
      ? `${JSON.stringify({ version: 1, owner: OWNER, queuedAt: entry.queuedAt, pending: [...entry.pending], event: entry.event })}\n`
      : undefined;
    const previous = this.writes.get(entry.name) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => (snapshot ? writeFileAtomic(file, snapshot, { mode: 0o600 }) : fs.rm(file, { force: true })));
    this.writes.set(entry.name, next);
    void next.finally(() => {
      if (this.writes.get(entry.name) === next) this.writes.delete(entry.name);
    }).catch(() => undefined);
    return next;
  }

  /** Entries left by earlier runs (or dead processes), oldest first. Unreadable files are moved aside, never lost. */
  async adopt(known: ReadonlySet<string>): Promise<{ entries: OutboxEntry[]; problems: string[] }> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    } catch (error) {
      if (isCode(error, 'ENOENT')) return { entries: [], problems: [] };
      throw error;
    }
    const entries: OutboxEntry[] = [];
    const problems: string[] = [];
    for (const name of names) {
      if (known.has(name)) continue;
      const file = path.join(this.dir, name);
      let parsed: z.infer<typeof entrySchema>;
      try {
        parsed = entrySchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
      } catch (error) {
        if (isCode(error, 'ENOENT')) continue; // delivered meanwhile by its owner
        await fs.rename(file, `${file}.unreadable`).catch(() => undefined);
        problems.push(`outbox file ${name} is unreadable; moved aside as ${name}.unreadable`);
        continue;
      }
      if (!isAdoptable(parsed.owner)) continue;
      entries.push({ name, event: parsed.event as unknown as BotEvent, queuedAt: parsed.queuedAt, pending: new Set(parsed.pending) });
    }
    return { entries, problems };
  }

  /** Waits for every write started so far. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }
}

function isAdoptable(owner: string): boolean {
  if (owner === OWNER) return true;
  const [host, pidText] = owner.split(':');
  if (host !== HOST) return true; // another container or machine: its process is gone
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false; // alive: it delivers its own events
  } catch (error) {
    return isCode(error, 'ESRCH');
  }
}
