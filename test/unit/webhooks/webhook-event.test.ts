import { expect } from 'chai';
import { JobRun, queuedClientStats, type ClientRunEntry, type ClientRunStats, type RunSummary } from '../../../src/domain/jobs/job-run.js';
import { clientShareFinishedEvents, RECONCILE_KIND, runFinishedEvent, webhookIdOf } from '../../../src/domain/webhooks/webhook-event.js';

const REQUESTED = new Date('2026-12-01T10:00:00.000Z');
const STARTED = new Date('2026-12-01T10:00:01.000Z');
const FINISHED = new Date('2026-12-01T10:00:31.500Z');

function aFinishedRun(fields: Partial<ConstructorParameters<typeof JobRun>[0]> = {}): JobRun {
  return new JobRun({
    id: '8c0e0000-0000-4000-8000-000000000001',
    kind: 'import',
    slug: 'all',
    status: 'succeeded',
    trigger: 'manual',
    requestedAt: REQUESTED,
    lastRequestedAt: REQUESTED,
    startedAt: STARTED,
    finishedAt: FINISHED,
    stats: {},
    error: null,
    cancelRequestedAt: null,
    ...fields,
  });
}

function share(fields: Partial<ClientRunStats> = {}): ClientRunStats {
  return { ...queuedClientStats(), status: 'succeeded', pages: 2, tickets: 10, messages: 40, upstreamRequests: 12, cursorBefore: null, cursorAfter: '2026-11-30T00:00:00.000Z', ...fields };
}

function summaryOf(clients: number): RunSummary {
  return {
    clients,
    byStatus: { queued: 0, running: 0, succeeded: clients, failed: 0, cancelled: 0 },
    failures: [],
    totals: { pages: 2 * clients, tickets: 10 * clients, messages: 40 * clients, skippedTickets: 0, listedTickets: 0, contacts: 0, tags: 0, deletedContacts: 0, deletionsHeld: 0, upstreamRequests: 12 * clients, retries: 0, rateLimited: 0 },
  };
}

