import { ErrorCode } from './error-code.js';

/** One invalid field of a request, nested fields by dotted path (`settings.mfa_required`). */
export interface FieldError {
  field: string;
  constraint: string;
  message: string;
}

export interface ErrorDetails {
  fields?: FieldError[];
  [key: string]: unknown;
}

/** The body of every non-2xx response. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    details?: ErrorDetails;
    request_id: string;
  };
}
