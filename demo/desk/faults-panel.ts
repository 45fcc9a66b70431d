/** The faults panel: buttons that inject network faults into the Connect API stand-in, and the faults in force. */
import { html, render } from 'lit';
import { connectDefaultQuotas } from '../connect-api/faults.ts';
import type { Faults } from '../connect-api/types.ts';
import type { StandInState } from './stand-in.ts';

const FAULTS: { label: string; title: string; patch: Record<string, unknown> }[] = [
  {
    label: 'Throttle: 1 req/s',
    title: 'A quota of 1 request per second (burst 1) for each Connect action: bursts get 429 ThrottlingException',
    patch: { quota: { ratePerSecond: 1, burst: 1 } },
  },
  {
    label: "Connect's quotas",
    title:
      "Connect's default quotas, a bucket per action: 10 req/s (burst 15) for UpdateContactAttributes and DescribeContact, 2 req/s (burst 5) for the others",
    patch: { quotas: connectDefaultQuotas },
  },
  {
    label: 'Fail next 3 (500)',
    title: 'The next 3 Connect requests answer 500 InternalServiceException',
    patch: { failNext: { count: 3, status: 500 } },
  },
  {
    label: 'Drop next request',
    title: 'The next API request has its connection closed without an answer (a network error)',
    patch: { dropNext: 1 },
  },
  { label: 'Slow: 1.5 s', title: 'Every API request waits 1.5 s before its answer', patch: { latencyMs: 1500 } },
];

function faultsText(faults: Faults): string {
  const parts: string[] = [];
  if (faults.quota) parts.push(`quota ${faults.quota.ratePerSecond} req/s (burst ${faults.quota.burst}) per action`);
  for (const [action, quota] of Object.entries(faults.quotas ?? {}))
    parts.push(quota ? `${action} ${quota.ratePerSecond} req/s (burst ${quota.burst})` : `${action} unmetered`);
  if (faults.failNext && faults.failNext.count > 0)
    parts.push(`next ${faults.failNext.count} fail with ${faults.failNext.status ?? 500}`);
  if (faults.dropNext) parts.push(`next ${faults.dropNext} dropped`);
  if (faults.latencyMs) parts.push(`${faults.latencyMs} ms latency`);
  return parts.length === 0 ? 'None: the network is healthy.' : `Active: ${parts.join(' · ')}.`;
}

export function renderFaults(host: HTMLElement, standIn: StandInState): void {
  const post = (patch: Record<string, unknown>): void => void standIn.setFaults(patch);
  render(
    html`<div class="button-row">
        ${FAULTS.map((fault) => html`<button type="button" title=${fault.title} @click=${() => post(fault.patch)}>${fault.label}</button>`)}
        <button type="button" class="quiet" @click=${() => post({ quota: null, quotas: null, failNext: null, dropNext: null, latencyMs: null })}>Clear faults</button>
      </div>
      <p class="faults-now" role="status">${faultsText(standIn.faults)}</p>`,
    host,
  );
}
