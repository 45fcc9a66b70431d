// Stops the browser tests at once, with a readable message, when no Chromium can be found.
import { findChromium } from './chromium.ts';

if (!findChromium()) {
  console.error(
    'No Chromium found for the browser tests.\n' +
      "Install Debian's chromium (as root: apt-get update && apt-get install -y chromium),\n" +
      'or point CHROME_PATH at a Chromium or Chrome executable.',
  );
  process.exit(1);
}
