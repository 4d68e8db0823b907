// Prints the app's OpenAPI document (what GET /openapi.json serves), built in Node from the same zod
// schemas: `node clients/typescript/openapi-doc.ts > openapi.json`. generate.sh turns it into schema.d.ts.
import { createApp } from "../../src/app.ts";
import { coreModule } from "../../tools/fixtures/core.ts";

/** The document as the app serves it. */
export const openApiDocument = async (): Promise<unknown> => (await createApp({ coreModule: coreModule() }).request("/openapi.json")).json();

/** The serialisation generate.sh hashes into schema.d.ts's header (and the client test re-hashes). */
export const documentText = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

if (import.meta.main) process.stdout.write(documentText(await openApiDocument()));
