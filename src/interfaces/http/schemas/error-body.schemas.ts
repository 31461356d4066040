import { z } from 'zod';

/*
 * The bodies the error handler, json-body and admin-auth answer: `{ error, message? }` with a
 * stable code, and `fields` for a validation error. One schema per code, so that a client can
 * tell them apart.
 */

const codeAlone = <Code extends string>(code: Code) => z.strictObject({ error: z.literal(code) });
const codeAndMessage = <Code extends string>(code: Code) => z.strictObject({ error: z.literal(code), message: z.string() });

export const unauthorizedErrorSchema = codeAlone('unauthorized');
export const tooManyAttemptsErrorSchema = codeAlone('too_many_attempts');
export const internalErrorSchema = codeAlone('internal_error');
export const invalidJsonErrorSchema = z.strictObject({
  error: z.literal('invalid_json'),
  message: z.string(),
  fields: z.strictObject({ body: z.string() }).describe('The body as a whole is the field at fault'),
});

export const invalidBodyErrorSchema = codeAndMessage('invalid_body');
export const invalidSlugErrorSchema = codeAndMessage('invalid_slug');
export const invalidQueryErrorSchema = codeAndMessage('invalid_query');
export const invalidJobIdErrorSchema = codeAndMessage('invalid_job_id');
export const invalidDeliveryIdErrorSchema = codeAndMessage('invalid_delivery_id');
export const notFoundErrorSchema = codeAndMessage('not_found');
export const conflictErrorSchema = codeAndMessage('conflict');
export const payloadTooLargeErrorSchema = codeAndMessage('payload_too_large');
export const unsupportedMediaTypeErrorSchema = codeAndMessage('unsupported_media_type');

export const validationFailedErrorSchema = z.strictObject({
  error: z.literal('validation_failed'),
  message: z.string(),
  fields: z.record(z.string(), z.string()).describe('What is wrong with each field, by name ("body" for the body as a whole)'),
});
