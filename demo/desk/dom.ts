/** Small helpers the desk's panels share: finding elements, formatting ids and times, fetching JSON, the status pill. */

/** The element with this id in index.html; throws when it is missing. */
export function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo: #${id} is missing from index.html`);
  return element;
}

export const short = (id: string): string => id.slice(0, 8);
export const clock = (time: number | string | Date): string => new Date(time).toLocaleTimeString([], { hour12: false });
export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The status pill in the top bar. */
export function setStatus(text: string, tone: 'ok' | 'busy' | 'error'): void {
  const pill = $('setup-status');
  pill.textContent = text;
  pill.dataset['tone'] = tone;
}

/** The banner shown when the page could not start. */
export function showSetupError(error: unknown): void {
  const banner = $('setup-error');
  banner.textContent = `The demo could not start: ${message(error)}`;
  banner.hidden = false;
  setStatus('Not running', 'error');
  console.error(error);
}

/** Resolves with `check`'s first truthy value; rejects naming `what` after `timeoutMs`. */
export async function until<T>(check: () => T | null | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
