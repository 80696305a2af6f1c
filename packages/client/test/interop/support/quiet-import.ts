/**
 * oidc-provider prints one warning when it is imported on Node 20: "Unsupported runtime. Use
 * Node.js v22.x LTS". It does run here (every path these tests take is exercised by them), so
 * that exact line is dropped, and only while the module loads: every other line passes
 * through, and so does everything printed later, where a real problem would show.
 * (Its two quick-start warnings, the in-memory adapter and the development signing keys, are
 * not filtered: the tests give it their own adapter and keys, so it has no reason to print
 * them.)
 */
const KNOWN_IMPORT_WARNINGS: readonly string[] = [
  'oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.',
];

export async function importWithoutRuntimeWarning<T>(load: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    // The line may be wrapped in colour codes when stderr is a terminal.
    if (!KNOWN_IMPORT_WARNINGS.some((known) => line.includes(known))) warn.apply(console, args);
  };
  try {
    return await load();
  } finally {
    console.warn = warn;
  }
}
