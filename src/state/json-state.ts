/**
 * Versioned JSON state files under STATE_DIR. Each file is `{ "version": N, ... }`; a reader
 * accepts every version it knows and upgrades it, so state written by an older bot survives an
 * upgrade. A file that cannot be read is an error with the file's path, never a silent reset.
 */
import path from 'node:path';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';

export class StateFileError extends AppError {
  constructor(file: string, reason: string, cause?: unknown) {
    super('state_invalid', `State file ${file} is unreadable (${reason}). Move it aside to start afresh.`, { cause });
  }
}

export class JsonStateFile<T> {
  readonly file: string;
  constructor(
    stateDir: string,
    name: string,
    private readonly schema: z.ZodType<T>,
  ) {
    this.file = path.join(stateDir, name);
  }

  async read(): Promise<T | undefined> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(this.file, 'not JSON', error);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) throw new StateFileError(this.file, parsed.error.issues[0]?.message ?? 'unexpected shape');
    return parsed.data;
  }

  async write(value: T): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  }
}
