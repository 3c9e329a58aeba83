/** Promises that resolve when a condition becomes true, re-checked after every state change. */
export class Waiters {
  readonly #pending = new Set<() => void>();

  /** `owner` names the fake in timeout messages. */
  constructor(private readonly owner: string) {}

  notify(): void {
    for (const check of [...this.#pending]) check();
  }

  until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(check);
        reject(new Error(`${this.owner}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      timer.unref();
      const check = (): void => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          clearTimeout(timer);
          this.#pending.delete(check);
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value === undefined) return;
        clearTimeout(timer);
        this.#pending.delete(check);
        resolve(value);
      };
      this.#pending.add(check);
    });
  }
}
