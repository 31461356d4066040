import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { parseKey, TokenCipher } from '../../../src/infrastructure/crypto/token-cipher.js';

describe('TokenCipher (client API tokens at rest)', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);

  it('when a key is set, then a token is stored encrypted, differently each time, and read back', () => {
    const cipher = new TokenCipher(keyA);

    const first = cipher.encrypt('secret-token-123');
    const second = cipher.encrypt('secret-token-123');

    expect(first).to.match(/^enc:v1:[0-9a-f]{8}:/).and.not.include('secret-token-123');
    expect(first).to.not.equal(second);
    expect(cipher.decrypt(first)).to.equal('secret-token-123');
  });

  it('when no key is set, then tokens are stored as given, and a plain stored value is read as is', () => {
    expect(new TokenCipher(null).encrypt('plain')).to.equal('plain');
    expect(new TokenCipher(keyA).decrypt('inserted-by-sql')).to.equal('inserted-by-sql');
  });

  it('when the key rotates, then values under the previous key stay readable and are flagged for rewriting', () => {
    const old = new TokenCipher(keyA).encrypt('secret');
    const rotated = new TokenCipher(keyB, [keyA]);

    expect(rotated.decrypt(old)).to.equal('secret');
    expect(rotated.needsRotation(old)).to.equal(true);
    expect(rotated.needsRotation('plain')).to.equal(true);
    expect(rotated.needsRotation(rotated.encrypt('secret'))).to.equal(false);
  });

  it('when a value was tampered with or its key is unknown, then reading fails with a clear message and no secret', () => {
    const stored = new TokenCipher(keyA).encrypt('secret');
    const tampered = `${stored.slice(0, -2)}AA`;

    expect(() => new TokenCipher(keyA).decrypt(tampered)).to.throw();
    expect(() => new TokenCipher(keyB).decrypt(stored)).to.throw(/unknown|does not have/).and.not.match(/secret/);
  });

  it('when keys are given as base64 or hex, then both parse; anything else is refused', () => {
    expect(parseKey(keyA.toString('base64'))).to.deep.equal(keyA);
    expect(parseKey(keyA.toString('hex'))).to.deep.equal(keyA);
    expect(() => parseKey('short')).to.throw(/32 bytes/);
  });
});
