/** A customer account whose helpdesk data is imported: one upstream base URL and token each. */
export interface Client {
  id: string;
  slug: string;
  name: string;
  active: boolean;
  apiBaseUrl: string;
  apiToken: string;
  /** This client's own rate plan at the upstream; null: the service default (`EXTERNAL_API_REQUESTS_PER_MINUTE`). */
  requestsPerMinute: number | null;
  /** Its own webhook receiver, sent the events about it in addition to the service's WEBHOOK_URL; null: none. */
  webhookUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewClient = Pick<Client, 'slug' | 'name' | 'apiBaseUrl' | 'apiToken'> & { active?: boolean; requestsPerMinute?: number | null; webhookUrl?: string | null };

export type ClientChanges = Partial<Pick<Client, 'name' | 'apiBaseUrl' | 'apiToken' | 'active' | 'requestsPerMinute' | 'webhookUrl'>>;
