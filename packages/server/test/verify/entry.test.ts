// tokenkeeper-server/verify is for resource servers that only verify access tokens: it must not
// load the store (no PGlite, no pg), not even through a type or a module of a module. Three
// looks at its graph, each with a control that shows the same look finds the store from the
// root entry (so none of them can pass by seeing nothing):
// 1. every file TypeScript puts in a program rooted at the entry (type-only imports too);
// 2. every module Node loads when it imports the entry built to JavaScript with the package's
//    build settings (ESM loader hook, and require.cache for CommonJS such as pg);
// 3. the same, importing `tokenkeeper-server/verify` by name through the package's exports.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoRoot = join(packageDir, '..', '..');
const srcDir = join(packageDir, 'src');
const verifyEntry = join(srcDir, 'verify', 'index.ts');
const rootEntry = join(srcDir, 'index.ts');
// Inside the workspace's node_modules, so the built modules resolve jose, hono, pg as installed.
const work = join(repoRoot, 'node_modules', '.cache', `tokenkeeper-verify-entry-${process.pid}`);
const built = join(work, 'build');

interface Reached {
  /** Files of the package's store/ folder, relative to `root`. */
  store: string[];
  /** Files of the database drivers. */
  drivers: string[];
  all: string[];
}

const driver = /[\\/]node_modules[\\/](@electric-sql[\\/]pglite|pg|pg-[^\\/]+|@types[\\/]pg)[\\/]/;

/** Sorts the files a graph reached into the store's, the drivers', and the rest. */
function classify(paths: readonly string[], root: string): Reached {
  const all = [
    ...new Set(paths.map((path) => (path.startsWith('file:') ? fileURLToPath(path) : path))),
  ];
  const inRoot = all.map((path) => relative(root, path)).filter((path) => !path.startsWith('..'));
  return {
    store: inRoot.filter((path) => path.startsWith(`store${sep}`)),
    drivers: all.filter((path) => driver.test(path)),
    all,
  };
}

/** The package's build settings (tsconfig.build.json), emitting JavaScript only. */
function buildOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(packageDir, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('cannot read tsconfig.build.json');
  const { composite, incremental, tsBuildInfoFile, ...options } = parsed.options;
  return { ...options, outDir: built, declaration: false, declarationMap: false, sourceMap: false };
}

let programs: { verify: ts.Program; both: ts.Program } | undefined;

/** Programs rooted at the verify entry alone, and at it and the root entry (parsed once). */
function programsOf(): { verify: ts.Program; both: ts.Program } {
  if (!programs) {
    const options = buildOptions();
    const verify = ts.createProgram([verifyEntry], options);
    programs = {
      verify,
      both: ts.createProgram([rootEntry, verifyEntry], options, undefined, verify),
    };
  }
  return programs;
}

let modulesLogged = 0;

/**
 * Imports `specifier` in a fresh Node process and returns every module it loaded: each URL the
 * ESM loader resolved, and each file in require.cache (CommonJS loaded by require()).
 */
