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

// Fields other APIs (diffusers pipelines, OpenAI-style image APIs) call by another name, and what to send here.
const FIELD_HINTS: Readonly<Record<string, string>> = {
  num_inference_steps: "use steps",
  guidance: "not supported: the models are unconditional, there is no guidance",
  guidance_scale: "not supported: the models are unconditional, there is no guidance",
  n: "use num_samples",
  batch_size: "use num_samples",
  num_images_per_prompt: "use num_samples",
  scheduler_config: "use scheduler",
  format: "use output",
  random_seed: "use seed",
  generator: "use seed",
  window: "use draft.window",
  lookahead: "use draft.window",
  "draft.lookahead": "use draft.window",
};

// An answer names this many unknown fields and counts the rest.
const MAX_NAMED_FIELDS = 16;

const unknownField = (field: string): string => {
  const hint = Object.hasOwn(FIELD_HINTS, field) ? FIELD_HINTS[field] : undefined;
  return hint ? `${field} (${hint})` : field;
};

/** Every unknown key of the request, as dotted paths in the order zod met them. */
const unknownFields = (issues: readonly Issue[]): string[] =>
  issues.flatMap((i) => {
    const { issue, path } = mostSpecific(i, []);
    if (issue.code !== "unrecognized_keys") return [];
    const parent = path.slice(0, -1);
    return issue.keys.map((k) => fieldName([...parent, k]));
  });

/**
 * The request's unknown fields, all named (the field is the first), with the right name where one is
 * known; otherwise the first issue. Both as an InvalidRequestError (422) whose field is the offending path.
 */
export const toInvalidRequest = (error: z.ZodError): InvalidRequestError => {
  const unknown = unknownFields(error.issues);
  if (unknown.length === 1) return new InvalidRequestError(unknown[0], `${unknownField(unknown[0])} is not a known field`);
  if (unknown.length > 1) {
    const named = unknown.slice(0, MAX_NAMED_FIELDS).map(unknownField).join(", ");
    const more = unknown.length > MAX_NAMED_FIELDS ? ` and ${unknown.length - MAX_NAMED_FIELDS} more` : "";
    return new InvalidRequestError(unknown[0], `${unknown.length} unknown fields: ${named}${more}`);
  }
  const { issue, path } = mostSpecific(error.issues[0], []);
  const field = fieldName(path);
  if (issue.code === "invalid_union") return new InvalidRequestError(field, `${field} is missing or of the wrong type`);
  return new InvalidRequestError(field, `${field}: ${issue.message}`);
};

/** defaultHook of every OpenAPIHono router: validation failures go through app.onError like any domain error. */
export const validationHook = (result: { success: true } | { success: false; error: z.ZodError }): void => {
  if (!result.success) throw toInvalidRequest(result.error);
};
