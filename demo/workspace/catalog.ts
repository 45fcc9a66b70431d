/**
 * What an administrator registers in the stand-in workspace: third-party apps (opened from the launcher) and
 * third-party services (started with the workspace), and the configuration the workspace hands each one in its
 * lifecycle message (workspace-types/lib/config/: ConfigBase, IFrameConfig, ServiceConfig, AppConfig).
 */
import type { AppConfig } from '@amazon-connect/workspace-types';
import { ALL_PERMISSIONS } from './permissions.ts';

/** The workspace's default iframe sandbox: a frame registered without its own `iframeConfig.sandbox` gets these. */
export const DEFAULT_SANDBOX = ['allow-forms', 'allow-popups', 'allow-same-origin', 'allow-scripts'] as const;

/** A service gets 30 s for its initialization (AWS guide, "Building third-party services"). */
export const SERVICE_INITIALIZATION_TIMEOUT = 30_000;

/** One registered app or service. */
export interface FrameDefinition {
  /** Its name in the catalog (also its id and namespace); launchApp takes it or the ARN. */
  name: string;
  /** The access URL the frame loads (relative URLs resolve against the workspace page). */
  url: string;
  /** Default every permission the stand-in knows. */
  permissions?: readonly string[];
  /** `iframeConfig.sandbox`; default DEFAULT_SANDBOX. */
  sandbox?: readonly string[];
  /** `iframeConfig.allow` (the iframe's `allow` attribute). */
  allow?: readonly string[];
  /**
   * Origins besides the access URL's that may answer the handshake (the instance's "Approved origins" for pages
   * the frame navigates to). A handshake from any other origin is ignored.
   */
  approvedOrigins?: readonly string[];
  /** ms between the frame's health checks; 0 turns them off. Default 1000. */
  healthCheckInterval?: number;
  /** How getAttributes values are shaped (the SDK's types say strings, the public docs show `{name, value}`). */
  attributeShape?: AttributeShape;
  /**
   * ms the frame gets to connect and complete `create` (ConfigBase.initializationTimeout, workspace-types
   * lib/config/config-base.d.ts; AppIntegrations' InitializationTimeout). A service that misses it fails the
   * workspace (default SERVICE_INITIALIZATION_TIMEOUT); an app that misses it is reported as timed out and never
   * started (default: no bound).
   */
  initializationTimeout?: number;
}

/** How the workspace shapes getAttributes values. Default 'name-value'. */
export type AttributeShape = 'string' | 'name-value';

/** A third-party app. */
export interface AppDefinition extends FrameDefinition {
  /** Registration-time contact handling (AppIntegrations ContactHandling.Scope). Default PER_CONTACT. */
  contactHandling?: 'PER_CONTACT' | 'CROSS_CONTACTS';
}

/** A third-party service. */
export type ServiceDefinition = FrameDefinition;

/** The configuration sent in the lifecycle message (AppConfig; a service's adds ServiceConfig's fields). */
export function configOf(
  definition: AppDefinition | ServiceDefinition,
  kind: 'app' | 'service',
  where: { region: string; account: string },
): AppConfig & Record<string, unknown> {
  const config: AppConfig & Record<string, unknown> = {
    arn: arnOf(definition.name, where),
    namespace: definition.name,
    id: definition.name,
    name: definition.name,
    description: kind === 'service' ? 'Third-party service' : 'Third-party app',
    accessUrl: new URL(definition.url, location.href).href,
    _type: 'iframe',
    permissions: [...(definition.permissions ?? ALL_PERMISSIONS)],
    iframeConfig: { allow: [...(definition.allow ?? [])], sandbox: [...(definition.sandbox ?? DEFAULT_SANDBOX)] },
  };
  if (kind === 'service') {
    config['applyToAgentWorkspace'] = true;
    config['initializationTimeout'] = definition.initializationTimeout ?? SERVICE_INITIALIZATION_TIMEOUT;
  } else {
    config.contactHandling = { scope: (definition as AppDefinition).contactHandling ?? 'PER_CONTACT' };
    if (definition.initializationTimeout !== undefined) config.initializationTimeout = definition.initializationTimeout;
  }
  return config;
}

/** The app's ARN in AppIntegrations. */
export function arnOf(name: string, where: { region: string; account: string }): string {
  return `arn:aws:app-integrations:${where.region}:${where.account}:application/${name}`;
}

/** The origins allowed to answer the handshake of a frame loading `definition`. */
export function approvedOriginsOf(definition: FrameDefinition): ReadonlySet<string> {
  return new Set([new URL(definition.url, location.href).origin, ...(definition.approvedOrigins ?? [])]);
}

/** Makes the frame for `definition`: its sandbox and allow attributes as the workspace sets them. */
export function frameFor(definition: FrameDefinition, title: string): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  iframe.title = title;
  iframe.setAttribute('sandbox', (definition.sandbox ?? DEFAULT_SANDBOX).join(' '));
  if (definition.allow?.length) iframe.allow = definition.allow.join('; ');
  return iframe;
}
