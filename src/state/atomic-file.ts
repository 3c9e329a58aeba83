/**
 * Crash-safe file writes: write a temporary file beside the target, fsync it, rename it over the
 * target, fsync the directory. A reader sees the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file; 0o600 unless told otherwise: state holds tokens. */
  readonly mode?: number;
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.chmod(tmp, mode); // the umask may have narrowed or widened `open`'s mode
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    if (isCode(error, 'EBUSY') || isCode(error, 'EXDEV') || isCode(error, 'EPERM')) {
      // A single file bind-mounted by Docker cannot be replaced, only rewritten.
      await rewriteInPlace(file, data);
      return;
    }
    throw error;
  }
  await syncDirectory(dir);
}

async function rewriteInPlace(file: string, data: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.truncate(0);
    await handle.write(data, 0, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems (and Windows) refuse to fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** The file's text, or undefined when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}
