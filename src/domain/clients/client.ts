/** A customer account whose helpdesk data is imported: one upstream base URL and token each. */
export interface Client {
  id: string;
  slug: string;
  name: string;
  active: boolean;
  apiBaseUrl: string;
  apiToken: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewClient = Pick<Client, 'slug' | 'name' | 'apiBaseUrl' | 'apiToken'> & { active?: boolean };

export type ClientChanges = Partial<Pick<Client, 'name' | 'apiBaseUrl' | 'apiToken' | 'active'>>;
