/**
 * What the bot remembers about bookings (STATE_DIR/bookings.json): the bookings it made (so a
 * booking that later disappeared is known to be the user's cancellation, and so vacations cancel
 * only its own bookings) and the dates the user cancelled. Old entries are pruned.
 */
import { z } from 'zod';
import { JsonStateFile } from '../state/json-state.js';
import { addDays, type CalendarDate } from '../time.js';

const madeSchema = z.object({
  affectationIds: z.array(z.string()),
  deskId: z.string().nullable(),
  deskName: z.string().nullable(),
  spaceName: z.string().nullable(),
  moments: z.array(z.string()),
  at: z.string(),
});

const bookingsFileSchema = z.object({
  version: z.literal(1),
  made: z.record(z.string(), madeSchema),
  cancelledByUser: z.record(z.string(), z.string()),
});

export type MadeBooking = z.output<typeof madeSchema>;
export type BookingsFile = z.output<typeof bookingsFileSchema>;

export class BookingState {
  private readonly file: JsonStateFile<BookingsFile>;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = new JsonStateFile(stateDir, 'bookings.json', bookingsFileSchema);
  }

  async read(): Promise<BookingsFile> {
    return (await this.file.read()) ?? { version: 1, made: {}, cancelledByUser: {} };
  }

  /** Applies `change` to the latest state and saves it; changes are applied one at a time. */
  update(change: (state: BookingsFile) => void, today: CalendarDate): Promise<void> {
    const run = this.writes.then(async () => {
      const state = await this.read();
      change(state);
      const horizon = addDays(today, -7);
      for (const date of Object.keys(state.made)) if (date < horizon) delete state.made[date];
      for (const date of Object.keys(state.cancelledByUser)) if (date < horizon) delete state.cancelledByUser[date];
      await this.file.write(state);
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}
