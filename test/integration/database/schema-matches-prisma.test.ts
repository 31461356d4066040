import { readFile } from 'node:fs/promises';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { expect } from 'chai';
import { sql } from '../../support/database.js';

interface DmmfField {
  name: string;
  kind: string;
  type: string;
  dbName: string | null;
  isRequired: boolean;
  isList: boolean;
  nativeType: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

const POSTGRES_TYPE: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
};
const NATIVE_TYPE: Record<string, string> = {
  Uuid: 'uuid',
  Timestamptz: 'timestamp with time zone',
  JsonB: 'jsonb',
};

describe('migrations vs schema.prisma', () => {
  it('when the migrations are applied, then every model field exists as a column of the same type and nullability', async () => {
    const schema = await readFile(new URL('../../../prisma/schema.prisma', import.meta.url), 'utf8');
    const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))) as { datamodel: { models: DmmfModel[] } };
    const { rows } = await sql().query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; datetime_precision: number | null }>(
      `SELECT table_name, column_name, data_type, is_nullable, datetime_precision
       FROM information_schema.columns WHERE table_schema = current_schema()`,
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));

    const expected: string[] = [];
    const actual: string[] = [];
    for (const model of dmmf.datamodel.models) {
      for (const field of model.fields.filter((f) => f.kind === 'scalar')) {
        const key = `${model.dbName ?? model.name}.${field.dbName ?? field.name}`;
        const type = field.nativeType ? NATIVE_TYPE[field.nativeType[0]] : POSTGRES_TYPE[field.type];
        expected.push(`${key} ${type} ${field.isRequired ? 'NOT NULL' : 'NULL'}${type === 'timestamp with time zone' ? ' (3)' : ''}`);
        const column = columns.get(key);
        actual.push(
          column
            ? `${key} ${column.data_type} ${column.is_nullable === 'NO' ? 'NOT NULL' : 'NULL'}${column.data_type === 'timestamp with time zone' ? ` (${column.datetime_precision})` : ''}`
            : `${key} missing`,
        );
      }
    }
    expect(actual).to.deep.equal(expected);
  });

  it('when the migrations are applied, then every model table exists and no table lacks a model', async () => {
    const schema = await readFile(new URL('../../../prisma/schema.prisma', import.meta.url), 'utf8');
    const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))) as { datamodel: { models: DmmfModel[] } };
    const { rows } = await sql().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    expect(rows.map((r) => r.table_name).sort()).to.deep.equal(dmmf.datamodel.models.map((m) => m.dbName ?? m.name).sort());
  });

  it('when a client is inserted with plain SQL, then the database fills id, active and timestamps', async () => {
    const { rows } = await sql().query(
      `INSERT INTO clients (slug, name, api_base_url, api_token) VALUES ('plain-sql', 'Plain', 'https://x.example', 't') RETURNING *`,
    );
    try {
      expect(rows[0].id).to.match(/^[0-9a-f-]{36}$/);
      expect(rows[0].active).to.equal(true);
      expect(rows[0].created_at).to.be.instanceOf(Date);
      expect(rows[0].updated_at).to.be.instanceOf(Date);
    } finally {
      await sql().query(`DELETE FROM clients WHERE slug = 'plain-sql'`);
    }
  });
});
