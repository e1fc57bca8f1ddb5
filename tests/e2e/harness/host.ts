import { type Fixture, startFixture } from '../../fixtures/server';

/**
 * The loopback address the fixture listens on (port 443, which Firefox needs). Any address
 * in 127.0.0.0/8 works, so `SOTTO_E2E_HOST=127.0.0.2` lets a second e2e run share the
 * machine with the first; CI runs one and keeps the default.
 */
export const E2E_FIXTURE_HOST = process.env.SOTTO_E2E_HOST ?? '127.0.0.1';

/** The fixture as every e2e file uses it: https://x.com on the e2e loopback address. */
export function startE2EFixture(): Promise<Fixture> {
  return startFixture({ port: 443, host: E2E_FIXTURE_HOST });
}
