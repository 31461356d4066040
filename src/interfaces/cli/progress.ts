import cliProgress from 'cli-progress';
import type { JobRunView } from './admin-api-client.js';
import { progressLine, progressOf, waitingForText } from './run-progress.js';

/** The bar's resolution: a tenth of a percent. */
const BAR_STEPS = 1000;

/** Shows a run's progress while the CLI waits for it. */
export interface ProgressView {
  update(run: JobRunView): void;
  /** Idempotent. */
  stop(): void;
}

/** A live bar on a terminal; plain lines elsewhere (logs, CI), where redrawing would leave control characters. */
export function createProgressView(stream: NodeJS.WriteStream): ProgressView {
  return stream.isTTY ? new BarProgressView(stream) : new PlainProgressView(stream);
}

/** One line per change of the numbers or the status; nothing while they stand still. */
export class PlainProgressView implements ProgressView {
  private last = '';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  update(run: JobRunView): void {
    const line = progressLine(run);
    if (line === this.last) return;
    this.last = line;
    this.stream.write(`${line}\n`);
  }

  stop(): void {}
}

/** The bar fills as the run's share done grows; finished clients and the counters summed over clients run alongside it. */
export class BarProgressView implements ProgressView {
  private readonly bar: cliProgress.SingleBar;
  private started = false;

  constructor(stream: NodeJS.WritableStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{kind} [{bar}] {percentage}% | {finished}/{clients} clients | {status} | {counters}{waiting}',
        hideCursor: true,
        // The CLI handles Ctrl-C itself (it stops the bar, then says how to follow the job).
        gracefulExit: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(run: JobRunView): void {
    const progress = progressOf(run);
    const payload = {
      kind: run.kind,
      status: progress.status,
      finished: progress.clientsFinished,
      clients: progress.clients,
      counters: progress.counters.map(({ label, value }) => `${label} ${value}`).join(' · '),
      waiting: progress.waiting.length ? ` | ${waitingForText(progress.waiting)}` : '',
    };
    const value = Math.floor(progress.done * BAR_STEPS);
    if (!this.started) {
      this.started = true;
      this.bar.start(BAR_STEPS, value, payload);
      return;
    }
    this.bar.update(value, payload);
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}
