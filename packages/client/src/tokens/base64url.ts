/**
 * base64url and UTF-8 decoding without platform globals: Hermes (React Native) has no
 * `TextDecoder`, and runtimes older than React Native 0.74 have no `atob`. Only used to read a
 * JWT's claims, so small inputs; throws on anything that is not base64url.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Decodes unpadded (or padded) base64url into bytes. */
export function base64UrlToBytes(text: string): Uint8Array {
  const input = text.replace(/=+$/, '');
  if (input.length % 4 === 1) throw new SyntaxError('not base64url');
  const out = new Uint8Array(Math.floor((input.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < input.length; i++) {
    const index = ALPHABET.indexOf(input.charAt(i));
    if (index < 0) throw new SyntaxError('not base64url');
    value = (value << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** Decodes UTF-8 bytes; malformed sequences become U+FFFD, as `TextDecoder` does. */
export function utf8ToString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const first = bytes[i]!;
    const size = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
    let code = size === 1 ? first : size === 0 ? -1 : first & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) {
        code = -1;
        break;
      }
      code = (code << 6) | (next & 0x3f);
    }
    if (code < 0 || code > 0x10ffff) {
      out += '\ufffd';
      i += 1;
      continue;
    }
    out += String.fromCodePoint(code);
    i += size;
  }
  return out;
}

/** Encodes bytes as unpadded base64url. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET.charAt(n >>> 18) +
      ALPHABET.charAt((n >>> 12) & 63) +
      ALPHABET.charAt((n >>> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out += ALPHABET.charAt(n >>> 18) + ALPHABET.charAt((n >>> 12) & 63);
    if (rest === 2) out += ALPHABET.charAt((n >>> 6) & 63);
  }
  return out;
}

/** Encodes a string as UTF-8 bytes (lone surrogates become U+FFFD, as `TextEncoder` does). */
export function stringToUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) {
      out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    } else {
      out.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 63),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
    }
  }
  return Uint8Array.from(out);
}