describe('webhook payloads', () => {
  it('when a run of two clients finishes, then run.finished carries its timings, each client’s totals and the summary', () => {
    const clients: ClientRunEntry[] = [
      { slug: 'acme', stats: share() },
      { slug: 'globex', stats: share({ waitingForBudgetSince: '2026-12-01T10:00:02.000Z' }) },
    ];

    const { event, audienceSlug, runId } = runFinishedEvent(aFinishedRun(), summaryOf(2), clients);

    expect(runId).to.equal('8c0e0000-0000-4000-8000-000000000001');
    expect(audienceSlug).to.equal(null);
    expect(event.type).to.equal('run.finished');
    expect(event.timestamp).to.equal(FINISHED.toISOString());
    expect(event.data).to.include({ id: runId, kind: 'import', slug: 'all', trigger: 'manual', status: 'succeeded', error: null, durationSeconds: 30.5 });
    expect(event.data).to.include({ requestedAt: REQUESTED.toISOString(), startedAt: STARTED.toISOString(), finishedAt: FINISHED.toISOString() });
    expect(Object.keys(event.data.stats as object)).to.deep.equal(['acme', 'globex']);
    expect((event.data.stats as Record<string, object>).globex).to.not.have.property('waitingForBudgetSince');
    expect(event.data.summary).to.deep.equal({ clients: 2, byStatus: summaryOf(2).byStatus, totals: summaryOf(2).totals });
    expect(event.data.clients).to.deep.equal({ href: `/api/jobs/${runId}/clients`, complete: true });
  });

  it('when a run of more than 100 clients finishes, then run.finished gives the summary and the link to its client listing, no client’s totals', () => {
    const { event } = runFinishedEvent(aFinishedRun(), summaryOf(101), []);

    expect(event.data.stats).to.deep.equal({});
    expect((event.data.summary as RunSummary).clients).to.equal(101);
    expect(event.data.clients).to.deep.equal({ href: '/api/jobs/8c0e0000-0000-4000-8000-000000000001/clients', complete: false });
  });

  it('when a run of one client alone finishes, then that client’s own receiver gets run.finished too; a run over several clients goes to none of theirs', () => {
    expect(runFinishedEvent(aFinishedRun({ slug: 'acme' }), summaryOf(1), [{ slug: 'acme', stats: share() }]).audienceSlug).to.equal('acme');
    expect(runFinishedEvent(aFinishedRun({ slug: 'all' }), summaryOf(1), [{ slug: 'acme', stats: share() }]).audienceSlug).to.equal(null);
  });

  it('when a queued run is cancelled before any client started, then run.finished has no start and a zero duration', () => {
    const { event } = runFinishedEvent(aFinishedRun({ status: 'cancelled', startedAt: null }), null, []);

    expect(event.data).to.include({ status: 'cancelled', startedAt: null, durationSeconds: 31.5, summary: null });
  });

  it('when a client’s share finishes, then client_run.finished names the run and the client, with its counts, cursors and error', () => {
    const run = aFinishedRun({ status: 'running', finishedAt: null });
    const stats = share({ status: 'failed', error: 'upstream of client "acme" failed', cursorBefore: '2026-11-29T00:00:00.000Z', finishedAt: '2026-12-01T10:00:20.000Z' });

    const events = clientShareFinishedEvents(run, 'acme', stats, FINISHED);

    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ runId: run.id, clientSlug: 'acme', audienceSlug: 'acme' });
    expect(events[0]!.event.type).to.equal('client_run.finished');
    expect(events[0]!.event.timestamp).to.equal('2026-12-01T10:00:20.000Z');
    expect(events[0]!.event.data).to.include({
      id: run.id,
      kind: 'import',
      runSlug: 'all',
      client: 'acme',
      status: 'failed',
      tickets: 10,
      messages: 40,
      cursorBefore: '2026-11-29T00:00:00.000Z',
      cursorAfter: '2026-11-30T00:00:00.000Z',
      error: 'upstream of client "acme" failed',
    });
  });

  it('when a client’s share succeeds, then its error is null and the event time is the finish given', () => {
    const [only] = clientShareFinishedEvents(aFinishedRun(), 'acme', share(), FINISHED);

    expect(only!.event.data.error).to.equal(null);
    expect(only!.event.timestamp).to.equal(FINISHED.toISOString());
  });

  it('when a reconcile finds drift for a client, then reconcile.drift_detected follows its client_run.finished', () => {
    const run = aFinishedRun({ kind: RECONCILE_KIND as never });
    const drifted = { ...share({ tickets: 3, messages: 1, contacts: 2 }), drift: true } as ClientRunStats;

    const events = clientShareFinishedEvents(run, 'acme', drifted, FINISHED);

    expect(events.map((e) => e.event.type)).to.deep.equal(['client_run.finished', 'reconcile.drift_detected']);
    expect(events[1]!.event.data).to.include({ id: run.id, kind: 'reconcile', client: 'acme', drift: true, tickets: 3, messages: 1, contacts: 2 });
  });

  it('when a reconcile finds no drift, or another kind reports drift, then no drift event is sent', () => {
    const reconcile = aFinishedRun({ kind: RECONCILE_KIND as never });

    expect(clientShareFinishedEvents(reconcile, 'acme', { ...share(), drift: false } as ClientRunStats, FINISHED)).to.have.length(1);
    expect(clientShareFinishedEvents(aFinishedRun(), 'acme', { ...share(), drift: true } as ClientRunStats, FINISHED)).to.have.length(1);
  });

  it('when any payload is serialised, then it holds no token or secret field', () => {
    const payloads = [runFinishedEvent(aFinishedRun(), summaryOf(1), [{ slug: 'acme', stats: share() }]), ...clientShareFinishedEvents(aFinishedRun(), 'acme', share(), FINISHED)];

    for (const { event } of payloads) expect(JSON.stringify(event)).to.not.match(/token|secret|authorization|password/i);
  });

  it('when the same share or run ends twice (a redelivered job), then its events carry the same webhook-id; other events, other ids', () => {
    const run = aFinishedRun({ kind: RECONCILE_KIND });
    const first = clientShareFinishedEvents(run, 'acme', share({ drift: true } as Partial<ClientRunStats>), FINISHED);
    const again = clientShareFinishedEvents(run, 'acme', share({ status: 'cancelled', drift: true } as Partial<ClientRunStats>), new Date());

    expect(again.map((e) => e.webhookId)).to.deep.equal(first.map((e) => e.webhookId));
    expect(runFinishedEvent(run, summaryOf(1), []).webhookId).to.equal(runFinishedEvent(run, summaryOf(2), []).webhookId);
    const ids = [...first.map((e) => e.webhookId), webhookIdOf(run.id, 'globex', 'client_run.finished'), webhookIdOf(run.id, null, 'run.finished'), webhookIdOf('8c0e0000-0000-4000-8000-000000000002', 'acme', 'client_run.finished')];
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^msg_[0-9a-f]{32}$/);
  });
});
