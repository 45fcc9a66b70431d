/**
 * The agent workspace service's setup: the app page's configuration (components/workspace-app-setup.ts), the
 * plugin's options (components/drop-in-setup.ts), and the sign-in check the service waits on (the token the
 * configuration names: a storage key, or a function of the page's).
 */
import type { AmazonConnectService } from '@amazon-connect/app';
import { loginToken, pluginOptions } from './drop-in-setup.ts';
import { readWorkspaceConfig } from './workspace-app-setup.ts';
import { createWorkspaceService, type WorkspaceService } from '../src/workspace-service.ts';

/** Reads the configuration and starts the service over `provider`. */
export async function start(script: HTMLScriptElement, provider: AmazonConnectService): Promise<WorkspaceService> {
  const config = await readWorkspaceConfig(script);
  const options = await pluginOptions(config);
  const token = config.relay?.token ?? config.cognito?.token;
  return createWorkspaceService({
    ...options,
    provider,
    ...(token ? { signedIn: () => loginToken(token).then(() => true) } : {}),
  });
}
