/**
 * Errors carry a literal `code` so callers branch on data, not on message text, and a `cause` so
 * nothing is lost. Messages never contain secrets: callers put identifiers, not values, in them.
 */
export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface ConfigIssue {
  /** The environment variable at fault. */
  readonly key: string;
  /** What was expected, in words. */
  readonly expected: string;
  /** A value that would be accepted. */
  readonly example: string;
  /** What was found and why it is wrong; absent for secrets, whose values are never shown. */
  readonly found?: string;
}

/** A bad configuration: start-up stops with exit code 2 and every bad key listed. */
export class ConfigError extends AppError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super('config_invalid', formatConfigIssues(issues));
    this.issues = issues;
  }
}

export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map(
    (i) => `  - ${i.key}: ${i.found ? `${i.found}; ` : ''}expected ${i.expected} (example: ${i.example})`,
  );
  const noun = issues.length === 1 ? 'variable is' : 'variables are';
  return `Invalid configuration: ${issues.length} ${noun} wrong.\n${lines.join('\n')}\nFix them in your .env (or the environment) and start again.`;
}

/** Wrong command-line usage: exit code 2. */
export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** An error whose message is safe and useful to show to the person who asked (CLI or chat). */
export class UserFacingError extends AppError {}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
