/**
 * The API reference, generated from the route table (issue 29 item 4): an OpenAPI 3.1 document
 * served at GET /api/v1/openapi.json. Every route is listed; a route that serves an operation
 * (lib/server/ops) also gives who may call it (the policy's words) and its input as JSON Schema,
 * from the same zod schema that validates it, so the reference cannot drift from the code.
 */
import { z } from "zod";
import packageJson from "../../../package.json" with { type: "json" };
import { OPERATIONS } from "../ops";
import { needsOf } from "../access/policy";
import type { Handler } from "./deps";
import type { Route } from "./routes";

const schemaOf = (s: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

export function openApiDocument(routes: readonly Route[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}").replace(/\*(\w+)$/, "{$1}");
    const params = [...r.path.matchAll(/[:*](\w+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const op = r.operation ? OPERATIONS[r.operation as keyof typeof OPERATIONS] : null;
    const input = op ? schemaOf(op.input) : null;
    if (input && params.length) {
      const props = { ...(input.properties as Record<string, unknown>) };
      for (const p of params) delete props[p.name!];
      input.properties = props;
      input.required = ((input.required as string[] | undefined) ?? []).filter((k) => !params.some((p) => p.name === k));
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operation ?? `${r.method.toLowerCase()} ${r.path}`,
      ...(r.summary ? { summary: r.summary } : {}),
      ...(op ? { description: `Operation \`${r.operation}\`: needs ${needsOf(op.permission)}.`, "x-tokenwatt-permission": op.permission } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(op && r.method === "POST" && input ? { requestBody: { required: true, content: { "application/json": { schema: input } } } } : {}),
      ...(op && r.method === "GET" && input && Object.keys((input.properties as object) ?? {}).length ? { "x-query": input } : {}),
      responses: {
        [String(op?.http.status ?? 200)]: { description: "the operation's answer (JSON)" },
        default: { description: "a refusal: { error: { code, message, issues? } } (lib/server/http/refusals.ts)" },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Tokenwatt API", version: packageJson.version, description: "Generated from lib/server/http/routes.ts and lib/server/ops. Authorization: Bearer <token or owner credential>." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }, {}],
    paths,
  };
}

export const openApiHandler = (routes: () => readonly Route[]): Handler => {
  let doc: string | null = null;
  return async () => new Response((doc ??= JSON.stringify(openApiDocument(routes()))), { headers: { "content-type": "application/json", "cache-control": "public, max-age=300" } });
};
