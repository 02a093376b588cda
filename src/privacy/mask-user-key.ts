import { mask } from './mask';

/**
 * A conversation key for listings people read: the channel prefix kept, the platform id cut to
 * its first and last two characters ("wechat:oy…rs"); personal data inside masked first.
 */
export function maskUserKey(userKey: string): string {
  const masked = mask(userKey);
  const colon = masked.indexOf(':');
  const prefix = colon > 0 && colon <= 16 ? masked.slice(0, colon + 1) : '';
  const id = masked.slice(prefix.length);
  const chars = [...id];
  if (chars.length <= 6) return `${prefix}${'*'.repeat(Math.max(3, chars.length))}`;
  return `${prefix}${chars.slice(0, 2).join('')}…${chars.slice(-2).join('')}`;
}
