/** The workspace source's settings (workspace-source.ts). */
import type { AmazonConnectApp } from '@amazon-connect/app';

/** How the workspace source connects. */
export interface WorkspaceSourceOptions {
  /** The provider `AmazonConnectApp.init` returned, when the page made one itself. By default the source makes it (once per window). */
  provider?: AmazonConnectApp;
  /** How long to wait for the workspace's handshake (ms), when the source makes the provider. The SDK's default is 5000. */
  connectionTimeout?: number;
  /**
   * Which contacts to report: 'scope' (the default) reports only the app's contact when the workspace runs it in a
   * contact's scope (one app per contact, each following its own) and every contact in the idle scope; 'all' always
   * reports every contact.
   */
  follow?: 'scope' | 'all';
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
