import { describe, expect, it } from 'vitest';
import { LineCollector, createLogger } from '../../src/logger.js';
import { SecretRegistry } from '../../src/secrets.js';

describe('SecretRegistry', () => {
  it('masks registered values, JWTs and bearer headers', () => {
    const secrets = new SecretRegistry(['refresh-123456']);
    const text = secrets.scrub('rt=refresh-123456 jwt=eyJhbGciOiJI.eyJzdWIiOiJ1LTEifQ.abcdef auth=Bearer abcdefghijkl');
    expect(text).toBe('rt=*** jwt=*** auth=Bearer ***');
  });

  it('masks Discord authorization headers but not sentences about bots', () => {
    const secrets = new SecretRegistry();
    expect(secrets.scrub('Authorization: Bot MTE5ODc2NTQzMjE.G0abcd.x1y2z3')).toBe('Authorization: Bot ***');
    expect(secrets.scrub('slack bot connected; discord bot reconnecting')).toBe('slack bot connected; discord bot reconnecting');
  });

  it('learns tokens added later (rotation)', () => {
    const secrets = new SecretRegistry();
    secrets.add('rotated-refresh-token');
    expect(secrets.scrub('x rotated-refresh-token y')).toBe('x *** y');
  });
});

describe('logger', () => {
  it('scrubs secrets from messages, metadata and errors, in both formats', () => {
    for (const format of ['pretty', 'json'] as const) {
      const stream = new LineCollector();
      const secrets = new SecretRegistry(['super-secret-value']);
      const logger = createLogger({ level: 'debug', format, secrets, stream });
      logger.info('got super-secret-value', { token: 'super-secret-value', error: new Error('bad super-secret-value') });
      const out = stream.lines.join('\n');
      expect(out).not.toContain('super-secret-value');
      expect(out).toContain('***');
    }
  });
});
