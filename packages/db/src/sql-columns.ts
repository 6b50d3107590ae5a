import { Prisma } from "@prisma/client";

/** A model's row as Prisma's client answers it: every scalar column, no relation. */
export type ModelRow<M extends Prisma.ModelName> = Prisma.TypeMap["model"][M]["payload"]["scalars"];

interface ScalarField {
  name: string;
  kind: "scalar" | "enum";
  type: string;
  dbName?: string | null;
}

/** The scalar fields of `model` in schema order, from the generated client's own schema (DMMF). */
export function scalarFields(model: Prisma.ModelName): ScalarField[] {
  const found = Prisma.dmmf.datamodel.models.find((m) => m.name === model);
  if (!found) throw new Error(`no model ${model} in the generated client`);
  return found.fields.filter((f) => f.kind === "scalar" || f.kind === "enum") as ScalarField[];
}

/** A SELECT list of a model's columns, and how to read them back from a raw row. */
export interface ModelColumns<Row> {
  /** `alias."column" AS "field", …`: enums as JSON, the shape every driver answers alike. */
  readonly sql: string;
  /** The fields selected, in schema order. */
  readonly fields: readonly string[];
  /** The model's fields of a raw row (other columns are left out), times as Dates. */
  read(row: Record<string, unknown>): Row;
}

/**
 * Every column of `model` but those in `omit`, derived from the generated client so that the
 * raw reads of the hot paths can never lag behind the schema: a new column is selected the day
 * it is added (hosting-columns.test.ts checks the rows against Prisma's own answer).
 */
export function modelColumns<M extends Prisma.ModelName, K extends keyof ModelRow<M> = never>(
  model: M,
  alias: string,
  omit: readonly K[] = [],
): ModelColumns<Omit<ModelRow<M>, K>> {
  const fields = scalarFields(model).filter((f) => !(omit as readonly string[]).includes(f.name));
  const sql = fields
    .map((f) => {
      const column = `${alias}."${f.dbName ?? f.name}"`;
      // as JSON, an enum is a string and a list of enums an array (as text, drivers answer a
      // custom enum's array as its literal "{a,b}"; the client's schema does not say which)
      return `${f.kind === "enum" ? `to_jsonb(${column})` : column} AS "${f.name}"`;
    })
    .join(", ");
  const names = fields.map((f) => f.name);
  const dates = new Set(fields.filter((f) => f.type === "DateTime").map((f) => f.name));
  return {
    sql,
    fields: names,
    read(row) {
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const value = row[name];
        // node-postgres answers Dates; a driver that answers text gets them parsed here
        out[name] = dates.has(name) && value !== null ? new Date(value as Date) : value;
      }
      return out as Omit<ModelRow<M>, K>;
    },
  };
}
