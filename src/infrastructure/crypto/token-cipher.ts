import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * Encrypts client API tokens at rest with AES-256-GCM. Stored form:
 * `enc:v1:<key id>:<iv>:<auth tag>:<ciphertext>` (base64url), the key id being the start of the
 * key's SHA-256, so a value names the key that can open it. Without a current key, tokens are
 * stored as given; a stored value without the prefix (a row inserted by plain SQL) is read as is.
 * Rotation: the new key becomes current, the old ones stay readable as previous keys, and
 * `needsRotation` tells which stored values to write again.
 */
export class TokenCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string | null;

  constructor(current: Buffer | null, previous: Buffer[] = []) {
    for (const key of [...(current ? [current] : []), ...previous]) {
      if (key.length !== 32) throw new Error('encryption keys must be 32 bytes (AES-256)');
      this.keys.set(keyId(key), key);
    }
    this.currentId = current ? keyId(current) : null;
  }

  encrypt(token: string): string {
    if (!this.currentId) return token;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return `${PREFIX}${[this.currentId, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':')}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [id, iv, tag, ciphertext] = stored.slice(PREFIX.length).split(':');
    const key = id ? this.keys.get(id) : undefined;
    if (!key || !iv || !tag || ciphertext === undefined) throw new Error(`a client token is encrypted with a key this service does not have (key id ${id ?? '?'}): set it in ENCRYPTION_PREVIOUS_KEYS`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when a stored value is not encrypted under the current key (plain, or a previous key). */
  needsRotation(stored: string): boolean {
    return this.currentId !== null && !stored.startsWith(`${PREFIX}${this.currentId}:`);
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Reads a key given as base64 (44 characters) or hex (64 characters). */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('must be 32 bytes, as base64 or hex (e.g. `openssl rand -base64 32`)');
  return key;
}
