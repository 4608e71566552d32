// Calls a running demo (ROADMAP_DEMO_URL) through openapi-fetch, typed by the
// types openapi-typescript generates from the demo's OpenAPI document
// (schema.mts, written by scripts/checks/70-typed-clients.sh), and checks the
// typed fields of a live read, a live write with a body, a planned route's
// 501 problem and the deprecated route. tsc --strict compiles it first: a
// body typed `undefined` or a request body that is a type error fails there.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.mjs";

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

type User = components["schemas"]["User"];
type Problem = components["schemas"]["Problem"];

const notYetAvailable = "https://github.com/roadmap-go/roadmap/blob/main/docs/problems.md#not-yet-available";

const errors: string[] = [];
function check(what: string, got: unknown, want: unknown): void {
  if (got !== want) errors.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

async function main(): Promise<void> {
  const baseUrl = process.env["ROADMAP_DEMO_URL"];
  if (!baseUrl) throw new Error("ROADMAP_DEMO_URL is not set");
  const api = createClient<paths>({ baseUrl });

  // A live read: data is a User.
  const read = await api.GET("/api/users/{id}", { params: { path: { id: "7" } } });
  check("GET /api/users/7 status", read.response.status, 200);
  const user: User | undefined = read.data;
  check("GET /api/users/7 id", user?.id, "7");
  check("GET /api/users/7 name", user?.name, "Ada");

  // A live write with a typed body.
  const put = await api.PUT("/api/users/{id}", { params: { path: { id: "7" } }, body: { name: "Grace" } });
  check("PUT /api/users/7 status", put.response.status, 200);
  const name: string | undefined = put.data?.name;
  check("PUT /api/users/7 name", name, "Grace");
  check("PUT /api/users/7 result", put.data?.result, "replaced");

  // A planned route: the error is a typed problem.
  const exp = await api.PUT("/api/reports/export", {});
  check("PUT /api/reports/export status", exp.response.status, 501);
  const problem: Problem | undefined = exp.error;
  check("PUT /api/reports/export type", problem?.type, notYetAvailable);
  check("PUT /api/reports/export stage", problem?.stage, "planned");
  check("PUT /api/reports/export available", problem?.available, "v2.0");

  // The deprecated route: typed body, deprecation headers, the successor.
  const v0 = await api.GET("/api/v0/users/{id}", { params: { path: { id: "7" } } });
  check("GET /api/v0/users/7 status", v0.response.status, 200);
  check("GET /api/v0/users/7 id", v0.data?.id, "7");
  check("GET /api/v0/users/7 Deprecation", v0.response.headers.get("Deprecation"), "@1767225600");
  const link = v0.response.headers.get("Link") ?? "";
  if (!link.includes('</api/users/7>; rel="successor-version"')) {
    errors.push(`GET /api/v0/users/7: Link ${JSON.stringify(link)} has no successor </api/users/7>`);
  }

  if (errors.length > 0) {
    console.error("typed TypeScript client:\n" + errors.join("\n"));
    process.exitCode = 1;
    return;
  }
  console.log("typed TypeScript client: ok");
}

main().catch((e: unknown) => {
  console.error("typed TypeScript client:", e);
  process.exitCode = 1;
});
