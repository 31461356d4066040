import type { z } from 'zod';
import { ValidationError } from '../../../domain/errors.js';

/** Parses input or throws a 400 `validation_failed` naming each invalid field ("body" for the body as a whole), with its first problem. */
export function validateInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) fields[key] ??= 'is not a known field';
    else fields[issue.path.join('.') || 'body'] ??= issue.message;
  }
  const summary = Object.entries(fields).map(([field, message]) => `${field} ${message}`).join('; ');
  throw new ValidationError(`${what}: ${summary}`, fields);
}
