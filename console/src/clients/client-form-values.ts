import type { Client, ClientChanges, NewClient } from '../api/types.js';

/** The client form's fields, as typed. */
export interface FormValues {
  slug: string;
  name: string;
  apiBaseUrl: string;
  apiToken: string;
  requestsPerMinute: string;
  active: boolean;
}

/** An empty rate means the service default; anything else goes to the API as typed (a number when it is one), so its errors name it. */
function rateOf(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function newClientOf(values: FormValues): NewClient {
  return { slug: values.slug.trim(), name: values.name, apiBaseUrl: values.apiBaseUrl.trim(), apiToken: values.apiToken, requestsPerMinute: rateOf(values.requestsPerMinute) };
}

/** Only what changed; an empty token keeps the stored one. */
export function changesOf(values: FormValues, client: Client): ClientChanges {
  const changes: ClientChanges = {};
  if (values.name !== client.name) changes.name = values.name;
  if (values.apiBaseUrl.trim() !== client.apiBaseUrl) changes.apiBaseUrl = values.apiBaseUrl.trim();
  if (values.apiToken !== '') changes.apiToken = values.apiToken;
  const rate = rateOf(values.requestsPerMinute);
  if (rate !== client.requestsPerMinute) changes.requestsPerMinute = rate;
  if (values.active !== client.active) changes.active = values.active;
  return changes;
}
