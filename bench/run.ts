// `npm run bench`: every benchmark, printing figures (no assertions; targets are in the issues and the README).
// `npm run bench -- --agents 1000` runs the fleet through the relay at the size (bench/relay-fleet.ts).
import { benchEditor } from './editor.ts';
import { benchEventToWire } from './event-to-wire.ts';
import { benchKeptFailures } from './kept-failures.ts';
import { benchOutbox } from './outbox.bench.ts';
import { benchRelay } from './relay.bench.ts';
import { benchRelayFleet } from './relay-fleet.ts';
import { benchSize } from './size.ts';

await benchSize();
await benchEditor();
await benchOutbox();
await benchKeptFailures();
await benchEventToWire();
await benchRelay();
await benchRelayFleet();
