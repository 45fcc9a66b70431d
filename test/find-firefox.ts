// Stops the Firefox browser tests at once, with a readable message, when no Firefox can be found.
import { findFirefox } from './firefox.ts';

if (!findFirefox()) {
  console.error(
    'No Firefox found for the Firefox browser tests.\n' +
      "Install Debian's firefox-esr (as root: apt-get update && apt-get install -y firefox-esr),\n" +
      'or point FIREFOX_PATH at a Firefox executable.',
  );
  process.exit(1);
}
