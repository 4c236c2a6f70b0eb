import { ChildProcess } from 'child_process';
import * as os from 'os';

/**
 * Signals, whenever they come: the CLI listens from its first line to its last, so there is no
 * window in which a signal kills it with a temporary directory or a child process left behind.
 * On SIGINT, SIGTERM or SIGHUP the running children (each its own process group) are stopped,
 * the clean-ups registered so far run, the message for the current step is printed, and the
 * CLI exits with 128 + the signal's number (130 for Ctrl-C). A second signal during that is
 * ignored: the clean-up finishes.
 */
export const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long a child may take to stop after the signal before it is killed outright. */
const GRACE_MS = 3_000;

export function exitCodeFor(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0);
}

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const children = new Set<ChildProcess>();
let message: (signal: NodeJS.Signals) => string = () => 'Cancelled: nothing was written.';
let handling = false;

/** Runs `cleanup` if a signal ends the CLI; call the returned function once it is no longer needed. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => { cleanups.delete(cleanup); };
}

/** What to tell the user if a signal ends the CLI now (what was kept, how to finish). */
export function setInterruptMessage(text: (signal: NodeJS.Signals) => string): void {
  message = text;
}

/** Whether a signal is being handled: the CLI is about to exit, nothing else should be said. */
export function isInterrupted(): boolean {
  return handling;
}

/** A child in its own process group, to be stopped (the whole group) on a signal. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('close', () => children.delete(child));
}

/** Sends `signal` to a child's whole process group; it may be gone already. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has exited.
  }
}

/** Stops every tracked child: the signal first, SIGKILL for what is still running after the grace period. */
async function stopChildren(signal: NodeJS.Signals): Promise<void> {
  await Promise.all([...children].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      killGroup(child, 'SIGKILL');
      resolve();
      return;
    }
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), GRACE_MS);
    child.once('close', () => {
      clearTimeout(timer);
      // Grandchildren the child left in its group go too.
      killGroup(child, 'SIGKILL');
      resolve();
    });
    killGroup(child, signal);
  })));
}

function runCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // Keep cleaning; the user is told what was kept.
    }
  }
  cleanups.clear();
}

/**
 * Listens for the signals for the rest of the process's life. `err` prints the final message.
 */
export function listenForSignals(err: (text: string) => void): void {
  for (const signal of HANDLED_SIGNALS) {
    process.on(signal, () => {
      if (handling) return;
      handling = true;
      const finish = () => {
        runCleanups();
        // prompts hides the cursor while it asks; show it again.
        if (process.stdout.isTTY) process.stdout.write('\u001b[?25h');
        err(`\n${message(signal)}`);
        process.exit(exitCodeFor(signal));
      };
      if (children.size === 0) finish();
      else void stopChildren(signal).then(finish);
    });
  }
}
