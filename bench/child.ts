/**
 * A TypeScript module run in its own Node process (through tsx, with the `source` condition so
 * workspace packages load from src/), talking to its parent over IPC. Benchmarks use fresh
 * processes where sharing one would blur the figure: a client's memory, a server's CPU.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Every IPC message has a `type`. */
export interface Message {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface Child {
  readonly pid: number | undefined;
  send(message: Message): void;
  /** The next message of `type` (earlier messages of other types are dropped). */
  next<T extends Message>(type: T['type'], timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
  /** Ends the process (SIGKILL) if it still runs. */
  kill(): void;
}

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Runs `module` (a path relative to bench/) in a new process. */
export function forkModule(
  module: string,
  options: { exposeGc?: boolean; env?: NodeJS.ProcessEnv } = {},
): Child {
  const execArgv = ['--import', 'tsx', '--conditions=source'];
  if (options.exposeGc) execArgv.push('--expose-gc');
  const child: ChildProcess = fork(fileURLToPath(new URL(module, import.meta.url)), [], {
    cwd: BENCH_DIR,
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Message[] = [];
  const waiting: Array<{ type: string; resolve(m: Message): void; reject(e: Error): void }> = [];
  let ended: { code: number | null } | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      ended = { code };
      for (const waiter of waiting.splice(0)) {
        waiter.reject(
          new Error(`${module} exited (${signal ?? code}) before sending "${waiter.type}"`),
        );
      }
      resolve(code);
    });
  });
  child.on('message', (raw) => {
    const message = raw as Message;
    const at = waiting.findIndex((waiter) => waiter.type === message.type);
    if (at >= 0) waiting.splice(at, 1)[0]?.resolve(message);
    else inbox.push(message);
  });
  return {
    pid: child.pid,
    send(message) {
      child.send(message);
    },
    next<T extends Message>(type: string, timeoutMs = 120_000): Promise<T> {
      const at = inbox.findIndex((message) => message.type === type);
      if (at >= 0) return Promise.resolve(inbox.splice(at, 1)[0] as T);
      if (ended) return Promise.reject(new Error(`${module} has exited; no "${type}" will come`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          const index = waiting.indexOf(waiter);
          if (index >= 0) waiting.splice(index, 1);
          reject(new Error(`${module} sent no "${type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          type,
          resolve: (message: Message) => {
            clearTimeout(timer);
            resolve(message as T);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        waiting.push(waiter);
      });
    },
    exited: () => exit,
    kill() {
      if (!ended) child.kill('SIGKILL');
    },
  };
}

/** In a child: the parent's messages, one handler; and a typed send. */
export function parentPort(): {
  send(message: Message): void;
  next<T extends Message>(type: T['type']): Promise<T>;
  /** Sends the last message, then ends the process (open keep-alive sockets would hold it). */
  finish(message: Message): void;
} {
  if (!process.send) throw new Error('this module runs as a child of a benchmark (IPC needed)');
  const inbox: Message[] = [];
  const waiting: Array<{ type: string; resolve(m: Message): void }> = [];
  process.on('message', (raw) => {
    const message = raw as Message;
    const at = waiting.findIndex((waiter) => waiter.type === message.type);
    if (at >= 0) waiting.splice(at, 1)[0]?.resolve(message);
    else inbox.push(message);
  });
  return {
    send(message) {
      process.send?.(message);
    },
    finish(message) {
      process.send?.(message, undefined, {}, () => process.exit(0));
    },
    next<T extends Message>(type: string): Promise<T> {
      const at = inbox.findIndex((message) => message.type === type);
      if (at >= 0) return Promise.resolve(inbox.splice(at, 1)[0] as T);
      return new Promise<T>((resolve) => {
        waiting.push({ type, resolve: (message) => resolve(message as T) });
      });
    },
  };
}
