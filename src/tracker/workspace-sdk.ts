/**
 * The Amazon Connect SDK half of the workspace source, loaded on first use by a dynamic import so that a page
 * running under Streams never downloads it. Nothing else in the plugin imports @amazon-connect/* at runtime.
 */
export { AmazonConnectApp, AmazonConnectService } from '@amazon-connect/app';
export { AgentClient, ContactClient } from '@amazon-connect/contact';
