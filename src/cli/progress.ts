import { fit } from './ui';

/**
 * What the install is doing, while it does it: each step with how long it usually takes, and in a
 * terminal a status line under the command's own output (how long it has run, and for npm how
 * far it is: npm's `http` log lines say each package manifest it reads and each package it
 * unpacks). The command's other lines (warnings, errors, its summary) are shown as they come.
 */

/** How far npm is, counted from its log. */
export interface NpmProgress {
  /** Package manifests read (npm resolving the versions). */
  readonly manifests: number;
  /** Packages fetched or taken from the cache to be unpacked. */
  readonly packages: number;
}

export const NO_PROGRESS: NpmProgress = { manifests: 0, packages: 0 };

/**
 * One line of npm's output: whether it is a log line of its progress (counted, not shown), or a
 * line for the user (a warning, an error, "added 548 packages in 34s").
 */
export function readNpmLine(progress: NpmProgress, line: string): { progress: NpmProgress; show: boolean } {
  const log = /^npm http (fetch|cache) (?:GET \d+ )?(\S+)/.exec(line);
  if (!log) return { progress, show: line.trim().length > 0 };
  const tarball = log[1] === 'cache' || /\.tgz(?:$|\?)/.test(log[2]);
  return {
    progress: tarball ? { ...progress, packages: progress.packages + 1 } : { ...progress, manifests: progress.manifests + 1 },
    show: false,
  };
}

/** `41 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
}

/** The status line: how long the step has run, and what npm is at. */
export function statusLine(progress: NpmProgress, elapsedMs: number): string {
  const at = progress.packages > 0 ? `unpacking packages (${progress.packages} so far)`
    : progress.manifests > 0 ? `resolving versions (${progress.manifests} package manifest${progress.manifests === 1 ? '' : 's'} read)`
      : 'starting';
  return `  ${duration(elapsedMs)}: ${at}`;
}

/** One command of the install, as it is announced. */
export interface InstallStep {
  /** What it does, e.g. "Installing dependencies with npm". */
  readonly title: string;
  /** How long it usually takes, e.g. "usually 30 s to 2 minutes". */
  readonly usually: string;
  /** Whether its output is npm's (so its progress can be counted). */
  readonly npm: boolean;
}

export interface ProgressOutput {
  readonly stdout: Pick<NodeJS.WriteStream, 'write'> & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: Pick<NodeJS.WriteStream, 'write'>;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Shows the steps of an install: `start` announces one, `output` passes its command's output on
 * (without npm's progress log), `end` says how long it took. In a terminal the status line is
 * redrawn every second below the output; elsewhere (CI logs) there is none.
 */
export class InstallProgress {
  private step?: InstallStep;
  private started = 0;
  private progress = NO_PROGRESS;
  private timer?: NodeJS.Timeout;
  private statusShown = false;
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  private readonly now: () => number;

  constructor(private readonly out: ProgressOutput) {
    this.now = out.now ?? Date.now;
  }

  private get live(): boolean {
    return Boolean(this.out.stdout.isTTY);
  }

  start(step: InstallStep, index: number, count: number): void {
    this.step = step;
    this.started = this.now();
    this.progress = NO_PROGRESS;
    this.out.stdout.write(`${fit(`${step.title}… (${count > 1 ? `step ${index} of ${count}, ` : ''}${step.usually})`, this.out.stdout)}\n`);
    if (this.live) {
      this.drawStatus();
      this.timer = setInterval(() => this.drawStatus(), 1000);
      this.timer.unref();
    }
  }

  /** A chunk of the command's output, from its stdout or stderr. */
  output(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk;
    const lines = text.split(/\r?\n/);
    this.partial[stream] = lines.pop()!;
    for (const line of lines) this.line(stream, line);
  }

  private line(stream: 'stdout' | 'stderr', line: string): void {
    if (this.step?.npm) {
      const read = readNpmLine(this.progress, line);
      this.progress = read.progress;
      if (!read.show) return;
    }
    this.clearStatus();
    this.out[stream].write(`${line}\n`);
    if (this.live) this.drawStatus();
  }

  /** The step has ended; `ok`: it succeeded. Returns how long it took. */
  end(ok: boolean): number {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.line(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearStatus();
    const took = this.now() - this.started;
    if (ok && this.step) this.out.stdout.write(`  done in ${duration(took)}.\n`);
    this.step = undefined;
    return took;
  }

  private drawStatus(): void {
    const columns = this.out.stdout.columns || 80;
    const text = statusLine(this.progress, this.now() - this.started).slice(0, columns - 1);
    this.out.stdout.write(`\r\u001b[K${text}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.out.stdout.write('\r\u001b[K');
    this.statusShown = false;
  }
}
