/**
 * Imported first by the CLI entry point, before anything allocates much: the bot is I/O-bound and
 * mostly idle, so it trades a little collection work for a much smaller resident set (a NAS has
 * little memory to spare). Measured by `npm run bench` (resident memory, idle).
 */
import v8 from 'node:v8';

// A small young generation: the default 16 MB semi-spaces stay resident once touched.
v8.setFlagsFromString('--max-semi-space-size=1');
// Favour smaller heap and code over peak speed.
v8.setFlagsFromString('--optimize-for-size');
