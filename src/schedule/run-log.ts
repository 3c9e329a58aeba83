/**
 * STATE_DIR/runs.json: when the scheduled run last started and finished, with its counts, and
 * the day of the last reminder. It is what makes a missed run caught up at start-up, and never
 * run twice for the same day.
 */
import { z } from 'zod';
import { JsonStateFile } from '../state/json-state.js';

const runSchema = z.object({
  day: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: z.record(z.string(), z.number()).nullable(),
  ok: z.boolean().nullable(),
});

const runsFileSchema = z.object({
  version: z.literal(1),
  lastRun: runSchema.nullable(),
  lastReminderDay: z.string().nullable(),
});

export type RunRecord = z.output<typeof runSchema>;
export type RunsFile = z.output<typeof runsFileSchema>;

export class RunLog {
  private readonly file: JsonStateFile<RunsFile>;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = new JsonStateFile(stateDir, 'runs.json', runsFileSchema);
  }

  async read(): Promise<RunsFile> {
    return (await this.file.read()) ?? { version: 1, lastRun: null, lastReminderDay: null };
  }

  update(change: (file: RunsFile) => void): Promise<void> {
    const run = this.writes.then(async () => {
      const file = await this.read();
      change(file);
      await this.file.write(file);
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}
