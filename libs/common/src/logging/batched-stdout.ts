import { SonicBoom } from 'sonic-boom';

/** Where a logger writes its lines: process.stdout, or the batched stdout below. */
export interface LineOutput {
  write(line: string): unknown;
}

/**
 * Log lines gathered during one turn of the event loop and written to a file descriptor with one
 * write after it (`setImmediate`), instead of one write per line: under load one write carries
 * the access lines of every request the turn answered (docs/adr/0018). The write is
 * synchronous and complete (sonic-boom's synchronous mode: partial writes continued, a full
 * pipe waited for), so a line is out before the next turn begins, and whatever is still gathered
 * when the process exits (`process.exit`, an uncaught exception, the end of the event loop) is
 * written from the `exit` event. Only a kill that runs no JavaScript (SIGKILL) can lose the
 * lines of the turn it interrupts.
 */
export class BatchedLineOutput implements LineOutput {
  private readonly destination: SonicBoom;
  private pending = '';
  private scheduled = false;
  private readonly flushNow = () => {
    this.scheduled = false;
    this.flush();
  };

  constructor(fd: number) {
    this.destination = new SonicBoom({ fd, sync: true, minLength: 0 });
    process.on('exit', () => this.flush());
  }

  write(line: string): void {
    this.pending += line;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
  }

  /** Writes what is gathered, at once. */
  flush(): void {
    if (this.pending === '') return;
    const lines = this.pending;
    this.pending = '';
    this.destination.write(lines);
  }
}

let stdout: BatchedLineOutput | undefined;

/** The process's one batched stdout (one per process, so lines keep their order). */
export function batchedStdout(): BatchedLineOutput {
  stdout ??= new BatchedLineOutput(1);
  return stdout;
}
