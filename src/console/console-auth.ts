import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { safeEqual } from '../channels/signatures';

export const SESSION_COOKIE = 'beian_console';
export const CSRF_HEADER = 'X-CSRF-Token';
/** A console session lasts a working day. */
const SESSION_MS = 12 * 3_600_000;

export type ConsoleAuth = { via: 'bearer' } | { via: 'session'; csrf: string };

/**
 * Sessions signed with a key derived from the console token, so every instance accepts them and
 * changing the token ends them all. The CSRF token is derived from the session id: a page carries
 * it, a cross-site form can't read it.
 */
export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(private readonly token: string) {
    this.key = createHmac('sha256', 'beian-console-session').update(token).digest();
  }

  private sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }

  /** True when `given` is the console token. */
  checkToken(given: unknown): boolean {
    return typeof given === 'string' && given.length > 0 && safeEqual(given.trim(), this.token);
  }

  /** Starts a session: sets the cookie (HttpOnly, SameSite=Strict, Secure behind TLS). */
  start(req: Request, res: Response, now = Date.now()): void {
    const id = randomBytes(18).toString('base64url');
    const expires = now + SESSION_MS;
    const value = `${id}.${expires}`;
    res.cookie(SESSION_COOKIE, `${value}.${this.sign(value)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_MS,
    });
  }

  end(req: Request, res: Response): void {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
  }

  /** The session id of a valid, unexpired cookie. */
  session(req: Request, now = Date.now()): string | undefined {
    const raw = cookie(req.get('Cookie') ?? '', SESSION_COOKIE);
    if (!raw) return undefined;
    const parts = raw.split('.');
    if (parts.length !== 3) return undefined;
    const [id, expires, sig] = parts;
    if (!safeEqual(sig, this.sign(`${id}.${expires}`))) return undefined;
    if (!(Number(expires) > now)) return undefined;
    return id;
  }

  csrfFor(sessionId: string): string {
    return this.sign(`csrf:${sessionId}`);
  }

  /** Bearer token first (scripts, CI), then the session cookie. */
  authenticate(req: Request): ConsoleAuth | undefined {
    const header = req.get('Authorization') ?? '';
    if (header.startsWith('Bearer ')) return this.checkToken(header.slice('Bearer '.length)) ? { via: 'bearer' } : undefined;
    const id = this.session(req);
    return id ? { via: 'session', csrf: this.csrfFor(id) } : undefined;
  }
}

/** One cookie's value from a Cookie header (no library needed for reading one name). */
function cookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Writes through a cookie session must carry the page's CSRF token (header, or `_csrf` in a form). */
export function csrfOk(req: Request, auth: ConsoleAuth): boolean {
  if (auth.via === 'bearer') return true;
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
  const body = req.body as Record<string, unknown> | undefined;
  const given = req.get(CSRF_HEADER) ?? (body && typeof body._csrf === 'string' ? body._csrf : undefined);
  return safeEqual(given, auth.csrf);
}
