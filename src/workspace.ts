/**
 * `ccp-attributes/workspace`: the plugin in an Amazon Connect agent workspace third-party app. The workspace source
 * (the Amazon Connect SDK, loaded on first use) takes Streams' place behind the tracker; the editor, the rules and
 * the outbox are the same. `createWorkspaceAttributes` is `createCcpAttributes` with that source;
 * `createWorkspaceService` runs the rules and the sending in the workspace's third-party service
 * (workspace-service.ts).
 */
import { createCcpAttributes, type CcpAttributesPlugin, type CcpAttributesPluginOptions } from './plugin.ts';
import { onAppDestroy } from './tracker/workspace-provider.ts';
import { WorkspaceContactSource, type WorkspaceSourceOptions } from './tracker/workspace-source.ts';
import { followService } from './workspace-sending.ts';

export { WorkspaceContactSource, createWorkspaceTracker } from './tracker/workspace-source.ts';
export type {
  VisualMode,
  WorkspacePermission,
  WorkspaceScope,
  WorkspaceSourceOptions,
  WorkspaceTrackerOptions,
} from './tracker/workspace-source.ts';
export { DESTROY_BOUND_MS } from './tracker/workspace-provider.ts';
export { createWorkspaceService } from './workspace-service.ts';
export type { WorkspaceService, WorkspaceServiceOptions } from './workspace-service.ts';

/** The plugin's options in a workspace app: no CCP to find (`tracker`), the workspace source's own settings instead. */
export type WorkspaceAttributesOptions = Omit<CcpAttributesPluginOptions, 'tracker' | 'source'> & {
  /** How the workspace source connects. */
  workspace?: WorkspaceSourceOptions | undefined;
  /**
   * True (the default): while a ccp-attributes service runs on this origin (createWorkspaceService), this app
   * leaves it the rules and the sending; its writes go into the shared outbox, which the service sends.
   */
  deferToService?: boolean | undefined;
};

/** The assembled plugin, with its workspace source (its scope, and the permissions the workspace refused). */
export interface WorkspaceAttributesPlugin extends CcpAttributesPlugin {
  readonly source: WorkspaceContactSource;
  /** True while a ccp-attributes service of this origin runs the rules and sends (see `deferToService`). */
  readonly serviceRuns: boolean;
}

/**
 * Assembles the plugin over the agent workspace: connects to the workspace and follows the app's contact. When the
 * workspace destroys the app, its pending writes are sent first, within DESTROY_BOUND_MS.
 */
export async function createWorkspaceAttributes(
  options: WorkspaceAttributesOptions = {},
): Promise<WorkspaceAttributesPlugin> {
  const { workspace, deferToService = true, ...rest } = options;
  const source = new WorkspaceContactSource(workspace);
  const plugin = await createCcpAttributes({ ...rest, source });
  const { outbox, tagger } = plugin;
  let serviceRuns = false;
  const undo: (() => void)[] = [];
  if (outbox) {
    // The writes the agent saved just before closing the app: sent (or handed to the sender) before the page goes.
    undo.push(onAppDestroy(() => outbox.sendPending()));
    if (deferToService) {
      undo.push(
        followService((runs) => {
          serviceRuns = runs;
          tagger?.setActive(!runs);
          if (runs) void outbox.yieldSending();
          else outbox.resumeSending();
        }),
      );
    }
  }
  const dispose = plugin.dispose.bind(plugin);
  plugin.dispose = () => {
    for (const off of undo) off();
    dispose();
  };
  Object.defineProperty(plugin, 'serviceRuns', { get: () => serviceRuns, enumerable: true });
  return Object.assign(plugin as CcpAttributesPlugin & { readonly serviceRuns: boolean }, { source });
}
