/** Request bodies of the reference server: form or JSON, strings only, each field once. */

export type Fields = Record<string, string>;

/** Why a body was refused: an RFC 6749 §5.2 error and a status. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseFields(contentType: string, raw: string): Fields {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    const value: unknown = JSON.parse(raw); // throws on malformed JSON: the caller decides
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new BodyError(400, 'the body must be a JSON object');
    const fields: Fields = {};
    for (const [key, member] of Object.entries(value)) {
      if (typeof member !== 'string') throw new BodyError(400, `${key} must be a string`);
      fields[key] = member;
    }
    return fields;
  }
  if (type === 'application/x-www-form-urlencoded') {
    if (/%(?![0-9a-fA-F]{2})/.test(raw)) throw new BodyError(400, 'broken percent-encoding');
    const params = new URLSearchParams(raw);
    const fields: Fields = {};
    for (const [key, member] of params) {
      if (key in fields) throw new BodyError(400, `${key} given twice`);
      if ([...member].some((c) => c.charCodeAt(0) < 0x20))
        throw new BodyError(400, `${key} has control characters`);
      fields[key] = member;
    }
    return fields;
  }
  throw new BodyError(415, 'form or JSON bodies only');
}
