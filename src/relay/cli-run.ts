/**
 * What the relay's two command lines (`npm run relay`, `npm run relay-worker`) share: a usage error exits with code 2
 * and a hint, any other failure with 1; `--config` is read as JSON and resolved, its problems told as usage errors;
 * SIGINT and SIGTERM stop the process cleanly.
 */
import { readFile } from 'node:fs/promises';
import { resolveRelayConfig, type ResolvedRelayConfig } from './config.ts';

/** Thrown for anything the user typed wrong; exits with code 2. */
export class UsageError extends Error {}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Reads the JSON file `--config` names and resolves it (`resolve` may first apply flags to what the file gives). */
export async function readConfigFile(
  file: string,
  resolve: (given: unknown) => ResolvedRelayConfig = resolveRelayConfig,
): Promise<ResolvedRelayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${messageOf(error)}`);
  }
  try {
    return resolve(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`bad --config ${file}: ${messageOf(error)}`);
  }
}

/** On SIGINT or SIGTERM: says so on stderr, runs `stop`, then exits 0 (1 if it failed). */
export function stopOnSignals(what: string, stop: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: ${what}`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** Runs a command line's `main` with the process's arguments; `name` prefixes a usage error. */
export function runCli(name: string, main: (argv: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${name}: ${error.message}\nRun with --help for the options.`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  });
}
