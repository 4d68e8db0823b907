// Turns a zod validation failure into the one domain error the API answers with: 422 naming the field.
import type { z } from "@hono/zod-openapi";
import { InvalidRequestError } from "../errors.ts";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

// A key is the client's text: an unknown key is named in the answer, but never more than this of it.
const MAX_KEY_CHARS = 64;
const keyName = (k: PropertyKey): string => {
  const s = String(k);
  return s.length <= MAX_KEY_CHARS ? s : `${s.slice(0, MAX_KEY_CHARS - 1)}\u2026`;
};

/** Dotted path with indices in brackets, as the domain validators write it: model.means[1][0]. */
export const fieldName = (path: Path): string =>
  path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${keyName(k)}` : keyName(k)), "") || "body";

// A union (model: id | inline mixture) fails in every branch; the branch whose basic type matched the
// input says what is actually wrong, deeper down.
function mostSpecific(issue: Issue, prefix: Path): { issue: Issue; path: Path } {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    const branch = issue.errors.find((b) => b.length > 0 && !(b[0].code === "invalid_type" && b[0].path.length === 0));
    if (branch) return mostSpecific(branch[0], path);
  }
  if (issue.code === "unrecognized_keys") return { issue, path: [...path, issue.keys[0]] };
  return { issue, path };
}

/** The first issue as an InvalidRequestError (422) whose field is the offending path. */
export const toInvalidRequest = (error: z.ZodError): InvalidRequestError => {
  const { issue, path } = mostSpecific(error.issues[0], []);
  const field = fieldName(path);
  if (issue.code === "invalid_union") return new InvalidRequestError(field, `${field} is missing or of the wrong type`);
  if (issue.code === "unrecognized_keys") return new InvalidRequestError(field, `${field} is not a known field`);
  return new InvalidRequestError(field, `${field}: ${issue.message}`);
};

/** defaultHook of every OpenAPIHono router: validation failures go through app.onError like any domain error. */
export const validationHook = (result: { success: true } | { success: false; error: z.ZodError }): void => {
  if (!result.success) throw toInvalidRequest(result.error);
};
