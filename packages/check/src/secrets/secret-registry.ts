/**
 * Every secret the audit handles (tokens the server minted, forged copies of them, the password,
 * the client secret). The report is built from fingerprints only; as a second line of defence
 * the CLI passes everything it prints through `scrub`, which blanks any of these strings.
 */
export interface SecretRegistry {
  add(value: string | undefined): void;
  has(value: string): boolean;
  /** `text` with every registered secret (8 characters or more) replaced by `[redacted]`. */
  scrub(text: string): string;
  readonly size: number;
}

/** Shorter strings are not scrubbed: they would mangle ordinary words; they never reach output. */
const MIN_SCRUB_LENGTH = 8;

export function createSecretRegistry(): SecretRegistry {
  const secrets = new Set<string>();
  return {
    add(value) {
      if (value) secrets.add(value);
    },
    has: (value) => secrets.has(value),
    scrub(text) {
      let out = text;
      // Longest first, so a secret that contains another is blanked whole.
      const ordered = [...secrets].filter((s) => s.length >= MIN_SCRUB_LENGTH);
      ordered.sort((a, b) => b.length - a.length);
      for (const secret of ordered) {
        if (out.includes(secret)) out = out.split(secret).join('[redacted]');
      }
      return out;
    },
    get size() {
      return secrets.size;
    },
  };
}
