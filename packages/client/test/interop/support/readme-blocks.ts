/**
 * Keeps the README's provider examples and the tests that run them the same code. The tests
 * hold each example between `// README example: <name>` and `// README example end`; the
 * examples are the ```ts blocks of the README section, in the same order. Compared without
 * whitespace and trailing commas (the formatter re-wraps the indented copies) and without
 * import lines, whose names are checked separately against the test file's imports.
 */
import { readFileSync } from 'node:fs';

const README = new URL('../../../../../README.md', import.meta.url);

export interface Example {
  readonly name: string;
  readonly code: string;
}

/** The ```ts blocks of one `## ` section of the README. */
export function readmeBlocks(section: string): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README has no section "${section}"`);
  const end = text.indexOf('\n## ', start + 1);
  const body = text.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

/** The examples a test file holds between its README markers, in order. */
export function testExamples(source: string): Example[] {
  const marked = /\/\/ README example: (.+)\n([\s\S]*?)\/\/ README example end/g;
  return [...source.matchAll(marked)].map((match) => ({
    name: match[1] ?? '',
    code: match[2] ?? '',
  }));
}

const IMPORT = /^import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'([^']+)';?[ \t]*$/gm;

/** `module name` for every named import of the code. */
export function importedNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, list = '', module] of code.matchAll(IMPORT)) {
    for (const item of list.split(',')) {
      const name = item.replace(/^\s*type\s+/, '').trim();
      if (name) names.add(`${module} ${name}`);
    }
  }
  return names;
}

/** The code without imports, whitespace and trailing commas. */
export function comparable(code: string): string {
  return code
    .replace(IMPORT, '')
    .replace(/\s+/g, '')
    .replace(/,([)\]}])/g, '$1');
}
