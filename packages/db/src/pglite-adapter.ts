import type { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

interface ArgType {
  scalarType?: string;
  arity?: string;
}
interface SqlQuery {
  sql: string;
  args: unknown[];
  argTypes?: ArgType[];
}

/**
 * Prisma 6.19's query compiler sends Bytes arguments as base64 text (or byte arrays) and leaves
 * their decoding to the driver adapter; pglite-prisma-adapter 0.6.1 predates that and passes the
 * text through, which PostgreSQL refuses ("Invalid input for bytea type"). This decodes them the
 * way @prisma/adapter-pg does, on every query, in and out of transactions.
 */
function mapArg(arg: unknown, type: ArgType | undefined): unknown {
  if (arg === null || type === undefined) return arg;
  if (Array.isArray(arg) && type.arity === "list") return arg.map((v) => mapArg(v, type));
  if (type.scalarType === "bytes") {
    if (typeof arg === "string") return Buffer.from(arg, "base64");
    if (Array.isArray(arg)) return Buffer.from(arg as number[]);
  }
  return arg;
}

function mapQuery(query: SqlQuery): SqlQuery {
  if (!query.argTypes) return query;
  return { ...query, args: query.args.map((a, i) => mapArg(a, query.argTypes?.[i])) };
}

type Queryable = {
  queryRaw(q: SqlQuery): Promise<unknown>;
  executeRaw(q: SqlQuery): Promise<unknown>;
  startTransaction?(...a: unknown[]): Promise<Queryable>;
};

function wrap<T extends Queryable>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (q: SqlQuery) => (value as (q: SqlQuery) => Promise<unknown>).call(obj, mapQuery(q));
      }
      if (prop === "startTransaction") {
        return async (...args: unknown[]) =>
          wrap(await (value as (...a: unknown[]) => Promise<Queryable>).apply(obj, args));
      }
      return typeof value === "function" ? value.bind(obj) : value;
    },
  });
}

export function createPgliteAdapter(pglite: PGlite): PrismaPGlite {
  const factory = new PrismaPGlite(pglite);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => wrap((await connect()) as unknown as Queryable) as never;
  return factory;
}
