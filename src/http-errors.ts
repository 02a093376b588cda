import type { ErrorRequestHandler, Response } from 'express';
import { moduleLogger } from './logger';

const log = moduleLogger('http');

/** The API's error shape: { error: { code, message } } (api.md). */
/**
 * res.json() for the answer to a POST: the same body and Content-Type, without the ETag express
 * hashes every body for (a POST response is never revalidated, so no client can use it).
 */
export function sendPostJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

// body-parser's error types mapped to the API's codes; anything else is ours and becomes a 500
// without details (logged once, with the request id).
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'The body is not valid JSON.'],
  'entity.too.large': [413, 'payload_too_large', 'The body is too large.'],
  'charset.unsupported': [415, 'unsupported_media_type', 'Unsupported charset; send UTF-8 JSON.'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'Unsupported content encoding.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted.'],
  'request.size.invalid': [400, 'invalid_request', 'The body length does not match Content-Length.'],
};

/** What body-parser and http-errors put on the errors they throw. */
interface HttpishError {
  type?: unknown;
  expose?: unknown;
  status?: unknown;
  stack?: unknown;
}

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const err = (typeof error === 'object' && error !== null ? error : {}) as HttpishError;
  const known = typeof err.type === 'string' ? BODY_ERRORS[err.type] : undefined;
  if (known) return sendError(res, known[0], known[1], known[2]);
  // The router decodes path parameters with decodeURIComponent: "%ZZ" or half a UTF-8 sequence is
  // the client's mistake, answered as such and not logged as ours.
  if (error instanceof URIError) return sendError(res, 400, 'invalid_path', 'The path has invalid percent-encoding.');
  if (err.expose === true && typeof err.status === 'number' && err.status >= 400 && err.status < 500)
    return sendError(res, err.status, 'invalid_request', 'The body could not be read (e.g. corrupt gzip).');
  log.error('unhandled error', {
    requestId: res.locals.requestId as string,
    path: req.path,
    error: error instanceof Error ? error.message : String(error),
    stack: err.stack,
  });
  if (res.headersSent) return;
  sendError(res, 500, 'internal_error', 'Something went wrong on our side; please try again.');
};
