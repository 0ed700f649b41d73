import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens of links sent to people outside the app (CSAT surveys, portal sign-in links and sessions): 32 random
 * bytes, base64url (43 characters) in the link; only their SHA-256 is stored, so the table never holds a
 * usable link. Single use and expiry are the stored item's business.
 */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const newLinkToken = (): string => randomBytes(32).toString('base64url');
export const linkTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
