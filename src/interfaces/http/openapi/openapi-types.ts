/*
 * The parts of OpenAPI 3.1 this service's document uses, so that a typo in a field name fails
 * to compile. Schemas are JSON Schema 2020-12 objects.
 */

export type JsonSchema = { [keyword: string]: unknown };

/** A type alias, not an interface, so that a `$ref` is also a `JsonSchema` (as it is in JSON Schema 2020-12). */
export type Reference = { $ref: string };

export interface Header {
  description: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required: boolean;
  schema: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
}

export interface RequestBody {
  description: string;
  required: boolean;
  content: Record<string, MediaType>;
}

export interface Response {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `[]` for the routes served without the admin token; absent: the document's default (the token). */
  security?: Record<string, string[]>[];
  parameters: (Parameter | Reference)[];
  requestBody?: RequestBody;
  responses: Record<string, Response | Reference>;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export type PathItem = Partial<Record<HttpMethod, Operation>>;

export type Paths = Record<string, PathItem>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; contact: { name: string }; license: { name: string; identifier: string } };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Paths;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Response>;
    parameters: Record<string, Parameter>;
    headers: Record<string, Header>;
    securitySchemes: Record<string, { type: 'apiKey'; in: 'header'; name: string; description: string } | { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}
