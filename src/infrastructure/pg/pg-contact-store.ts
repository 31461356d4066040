import { inject, injectable } from 'tsyringe';
import type pg from 'pg';
import type { Contact } from '../../domain/contacts/contact.js';
import type { ContactStore, PassDeletions, SavedContactsPage, UnseenContact } from '../../domain/ports/contact-store.port.js';
import { INFRA_TOKENS } from '../infra-tokens.js';
import type { ImporterMetrics } from '../metrics/importer-metrics.js';

/**
 * Writes a page of contacts, their tags and tag links in one transaction of four statements, and
 * a complete pass's deletions, holds and suspicions in one transaction. Plain `pg` on Prisma's pool (see Database.pool), like the ticket store.
 */
@injectable()
export class PgContactStore implements ContactStore {
  constructor(
    @inject(INFRA_TOKENS.Pool) private readonly pool: pg.Pool,
    @inject(INFRA_TOKENS.Metrics) private readonly metrics: ImporterMetrics,
  ) {}

  async savePage(clientId: string, contacts: Contact[], pass: number): Promise<SavedContactsPage> {
    if (contacts.length === 0) return { contacts: 0, tags: 0 };
    // One upsert cannot touch a row twice: a contact listed twice keeps its last version.
    contacts = [...new Map(contacts.map((c) => [c.id, c])).values()];
    const contactRows = JSON.stringify(
      contacts.map((c) => ({
        external_id: c.id,
        name: c.name,
        phone: c.phone,
        email: c.email,
        upstream_created_at: c.createdAt?.toISOString() ?? null,
        upstream_updated_at: c.updatedAt?.toISOString() ?? null,
        raw: c.raw,
      })),
    );
    const tags = [...new Map(contacts.flatMap((c) => c.tags).map((t) => [t.id, { external_id: t.id, name: t.name }])).values()];
    const links = JSON.stringify(contacts.flatMap((c) => c.tags.map((t) => ({ contact_external_id: c.id, tag_external_id: t.id }))));

    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const savedContacts = await connection.query(
        `INSERT INTO contacts (client_id, external_id, name, phone, email, upstream_created_at, upstream_updated_at, raw, deleted_at, seen_in_pass, deletion_held_in_pass, deletion_suspected_in_pass)
         SELECT $1::uuid, r.external_id, r.name, r.phone, r.email, r.upstream_created_at, r.upstream_updated_at, r.raw, NULL, $3::int, NULL, NULL
         FROM jsonb_to_recordset($2::jsonb) AS r(
           external_id text, name text, phone text, email text,
           upstream_created_at timestamptz, upstream_updated_at timestamptz, raw jsonb)
         ON CONFLICT (client_id, external_id) DO UPDATE SET
           name = excluded.name, phone = excluded.phone, email = excluded.email,
           upstream_created_at = excluded.upstream_created_at, upstream_updated_at = excluded.upstream_updated_at,
           raw = excluded.raw, deleted_at = NULL, seen_in_pass = excluded.seen_in_pass,
           deletion_held_in_pass = NULL, deletion_suspected_in_pass = NULL`,
        [clientId, contactRows, pass],
      );
      const savedTags = await connection.query(
        `INSERT INTO tags (client_id, external_id, name)
         SELECT $1::uuid, r.external_id, r.name
         FROM jsonb_to_recordset($2::jsonb) AS r(external_id text, name text)
         ON CONFLICT (client_id, external_id) DO UPDATE SET name = excluded.name
         WHERE tags.name IS DISTINCT FROM excluded.name`,
        [clientId, JSON.stringify(tags)],
      );
      await connection.query(
        `DELETE FROM contact_tags ct
         USING contacts c
         WHERE ct.contact_id = c.id AND c.client_id = $1::uuid
           AND c.external_id IN (SELECT r.external_id FROM jsonb_to_recordset($2::jsonb) AS r(external_id text))`,
        [clientId, contactRows],
      );
      const savedLinks = await connection.query(
        `INSERT INTO contact_tags (contact_id, tag_id)
         SELECT c.id, t.id
         FROM jsonb_to_recordset($2::jsonb) AS l(contact_external_id text, tag_external_id text)
         JOIN contacts c ON c.client_id = $1::uuid AND c.external_id = l.contact_external_id
         JOIN tags t ON t.client_id = $1::uuid AND t.external_id = l.tag_external_id
         ON CONFLICT DO NOTHING`,
        [clientId, links],
      );
      await connection.query('COMMIT');
      this.metrics.stored('contacts', savedContacts.rowCount ?? 0);
      this.metrics.stored('tags', savedTags.rowCount ?? 0);
      this.metrics.stored('contact_tags', savedLinks.rowCount ?? 0);
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
    return { contacts: contacts.length, tags: tags.length };
  }

  async listUnseen(clientId: string, pass: number): Promise<UnseenContact[]> {
    // "C" collation: byte order, close to the upstream's string order; the count only guides where to look.
    // A hold or suspicion recorded by this same pass (a retried end of it) is not an earlier pass's.
    const { rows } = await this.pool.query<{ external_id: string; seen_before: string; deletion_held: boolean; deletion_suspected: boolean }>(
      `SELECT external_id, seen_before, deletion_held, deletion_suspected
       FROM (
         SELECT external_id, deleted_at, seen_in_pass,
                COALESCE(deletion_held_in_pass < $2::int, false) AS deletion_held,
                COALESCE(deletion_suspected_in_pass < $2::int, false) AS deletion_suspected,
                count(*) FILTER (WHERE seen_in_pass = $2::int) OVER (ORDER BY external_id COLLATE "C") AS seen_before
         FROM contacts WHERE client_id = $1::uuid
       ) ranked
       WHERE deleted_at IS NULL AND seen_in_pass <> $2::int`,
      [clientId, pass],
    );
    return rows.map((row) => ({ id: row.external_id, seenBefore: Number(row.seen_before), deletionHeld: row.deletion_held, deletionSuspected: row.deletion_suspected }));
  }

  async countLive(clientId: string): Promise<number> {
    const { rows } = await this.pool.query<{ live: number }>(`SELECT count(*)::int AS live FROM contacts WHERE client_id = $1::uuid AND deleted_at IS NULL`, [clientId]);
    return rows[0]!.live;
  }

  async applyDeletions(clientId: string, pass: number, deletions: PassDeletions): Promise<number> {
    if (deletions.delete.length + deletions.hold.length + deletions.suspect.length === 0) return 0;
    const unseenLive = `client_id = $1::uuid AND external_id = ANY($2::text[]) AND seen_in_pass <> $3::int AND deleted_at IS NULL`;
    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const deleted = await connection.query(
        `UPDATE contacts SET deleted_at = now(), deletion_held_in_pass = NULL, deletion_suspected_in_pass = NULL WHERE ${unseenLive}`,
        [clientId, deletions.delete, pass],
      );
      await connection.query(`UPDATE contacts SET deletion_held_in_pass = $3::int, deletion_suspected_in_pass = NULL WHERE ${unseenLive}`, [clientId, deletions.hold, pass]);
      await connection.query(`UPDATE contacts SET deletion_suspected_in_pass = $3::int WHERE ${unseenLive}`, [clientId, deletions.suspect, pass]);
      await connection.query('COMMIT');
      return deleted.rowCount ?? 0;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
  }
}
