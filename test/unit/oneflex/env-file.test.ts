import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceEnvValues, updateEnvFile } from '../../../src/oneflex/env-file.js';

describe('replaceEnvValues', () => {
  it('changes only the token lines, keeping comments, order, quotes and export', () => {
    const before = [
      '# my OneFlex bot',
      'ONEFLEX_TOKEN=old-access',
      '',
      '# refresh below',
      'export ONEFLEX_REFRESH_TOKEN="old-refresh"',
      'RESERVATION_TIME=00:01 # comment kept',
      '',
    ].join('\n');
    const after = replaceEnvValues(before, { ONEFLEX_TOKEN: 'new-access', ONEFLEX_REFRESH_TOKEN: 'new-refresh' });
    expect(after).toBe(
      [
        '# my OneFlex bot',
        'ONEFLEX_TOKEN=new-access',
        '',
        '# refresh below',
        'export ONEFLEX_REFRESH_TOKEN="new-refresh"',
        'RESERVATION_TIME=00:01 # comment kept',
        '',
      ].join('\n'),
    );
  });

  it('keeps Windows line endings and appends missing keys', () => {
    expect(replaceEnvValues('A=1\r\nONEFLEX_TOKEN=x\r\n', { ONEFLEX_TOKEN: 'y', ONEFLEX_REFRESH_TOKEN: 'z' })).toBe(
      'A=1\r\nONEFLEX_TOKEN=y\r\nONEFLEX_REFRESH_TOKEN=z\r\n',
    );
  });

  it('does not touch a commented-out token line', () => {
    expect(replaceEnvValues('# ONEFLEX_TOKEN=example\nONEFLEX_TOKEN=x\n', { ONEFLEX_TOKEN: 'y' })).toBe('# ONEFLEX_TOKEN=example\nONEFLEX_TOKEN=y\n');
  });
});

describe('updateEnvFile', () => {
  it('rewrites the file atomically, keeping its mode, with no temporary file left', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'envfile-'));
    const file = path.join(dir, '.env');
    await writeFile(file, 'ONEFLEX_TOKEN=a\nX=1\n', { mode: 0o640 });
    await updateEnvFile(file, { ONEFLEX_TOKEN: 'b' });
    expect(await readFile(file, 'utf8')).toBe('ONEFLEX_TOKEN=b\nX=1\n');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['.env']);
  });
});
