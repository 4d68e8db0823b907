// How routes document their answers in /openapi.json: every error is the one error body
// (src/api/errors.ts), and headers the answers carry are declared beside them.
import type { z } from "@hono/zod-openapi";
import { ErrorSchema } from "../api/schemas/index.ts";

/** An error answer: the Error body, with the headers it carries (a zod object: header name to schema). */
export const errorDoc = (description: string, headers?: z.ZodObject) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
  ...(headers ? { headers } : {}),
});

/** No bearer token needed, whatever the deployment's API_TOKEN (an empty security requirement). */
export const OPEN: Record<string, string[]>[] = [];
