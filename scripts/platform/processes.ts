// Owns every child process of the local platform: starts each in its own process group, prefixes
// its output with its name, and stops whole groups (so no Java or esbuild grandchild is orphaned).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { formatForTerminal, showInTerminal, type TerminalMode } from './log-filter';

export interface LogSink {
  line(source: string, text: string): void;
  close(): void;
}

export interface LogSinkOptions {
  /** Every line goes here (appended), whatever the terminal shows. */
  file?: string;
  /** What the terminal shows: `quiet` (npm run dev), `verbose` (--verbose), or nothing (tests, benchmarks). */
  terminal?: TerminalMode | 'none';
}

const colours = [36, 35, 33, 32, 34, 91, 96, 95, 93];

/** Writes prefixed lines to the log file and, filtered, to the terminal. */
export function createLogSink(options: LogSinkOptions = {}): LogSink {
  const file: WriteStream | null = options.file ? createWriteStream(options.file, { flags: 'a' }) : null;
  const terminal = options.terminal ?? 'none';
  const colourOf = new Map<string, number>();
  const useColour = process.stdout.isTTY === true;
  return {
    line(source, text) {
      const label = source.padEnd(14);
      file?.write(`${new Date().toISOString()} ${label}| ${text}\n`);
      if (terminal === 'none' || !showInTerminal(terminal, source, text)) return;
      if (!colourOf.has(source)) colourOf.set(source, colours[colourOf.size % colours.length] ?? 37);
      const prefix = useColour ? `\u001b[${colourOf.get(source)}m${label}\u001b[0m` : label;
      process.stdout.write(`${prefix}| ${terminal === 'quiet' ? formatForTerminal(text) : text}\n`);
    },
    close() {
      file?.end();
    },
  };
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export class ProcessGroup {
  private readonly processes: ManagedProcess[] = [];
  private stopping = false;
  /** Processes stopped on purpose one at a time (a fault drill, stopOne): their exit is expected. */
  private readonly stoppedOnPurpose = new Set<ChildProcess>();

  constructor(
    private readonly log: LogSink,
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
  ) {}

  start(name: string, command: string, args: string[], options: SpawnOptions): ManagedProcess {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => {
      for (const text of chunk.toString('utf8').split(/\r?\n/)) if (text.trim() !== '') this.log.line(name, text);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => {
        if (!this.stopping && !this.stoppedOnPurpose.has(child)) this.onUnexpectedExit(name, code);
        resolve(code);
      });
      child.on('error', (error) => {
        this.log.line(name, `failed to start: ${error.message}`);
        resolve(null);
      });
    });
    const managed = { name, child, exited };
    this.processes.push(managed);
    return managed;
  }

  /**
   * Kills the live processes started as `name` (their whole groups), on purpose: their exit is not reported as
   * unexpected. What the resilience suite's fault drills use to take an emulator or a service down; SIGKILL by
   * default, as a crash would. Resolves once they have exited.
   */
  async stopOne(name: string, signal: NodeJS.Signals = 'SIGKILL', graceMs = 5000): Promise<void> {
    const alive = this.processes.filter((p) => p.name === name && p.child.exitCode === null && p.child.signalCode === null);
    for (const p of alive) {
      this.stoppedOnPurpose.add(p.child);
      signalGroup(p.child, signal);
    }
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([Promise.all(alive.map((p) => p.exited)), timeout])) === 'timeout') for (const p of alive) signalGroup(p.child, 'SIGKILL');
    await Promise.race([Promise.all(alive.map((p) => p.exited)), new Promise((r) => setTimeout(r, 500).unref())]);
    // Forget them: stopAll and killAllNow deal with the live ones only.
    for (const p of alive) this.processes.splice(this.processes.indexOf(p), 1);
  }

  /** SIGTERM to every group, then SIGKILL to what is still alive after the grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const alive = this.processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of alive) signalGroup(p.child, 'SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    await Promise.race([Promise.all(alive.map((p) => p.exited)), timeout]);
    for (const p of alive) signalGroup(p.child, 'SIGKILL');
    // The leaders are gone; their groups may still hold a straggler (esbuild, workers).
    await Promise.race([Promise.all(alive.map((p) => p.exited)), new Promise((r) => setTimeout(r, 500).unref())]);
  }

  /** Last resort on process exit: synchronous, no waiting. */
  killAllNow(): void {
    this.stopping = true;
    for (const p of this.processes) signalGroup(p.child, 'SIGKILL');
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
