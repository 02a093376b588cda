import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison: no early exit that would leak how much of a signature matched. */
export function safeEqual(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const hmacSha256Hex = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('hex');
export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
export const sha1Hex = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');

/** A platform timestamp (Unix seconds) within `maxSkewS` of now; 0 turns the check off (replay window). */
export function freshTimestamp(timestamp: string | undefined, maxSkewS: number, nowMs = Date.now()): boolean {
  if (maxSkewS === 0) return true;
  const ts = Number(timestamp);
  return Number.isFinite(ts) && Math.abs(nowMs / 1000 - ts) <= maxSkewS;
}

/** WeChat / WeCom signature: sha1 hex of the sorted, concatenated token, timestamp, nonce (and Encrypt). */
export function wechatSignature(token: string, timestamp: string, nonce: string, encrypt?: string): string {
  const parts = [token, timestamp, nonce];
  if (encrypt !== undefined) parts.push(encrypt);
  return sha1Hex(parts.sort().join(''));
}

/**
 * The headers of an outgoing webhook (handoff notifications, reminders), signed the way the JSON
 * webhook checks incoming ones (api.md): X-Signature-Timestamp: <unix s> and
 * X-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>. No secret: no headers.
 * Sign per attempt, so a retry carries a fresh timestamp and passes the receiver's skew check.
 */
export function outgoingSignatureHeaders(secret: string | undefined, body: string, nowMs: number = Date.now()): Record<string, string> {
  if (!secret) return {};
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'X-Signature-Timestamp': timestamp, 'X-Signature': `sha256=${hmacSha256Hex(secret, `${timestamp}.${body}`)}` };
}
