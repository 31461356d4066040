import { Writable } from 'node:stream';
import { expect } from 'chai';
import { BarProgressView, PlainProgressView } from '../../src/interfaces/cli/progress.js';
import { progressLine, progressOf, waitingForText } from '../../src/interfaces/cli/run-progress.js';
import { aRunView } from './job-run-view-builder.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('CLI: progress of a run', () => {
  it('when an import has clients in several states, then the bar counts the finished ones and the counters are summed over all', () => {
    const run = aRunView({
      stats: {
        acme: { status: 'succeeded', pages: 3, tickets: 300, messages: 5000 },
        globex: { status: 'running', pages: 1, tickets: 100, messages: 120 },
        revoked: { status: 'failed', pages: 0, tickets: 0, messages: 0 },
        late: { status: 'queued', pages: 0 },
      },
    });

    expect(progressOf(run)).to.deep.equal({
      status: 'running',
      // Two finished, two without an upstream count yet: half done.
      done: 0.5,
      clientsFinished: 2,
      clients: 4,
      counters: [
        { label: 'pages', value: 4 },
        { label: 'tickets', value: 400 },
        { label: 'messages', value: 5120 },
      ],
      waiting: [],
    });
  });

  it('when a large run shows only some of its clients, then the bar and the counters come from its summary over all of them', () => {
    const shown = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c-${i}`, { status: 'running' as const, listedTickets: 5, expectedTickets: 10, tickets: 5 }]));
    const run = aRunView({ stats: shown });
    const summary = { ...run.summary!, clients: 400, byStatus: { queued: 100, running: 100, succeeded: 200, failed: 0, cancelled: 0 }, totals: { ...run.summary!.totals, tickets: 9000 } };

    const progress = progressOf({ ...run, summary, clients: { ...run.clients, complete: false } });

    // 200 finished, 100 halfway, 100 not started, of 400.
    expect(progress).to.deep.include({ done: 0.625, clientsFinished: 200, clients: 400 });
    expect(progress.counters).to.deep.include({ label: 'tickets', value: 9000 });
  });

  it('when clients wait for their rate budget, then the plain line names them with since when, and the bar for how long', () => {
    const run = aRunView({
      stats: {
        acme: { status: 'running', waitingForBudgetSince: '2026-11-28T10:00:00.000Z' },
        beta: { status: 'running' },
      },
    });

    const progress = progressOf(run);

    expect(progress.waiting).to.deep.equal([{ slug: 'acme', since: '2026-11-28T10:00:00.000Z' }]);
    expect(progressLine(run)).to.match(/; waiting for the rate budget: acme since 10:00:00Z$/);
    expect(waitingForText(progress.waiting, Date.parse('2026-11-28T10:00:42.000Z'))).to.equal('waiting for the rate budget: acme 42 s');
  });

  it('when a contacts sync is followed, then its counters are pages, contacts, tag links and deleted contacts', () => {
    const run = aRunView({ kind: 'contacts-sync', stats: { acme: { pages: 2, contacts: 180, tags: 12, deletedContacts: 3 } } });

    expect(progressLine(run)).to.equal('contacts-sync running: 0%, 0/1 clients finished, pages 2, contacts 180, tag links 12, deleted 3');
  });

  it('when the run has not been fanned out yet, then the line shows no clients and zero counters', () => {
    expect(progressLine(aRunView({ status: 'queued', startedAt: null }))).to.equal('import queued: 0%, 0/0 clients finished, pages 0, tickets 0, messages 0');
  });

  it('when the plain view sees the same numbers again, then it prints nothing; when they change, then one line', () => {
    const { stream, text } = capture();
    const view = new PlainProgressView(stream);

    view.update(aRunView({ stats: { acme: { pages: 1, tickets: 100, messages: 200, listedTickets: 100, expectedTickets: 400 } } }));
    view.update(aRunView({ stats: { acme: { pages: 1, tickets: 100, messages: 200, listedTickets: 100, expectedTickets: 400 } } }));
    view.update(aRunView({ stats: { acme: { pages: 2, tickets: 150, messages: 260, listedTickets: 200, expectedTickets: 400 } } }));
    view.update(aRunView({ status: 'succeeded', stats: { acme: { status: 'succeeded', pages: 2, tickets: 150, messages: 260 } } }));
    view.stop();

    expect(text()).to.equal(
      [
        'import running: 25%, 0/1 clients finished, pages 1, tickets 100, messages 200',
        'import running: 50%, 0/1 clients finished, pages 2, tickets 150, messages 260',
        'import succeeded: 100%, 1/1 clients finished, pages 2, tickets 150, messages 260',
        '',
      ].join('\n'),
    );
  });

  it('when the bar is drawn on a terminal, then it shows the share done, the finished clients out of all, the status and the counters, and moves as they change', () => {
    const { stream, text } = capture();
    Object.assign(stream, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const view = new BarProgressView(stream);

    view.update(aRunView({ stats: { acme: { status: 'running', pages: 1, tickets: 100, messages: 200, listedTickets: 100, expectedTickets: 200 }, globex: { status: 'queued' } } }));
    view.update(aRunView({ status: 'succeeded', stats: { acme: { status: 'succeeded', pages: 2, tickets: 150, messages: 260 }, globex: { status: 'succeeded', pages: 1, tickets: 5, messages: 9 } } }));
    view.stop();

    expect(text()).to.include('25% | 0/2 clients | running | pages 1 · tickets 100 · messages 200');
    expect(text()).to.include('100% | 2/2 clients | succeeded | pages 3 · tickets 155 · messages 269');
  });

  it('when a client walked more tickets than the upstream counted (they changed meanwhile), then its share stops at 100% until it finishes', () => {
    const run = aRunView({ stats: { acme: { listedTickets: 130, expectedTickets: 120 }, globex: { listedTickets: 30, expectedTickets: 120 } } });

    expect(progressOf(run).done).to.equal((1 + 0.25) / 2);
  });

  it('when a contacts sync has its upstream count, then its share is the contacts stored over the contacts expected', () => {
    const run = aRunView({ kind: 'contacts-sync', stats: { acme: { pages: 1, contacts: 50, expectedContacts: 200 } } });

    expect(progressLine(run)).to.equal('contacts-sync running: 25%, 0/1 clients finished, pages 1, contacts 50, tag links 0, deleted 0');
  });
});
