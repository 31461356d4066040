import type pg from 'pg';
import type { Dataset } from '../upstream-simulator/dataset.js';

/**
 * Compares what the importer stored for a client with the simulator's data set: every ticket
 * (uuid and updatedAt), every message id, every live contact, each contact's exact tag set,
 * and nothing extra. Returns the differences, empty when the database equals the upstream.
 */
export async function differencesFromUpstream(db: pg.Pool, clientId: string, dataset: Dataset, checkContacts = true): Promise<string[]> {
  const problems: string[] = [];
  const compare = (what: string, expected: Set<string>, actual: Set<string>) => {
    const missing = [...expected].filter((x) => !actual.has(x));
    const extra = [...actual].filter((x) => !expected.has(x));
    if (missing.length) problems.push(`${what}: ${missing.length} missing (e.g. ${missing.slice(0, 3).join(', ')})`);
    if (extra.length) problems.push(`${what}: ${extra.length} extra (e.g. ${extra.slice(0, 3).join(', ')})`);
  };

  const tickets = await db.query<{ key: string }>(`SELECT external_uuid || '@' || to_char(upstream_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS key FROM tickets WHERE client_id = $1`, [clientId]);
  compare('tickets', new Set([...dataset.tickets.values()].map((t) => `${t.uuid}@${t.updatedAt}`)), new Set(tickets.rows.map((r) => r.key)));

  const messages = await db.query<{ key: string }>(`SELECT t.external_uuid || '/' || m.external_id AS key FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE m.client_id = $1`, [clientId]);
  compare('messages', new Set([...dataset.tickets.keys()].flatMap((uuid) => dataset.messagesOf(uuid).map((m) => `${uuid}/${m.id}`))), new Set(messages.rows.map((r) => r.key)));

  if (checkContacts) {
    const contacts = await db.query<{ key: string }>(
      `SELECT c.external_id || ':' || COALESCE(string_agg(t.external_id, ',' ORDER BY t.external_id COLLATE "C"), '') AS key
       FROM contacts c LEFT JOIN contact_tags ct ON ct.contact_id = c.id LEFT JOIN tags t ON t.id = ct.tag_id
       WHERE c.client_id = $1 AND c.deleted_at IS NULL GROUP BY c.external_id`,
      [clientId],
    );
    compare('contacts with their tags', new Set([...dataset.contacts.values()].map((c) => `${c.id}:${c.tags.map((t) => t.id).sort().join(',')}`)), new Set(contacts.rows.map((r) => r.key)));
  }
  return problems;
}
