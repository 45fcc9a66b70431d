/**
 * `ccp-attributes/workspace`: the plugin in an Amazon Connect agent workspace third-party app. The workspace source
 * (the Amazon Connect SDK, loaded on first use) takes Streams' place behind the tracker; the editor, the rules and
 * the outbox are the same. `createWorkspaceAttributes` is `createCcpAttributes` with that source.
 */
import { createCcpAttributes, type CcpAttributesPlugin, type CcpAttributesPluginOptions } from './plugin.ts';
import { WorkspaceContactSource, type WorkspaceSourceOptions } from './tracker/workspace-source.ts';

export { WorkspaceContactSource, createWorkspaceTracker } from './tracker/workspace-source.ts';
export type {
  WorkspacePermission,
  WorkspaceScope,
  WorkspaceSourceOptions,
  WorkspaceTrackerOptions,
} from './tracker/workspace-source.ts';

/** The plugin's options in a workspace app: no CCP to find (`tracker`), the workspace source's own settings instead. */
export type WorkspaceAttributesOptions = Omit<CcpAttributesPluginOptions, 'tracker' | 'source'> & {
  /** How the workspace source connects and which contacts it follows. */
  workspace?: WorkspaceSourceOptions | undefined;
};

/** The assembled plugin, with its workspace source (its scope, and the permissions the workspace refused). */
export interface WorkspaceAttributesPlugin extends CcpAttributesPlugin {
  readonly source: WorkspaceContactSource;
}

/** Assembles the plugin over the agent workspace: connects to the workspace and follows the app's contact. */
export async function createWorkspaceAttributes(
  options: WorkspaceAttributesOptions = {},
): Promise<WorkspaceAttributesPlugin> {
  const { workspace, ...rest } = options;
  const source = new WorkspaceContactSource(workspace);
  const plugin = await createCcpAttributes({ ...rest, source });
  return Object.assign(plugin, { source });
}
