import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);

// The real build, not just the parser: a bad value must stop `wxt build` with its message.
test('a bad SOTTO_ICE_SERVERS fails the build with a clear message', async () => {
  const failure = await run('npx', ['wxt', 'build'], {
    env: {
      ...process.env,
      SOTTO_ICE_SERVERS: '[{"urls":"turn:relay.example"}]',
      SOTTO_OUT_DIR: '.output/should-not-exist',
    },
  }).then(
    () => null,
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  expect(failure).not.toBeNull();
  expect(failure!.code).not.toBe(0);
  expect(`${failure!.stdout}${failure!.stderr}`).toContain(
    'Sotto build configuration: SOTTO_ICE_SERVERS: entry 0: TURN servers need "username" and "credential"',
  );
});
