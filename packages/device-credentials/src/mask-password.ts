const PW_FIELD = /(PW=)[^;&\r\n]*/g;

/**
 * A raw HJ 212 frame with its `PW=` value replaced by `***`: refused frames are kept for operators, the password
 * a device (or a guesser) sent is not. Works on bytes as received (latin1 round-trips every byte), including
 * frames too broken to parse. The CRC no longer matches, which is fine for a frame kept only to be read.
 */
export function maskFramePassword(raw: Uint8Array): Buffer {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  if (!text.includes('PW=')) return Buffer.from(raw);
  return Buffer.from(text.replace(PW_FIELD, '$1***'), 'latin1');
}
