/** The workspace source's settings (workspace-source.ts). */
import type { AmazonConnectApp, AmazonConnectService } from '@amazon-connect/app';

/** How the workspace source connects. */
export interface WorkspaceSourceOptions {
  /**
   * The provider `AmazonConnectApp.init` (or, in a third-party service, `AmazonConnectService.init`) returned, when
   * the page made one itself. By default the source makes an app's (once per window). An app in a contact's scope
   * follows that contact (the workspace gives it only that contact's events); an idle app and a service follow
   * every contact of the agent.
   */
  provider?: AmazonConnectApp | AmazonConnectService;
  /** How long to wait for the workspace's handshake (ms), when the source makes the provider. The SDK's default is 5000. */
  connectionTimeout?: number;
  /**
   * Reads the attributes of the followed contacts again every so many ms, for changes made between lifecycle events
   * (a flow, another app): the workspace has no attribute-change event. 0, the default, reads them at each event only.
   */
  refreshMs?: number;
  /**
   * The agent's login name, when the page knows it (from its own sign-in): the SDK gives the agent's name and ARN
   * but no login name, so without it `agent.username` stays empty (and so does a `{{agent.username}}` tag).
   */
  username?: string;
}
