/**
 * STATE_DIR/settings.json: what people change from chat without editing the .env: vacations
 * (merged with VACATION_DATES) and whether the scheduled booking is paused.
 */
import { z } from 'zod';
import { JsonStateFile } from './json-state.js';

const rangeSchema = z.object({ start: z.string(), end: z.string() });

const settingsSchema = z.object({
  version: z.literal(1),
  vacations: z.array(rangeSchema),
  paused: z.object({ since: z.string(), by: z.string() }).nullable(),
});

export type UserSettings = z.output<typeof settingsSchema>;
export type VacationRange = z.output<typeof rangeSchema>;

export class UserSettingsStore {
  private readonly file: JsonStateFile<UserSettings>;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = new JsonStateFile(stateDir, 'settings.json', settingsSchema);
  }

  async read(): Promise<UserSettings> {
    return (await this.file.read()) ?? { version: 1, vacations: [], paused: null };
  }

  /** Read-modify-write, one at a time; returns the new settings. */
  update(change: (settings: UserSettings) => void): Promise<UserSettings> {
    const run = this.writes.then(async () => {
      const settings = await this.read();
      change(settings);
      settings.vacations.sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
      await this.file.write(settings);
      return settings;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}
