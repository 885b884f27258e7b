import {
  type ArgumentMetadata,
  Injectable,
  type PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';
import { type FieldError } from '../errors/error-envelope.js';
import { UnreadableBody } from '../http/body-parsing.js';
import { echoKey, toFieldErrors } from './field-errors.js';

const BODY_NOT_AN_OBJECT = 'The request body must be a JSON object';

/** Keys that could reach an object's prototype when a body is copied onto a class instance. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Validates request bodies, path and query parameters against their DTO classes. Unknown keys
 * are refused, never dropped, and types are strict: `"false"` is not a boolean.
 */
@Injectable()
export class RequestValidationPipe implements PipeTransform {
  private readonly classValidation = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainError.validation(toFieldErrors(errors)),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (value instanceof UnreadableBody) {
        throw value.error;
      }
      if (!isPlainObject(value)) {
        throw DomainError.validation([], BODY_NOT_AN_OBJECT);
      }
      const prototypeKeys = findPrototypeKeys(value);
      if (prototypeKeys.length > 0) {
        throw DomainError.validation(prototypeKeys);
      }
    }

    return this.classValidation.transform(value, metadata);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deeper than any body of this API; deeper ones are refused before anything walks them. */
export const MAX_BODY_DEPTH = 16;
const TOO_DEEP = `The request body is nested more than ${MAX_BODY_DEPTH} levels deep`;

/**
 * Walks the body without recursion, refusing prototype keys at any depth and bodies nested
 * deeper than this API ever needs (so no input can exhaust the stack further on).
 */
function findPrototypeKeys(body: Record<string, unknown>): FieldError[] {
  const found: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value: body, path: '', depth: 1 },
  ];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop() as (typeof pending)[number];
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (depth > MAX_BODY_DEPTH) {
      throw DomainError.validation([], TOO_DEEP);
    }
    for (const [key, child] of Object.entries(value)) {
      const field = path ? `${path}.${echoKey(key)}` : echoKey(key);
      if (PROTOTYPE_KEYS.has(key)) {
        found.push({
          field,
          constraint: 'unknown_field',
          message: `${field} is not accepted here`,
        });
      } else {
        pending.push({ value: child, path: field, depth: depth + 1 });
      }
    }
  }

  return found;
}
