/** Whether this process started the OpenTelemetry SDK, and how to flush it on shutdown. */
class TracingState {
  #shutdown: (() => Promise<void>) | undefined;

  get enabled(): boolean {
    return this.#shutdown !== undefined;
  }

  enable(shutdown: () => Promise<void>): void {
    this.#shutdown = shutdown;
  }

  /** Exports the spans still buffered; resolves at once when tracing is off. */
  async shutdown(): Promise<void> {
    const shutdown = this.#shutdown;
    this.#shutdown = undefined;
    await shutdown?.();
  }
}

export const tracingState = new TracingState();
