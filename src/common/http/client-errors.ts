import type { Socket } from 'node:net';
import { ErrorCode } from '../errors/error-code.js';
import type { ErrorEnvelope } from '../errors/error-envelope.js';
import { newRequestId } from './request-id.js';

/**
 * Answers requests that Node's HTTP parser refuses before any route sees them (oversized
 * headers, malformed request lines, conflicting lengths) with the contract's envelope instead
 * of a bare framework body. The connection is closed afterwards, as Node would.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    return;
  }
  const requestId = newRequestId();
  const message =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'The request headers (URL included) are larger than the server accepts'
      : 'The request is not valid HTTP';
  const envelope: ErrorEnvelope = {
    error: { code: ErrorCode.ValidationError, message, request_id: requestId },
  };
  const body = JSON.stringify(envelope);

  socket.end(
    'HTTP/1.1 400 Bad Request\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
