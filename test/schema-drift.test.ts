import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/test-database.js";

// The full DMMF (fields with native types and nullability, plus every index) comes from Prisma's
// schema wasm, the same parser `prisma generate` uses.
const { get_dmmf } = createRequire(import.meta.url)("@prisma/prisma-schema-wasm") as {
  get_dmmf(params: string): string;
};

interface DmmfField {
  name: string;
  dbName?: string;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}

const schema = readFileSync(new URL("../prisma/schema.prisma", import.meta.url), "utf8");
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))).datamodel as {
  models: DmmfModel[];
  indexes: DmmfIndex[];
};

/** The PostgreSQL type a Prisma field maps to, as information_schema spells it. */
function expectedType(field: DmmfField): string {
  if (field.isList) return "ARRAY";
  const native = field.nativeType?.[0];
  if (native === "Uuid") return "uuid";
  if (native === "VarChar") return "character varying";
  if (native === "Timestamptz") return "timestamp with time zone";
  if (native === "Date") return "date";
  const byType: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    DateTime: "timestamp without time zone",
    Json: "jsonb",
    Boolean: "boolean",
    Float: "double precision",
    Decimal: "numeric",
  };
  return byType[field.type] ?? `unmapped ${field.type}`;
}

const columnOf = (model: DmmfModel, fieldName: string) => {
  const field = model.fields.find((f) => f.name === fieldName);
  return field?.dbName ?? fieldName;
};

describe("schema.prisma and the migrated database", () => {
  it("agree on every model, field, type, nullability, unique constraint and index", async () => {
    const db = await createTestDatabase();
    const columns = await db.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN (SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations')`,
    );
    const indexes = await db.query<{
      table_name: string;
      columns: string[];
      is_unique: boolean;
      is_primary: boolean;
    }>(
      `SELECT t.relname AS table_name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE i.indpred IS NULL
        GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
    );

    const problems: string[] = [];
    const tablesInSchema = new Set<string>();
    for (const model of dmmf.models) {
      const table = model.dbName ?? model.name;
      tablesInSchema.add(table);
      const scalarColumns = model.fields.filter((f) => f.kind !== "object");
      for (const field of scalarColumns) {
        const column = field.dbName ?? field.name;
        const found = columns.find((c) => c.table_name === table && c.column_name === column);
        if (found === undefined) {
          problems.push(
            `${table}.${column} (${model.name}.${field.name}) is missing from the database`,
          );
          continue;
        }
        if (found.data_type !== expectedType(field)) {
          problems.push(
            `${table}.${column} is ${found.data_type}, schema.prisma says ${expectedType(field)}`,
          );
        }
        const shouldBeNullable = !field.isRequired || field.isList;
        if (!field.isList && (found.is_nullable === "YES") !== shouldBeNullable) {
          problems.push(
            `${table}.${column} nullability is ${found.is_nullable}, schema.prisma says ${shouldBeNullable ? "nullable" : "NOT NULL"}`,
          );
        }
      }
      for (const column of columns.filter((c) => c.table_name === table)) {
        if (!scalarColumns.some((f) => (f.dbName ?? f.name) === column.column_name)) {
          problems.push(
            `${table}.${column.column_name} exists in the database but not in schema.prisma`,
          );
        }
      }
    }
    for (const table of new Set(columns.map((c) => c.table_name))) {
      if (!tablesInSchema.has(table))
        problems.push(`table ${table} exists in the database but not in schema.prisma`);
    }
    for (const index of dmmf.indexes) {
      const model = dmmf.models.find((m) => m.name === index.model)!;
      const table = model.dbName ?? model.name;
      const wanted = index.fields.map((f) => columnOf(model, f.name));
      const match = indexes.find(
        (i) =>
          i.table_name === table &&
          i.columns.join(",") === wanted.join(",") &&
          (index.type === "id" ? i.is_primary : index.type === "unique" ? i.is_unique : true),
      );
      if (match === undefined)
        problems.push(`${index.type} index on ${table}(${wanted.join(", ")}) is missing`);
    }
    expect(problems).toEqual([]);
  });
});
