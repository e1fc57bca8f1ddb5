import { browserExecutable, selectedBrowsers } from './browsers';
import { buildExtensionForE2E } from './build';

/** Once per e2e run: fail fast on a missing browser, then build the shipped extension. */
export default function setup(): void {
  for (const name of selectedBrowsers()) browserExecutable(name);
  buildExtensionForE2E();
}
