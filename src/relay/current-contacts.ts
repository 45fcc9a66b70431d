/**
 * Agents' current contacts from GetCurrentUserData, many callers per call: the worker's questions that arrive while a
 * call waits for its slot (GetCurrentUserData is paced under its own quota) share the next call, up to 100 distinct
 * user ids, the most its `Agents` filter takes (Amazon Connect API Reference, GetCurrentUserData: "Agents: 100";
 * client-connect dist-types/models/models_2.d.ts `UserDataFilters`). Each answer holds a user's contacts that the agent
 * has not cleared yet (client-connect `AgentContactReference`); a user the answer leaves out has none.
 * Questions about one instance only share a call (the instance is the call's path). No I/O but the injected client.
 */
import {
  GetCurrentUserDataCommand,
  type AgentContactReference,
  type ConnectClient,
  type GetCurrentUserDataCommandOutput,
} from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import type { Pacer } from './pacer.ts';

/** The most user ids in one call's Agents filter. */
export const maxAgentsPerCall = 100;

/** Options of the batcher. */
export interface CurrentContactsOptions {
  connect: ConnectClient;
  /** GetCurrentUserData's pacer: each call (each page) takes a slot. */
  pacer: Pacer;
  /** The deadline of one call, from its slot (ms). */
  timeoutMs: number;
}

/** The batcher. */
export interface CurrentContacts {
  /**
   * `userId`'s current contacts in `instanceId`; rejects with the call's error (each waiter of a failed call gets it)
   * or with `signal`'s reason when it aborts first.
   */
  of(instanceId: string, userId: string, signal?: AbortSignal): Promise<AgentContactReference[]>;
}

interface Waiter {
  resolve(contacts: AgentContactReference[]): void;
  reject(error: Error): void;
}

/** A batcher of GetCurrentUserData calls. */
export function createCurrentContacts(options: CurrentContactsOptions): CurrentContacts {
  const { connect, pacer, timeoutMs } = options;
  /** Per instance, per user id (in the order first asked), the questions waiting for a call. */
  const pending = new Map<string, Map<string, Waiter[]>>();
  let running = false;

  /** Calls as long as questions wait; each call takes the questions waiting when its slot comes. */
  async function run(): Promise<void> {
    running = true;
    try {
      while (pending.size > 0) {
        await pacer.take();
        const [instanceId, users] = pending.entries().next().value ?? [];
        if (instanceId === undefined || users === undefined) continue;
        const batch = new Map<string, Waiter[]>();
        for (const [userId, waiters] of users) {
          if (batch.size === maxAgentsPerCall) break;
          batch.set(userId, waiters);
          users.delete(userId);
        }
        if (users.size === 0) pending.delete(instanceId);
        void call(instanceId, batch);
      }
    } finally {
      running = false;
    }
  }

  /** One question's worth of calls: every page of the answer, each page in its own slot. */
  async function call(instanceId: string, batch: Map<string, Waiter[]>): Promise<void> {
    const found = new Map<string, AgentContactReference[]>();
    try {
      let nextToken: string | undefined;
      let first = true;
      do {
        if (!first) await pacer.take();
        first = false;
        const signal = AbortSignal.timeout(timeoutMs);
        const command = new GetCurrentUserDataCommand({
          InstanceId: instanceId,
          Filters: { Agents: [...batch.keys()] },
          MaxResults: maxAgentsPerCall,
          ...(nextToken ? { NextToken: nextToken } : {}),
        });
        const page: GetCurrentUserDataCommandOutput = await orAbort(
          connect.send(command, { abortSignal: signal }),
          signal,
        );
        for (const data of page.UserDataList ?? []) {
          const id = data.User?.Id;
          // Only the users asked about: an answer about anyone else decides nothing here.
          if (id !== undefined && batch.has(id)) found.set(id, [...(found.get(id) ?? []), ...(data.Contacts ?? [])]);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(failure);
      return;
    }
    for (const [userId, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(userId) ?? []);
  }

  return {
    of(instanceId, userId, signal) {
      return new Promise<AgentContactReference[]>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason as Error);
          return;
        }
        const users = pending.get(instanceId) ?? new Map<string, Waiter[]>();
        // An aborted question leaves the queue, so a call not yet made does not ask about its user for nothing.
        const leave = (): void => {
          const waiters = users.get(userId)?.filter((each) => each !== waiter) ?? [];
          if (waiters.length > 0) users.set(userId, waiters);
          else users.delete(userId);
          if (users.size === 0 && pending.get(instanceId) === users) pending.delete(instanceId);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', leave, { once: true });
        const waiter: Waiter = {
          resolve: (contacts) => {
            signal?.removeEventListener('abort', leave);
            resolve(contacts);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', leave);
            reject(error);
          },
        };
        pending.set(instanceId, users);
        users.set(userId, [...(users.get(userId) ?? []), waiter]);
        // The first call waits a turn of the event loop, so the questions of one batch of messages share it.
        if (!running) setImmediate(() => void run());
        running = true;
      });
    },
  };
}
