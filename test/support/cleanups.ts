/** Cleanups registered by a test: run after it, last registered first. */
export type Cleanup = () => Promise<void> | void;

/** Runs (and empties) `cleanups`, every one even when another fails; returns the failures. */
export async function runCleanups(cleanups: Cleanup[]): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      failures.push(error);
    }
  }
  return failures;
}