async function modulesLoadedBy(specifier: string, nodeArgs: string[] = []): Promise<string[]> {
  const log = join(work, `modules-${modulesLogged++}.log`);
  writeFileSync(log, '');
  const probe = [
    "import { createRequire } from 'node:module';",
    `await import(${JSON.stringify(specifier)});`,
    "const cache = createRequire(process.cwd() + '/').cache;",
    'process.stdout.write(JSON.stringify(Object.keys(cache)));',
  ].join('\n');
  const { stdout } = await run(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      pathToFileURL(join(work, 'register.mjs')).href,
      '--input-type=module',
      '-e',
      probe,
    ],
    { cwd: repoRoot, env: { ...process.env, TK_MODULE_LOG: log }, timeout: 60_000 },
  );
  const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return [...resolved, ...(JSON.parse(stdout) as string[])].filter(
    (url) => !url.startsWith('node:'),
  );
}

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, 'register.mjs'),
    [
      "import { register } from 'node:module';",
      "register('./record.mjs', import.meta.url, { data: { log: process.env.TK_MODULE_LOG } });",
    ].join('\n'),
  );
  writeFileSync(
    join(work, 'record.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'let log;',
      'export async function initialize(data) { log = data.log; }',
      'export async function resolve(specifier, context, nextResolve) {',
      '  const result = await nextResolve(specifier, context);',
      "  appendFileSync(log, result.url + '\\n');",
      '  return result;',
      '}',
    ].join('\n'),
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tokenkeeper-server/verify loads no store', () => {
  it('is exported by the package, built like the root entry, with types', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    const root = manifest.exports['.'];
    const entry = manifest.exports['./verify'];
    expect(entry).toEqual({
      source: './src/verify/index.ts',
      types: './dist/verify/index.d.ts',
      default: './dist/verify/index.js',
    });
    // The same source-to-dist mapping as the root entry, which tsc -b (rootDir src, outDir
    // dist) produces for both.
    expect(root).toEqual({
      source: './src/index.ts',
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    expect(existsSync(join(packageDir, entry?.source ?? ''))).toBe(true);
  });

  it('its TypeScript program holds no store file and no driver type; with the root entry it does', () => {
    const { verify: verifyProgram, both } = programsOf();
    const verify = classify(
      verifyProgram.getSourceFiles().map((file) => file.fileName),
      srcDir,
    );
    expect(verify.all).toContain(join(srcDir, 'verify', 'verifier.ts'));
    expect(verify.store).toEqual([]);
    expect(verify.drivers).toEqual([]);

    const root = classify(
      both.getSourceFiles().map((file) => file.fileName),
      srcDir,
    );
    expect(root.store).toContain(join('store', 'store.ts'));
    expect(root.drivers.some((path) => path.includes('pglite'))).toBe(true);
    expect(root.drivers.some((path) => /[\\/]@types[\\/]pg[\\/]/.test(path))).toBe(true);
  }, 120_000);

  it('built to JavaScript, importing it loads no store module and no driver', async () => {
    const emitted = programsOf().both.emit();
    expect(emitted.emitSkipped).toBe(false);
    // Outside a package scope (node_modules ends it): say the build is ESM, as the package does.
    writeFileSync(join(built, 'package.json'), '{"type":"module"}\n');

    const verify = classify(
      await modulesLoadedBy(pathToFileURL(join(built, 'verify', 'index.js')).href),
      built,
    );
    expect(verify.all).toContain(join(built, 'verify', 'verifier.js'));
    expect(verify.all.some((path) => /[\\/]node_modules[\\/]jose[\\/]/.test(path))).toBe(true);
    expect(verify.store).toEqual([]);
    expect(verify.drivers).toEqual([]);

    const root = classify(
      await modulesLoadedBy(pathToFileURL(join(built, 'index.js')).href),
      built,
    );
    expect(root.store).toContain(join('store', 'store.js'));
    expect(root.drivers.some((path) => path.includes('pglite'))).toBe(true);
    expect(root.drivers.some((path) => /[\\/]node_modules[\\/]pg[\\/]/.test(path))).toBe(true);
  }, 120_000);

  it('imported by name through the package exports, it loads no store module and no driver', async () => {
    const sources = ['--conditions=source', '--import', 'tsx'];
    const verify = classify(await modulesLoadedBy('tokenkeeper-server/verify', sources), srcDir);
    expect(verify.all).toContain(join(srcDir, 'verify', 'index.ts'));
    expect(verify.store).toEqual([]);
    expect(verify.drivers).toEqual([]);

    const root = classify(await modulesLoadedBy('tokenkeeper-server', sources), srcDir);
    expect(root.store).toContain(join('store', 'store.ts'));
    expect(root.drivers.some((path) => path.includes('pglite'))).toBe(true);
    expect(root.drivers.some((path) => /[\\/]node_modules[\\/]pg[\\/]/.test(path))).toBe(true);
  }, 120_000);
});
