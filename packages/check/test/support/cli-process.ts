// Runs the real tokenkeeper-check CLI in a child process, the way a user would. The sources are
// transpiled once per test file into a temporary directory laid out like the published package
// (the tool has no runtime dependencies, so plain node runs it): a run then costs a node start,
// not a TypeScript compile. Asynchronous, because the servers under test live in the test's own
// process.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

let built: string | undefined;

/** Transpiles src/ to <tmp>/dist (type-checking is `npm test`'s tsc), once per process. */
function buildCli(): string {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), 'tokenkeeper-check-cli-'));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  cpSync(join(packageDir, 'package.json'), join(out, 'package.json'));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [join(dir, entry.name)]
          : [],
    );
  for (const file of walk(join(packageDir, 'src'))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(out, 'dist', relative(join(packageDir, 'src'), file)).replace(
      /\.ts$/,
      '.js',
    );
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  built = join(out, 'dist', 'cli.js');
  return built;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: readonly string[],
  stdin = '',
): { child: ChildProcess; done: Promise<Finished>; stderr: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [buildCli(), ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin!.end(stdin);
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

export const runCli = (args: readonly string[], stdin = ''): Promise<Finished> =>
  startCli(args, stdin).done;
