// Control characters (C0 and DEL) and lone UTF-16 surrogates: PostgreSQL text cannot hold
// NUL, and a lone surrogate cannot be encoded as UTF-8, so neither may reach the store.

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

/** True when `text` holds a control character or a lone surrogate. */
export function hasUnstorableCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code)) return true;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** `text` without control characters; for header values copied into the audit log. */
export function stripControlCharacters(text: string): string {
  let out = '';
  for (const char of text) if (!isControl(char.charCodeAt(0))) out += char;
  return out;
}
