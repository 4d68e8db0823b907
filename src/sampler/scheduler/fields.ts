// Readers for one key of a JSON object: absent gives the default, a wrong value names the field.
import { InvalidRequestError } from "../../errors.ts";

export type JsonObject = Readonly<Record<string, unknown>>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const has = (o: JsonObject, key: string): boolean => Object.hasOwn(o, key) && o[key] !== undefined;

// Errors quote the value they refuse, but never more than this of it (a value can be megabytes long).
const MAX_SHOWN_CHARS = 64;

/** A value for an error message: a scalar as JSON cut to MAX_SHOWN_CHARS, a container by its kind (never serialised). */
export function shown(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "object" && v !== null) return "an object";
  const s = JSON.stringify(typeof v === "string" ? v.slice(0, MAX_SHOWN_CHARS) : v) ?? String(v);
  return s.length <= MAX_SHOWN_CHARS ? s : `${s.slice(0, MAX_SHOWN_CHARS - 1)}\u2026`;
}

export function readEnum<T extends string>(
  o: JsonObject,
  key: string,
  allowed: readonly T[],
  fallback: T,
  prefix: string,
): T {
  if (!has(o, key)) return fallback;
  const v = o[key];
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  throw new InvalidRequestError(
    `${prefix}.${key}`,
    `unsupported ${key} ${shown(v)}; supported: ${allowed.join(", ")}`,
  );
}

export function readBool(o: JsonObject, key: string, fallback: boolean, prefix: string): boolean {
  if (!has(o, key)) return fallback;
  const v = o[key];
  if (typeof v === "boolean") return v;
  throw new InvalidRequestError(`${prefix}.${key}`, `${key} must be true or false`);
}

export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number; // inclusive
  readonly max?: number; // inclusive
  readonly exclusiveMin?: number;
  readonly exclusiveMax?: number;
}

// Checks a number against a rule; the message states the rule.
export function checkNumber(v: unknown, rule: NumberRule, field: string, what: string): number {
  const ok =
    typeof v === "number" &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.max === undefined || v <= rule.max) &&
    (rule.exclusiveMin === undefined || v > rule.exclusiveMin) &&
    (rule.exclusiveMax === undefined || v < rule.exclusiveMax);
  if (ok) return v as number;
  throw new InvalidRequestError(field, `${what} must be ${describe(rule)}, got ${shown(v)}`);
}

export function readNumber(
  o: JsonObject,
  key: string,
  fallback: number,
  rule: NumberRule,
  prefix: string,
): number {
  return has(o, key) ? checkNumber(o[key], rule, `${prefix}.${key}`, key) : fallback;
}

// True when the key is present with a non-null value (diffusers writes null for "not set").
export const isSet = (o: JsonObject, key: string): boolean => has(o, key) && o[key] !== null;

function describe(rule: NumberRule): string {
  const parts = [rule.integer ? "an integer" : "a finite number"];
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.exclusiveMin !== undefined) parts.push(`> ${rule.exclusiveMin}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  if (rule.exclusiveMax !== undefined) parts.push(`< ${rule.exclusiveMax}`);
  return parts.join(" ");
}
