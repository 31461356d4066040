import type { Client } from '../../../domain/clients/client.js';

/** How a client is shown: the API token is write-only, only its last characters ever leave. */
export function toClientView(client: Client) {
  return {
    id: client.id,
    slug: client.slug,
    name: client.name,
    active: client.active,
    apiBaseUrl: client.apiBaseUrl,
    apiToken: maskToken(client.apiToken),
    requestsPerMinute: client.requestsPerMinute,
    webhookUrl: client.webhookUrl,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

/** `••••abcd`; a token too short to spare four characters shows none. */
export function maskToken(token: string): string {
  return token.length >= 12 ? `••••${token.slice(-4)}` : '••••';
}
