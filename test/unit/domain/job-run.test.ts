import { expect } from 'chai';
import { JobRun, queuedClientStats, resumedClientStats, type ClientRunStats, type ClientTally, type JobRunFields } from '../../../src/domain/jobs/job-run.js';
import { at } from '../../fakes/builders.js';

function aRun(fields: Partial<JobRunFields> = {}): JobRun {
  return new JobRun({
    id: 'run-1',
    kind: 'import',
    slug: 'all',
    status: 'running',
    trigger: 'manual',
    requestedAt: at(0),
    lastRequestedAt: at(0),
    startedAt: at(1),
    finishedAt: null,
    stats: {},
    error: null,
    cancelRequestedAt: null,
    ...fields,
  });
}

function aTally(counts: Partial<ClientTally['byStatus']>, failures: ClientTally['failures'] = []): ClientTally {
  const byStatus = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, ...counts };
  return { clients: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, failures };
}

const failuresOf = (count: number) => Array.from({ length: count }, (_, k) => ({ slug: `client-${String(k + 1).padStart(3, '0')}`, error: `error ${k + 1}` }));

describe('JobRun', () => {
  describe('finished and stopRequested', () => {
    for (const status of ['queued', 'running'] as const) {
      it(`when the run is ${status} and not cancelled, then it is not finished and its clients go on`, () => {
        expect(aRun({ status })).to.include({ finished: false, stopRequested: false });
      });
    }
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
      it(`when the run is ${status}, then it is finished and its clients stop`, () => {
        expect(aRun({ status })).to.include({ finished: true, stopRequested: true });
      });
    }
    it('when a running run is cancelled, then it is not finished yet but its clients stop', () => {
      expect(aRun({ status: 'running', cancelRequestedAt: at(5) })).to.include({ finished: false, stopRequested: true });
    });
  });

  describe('outcome', () => {
    it('when a client is still queued or running, then the run has no outcome yet', () => {
      expect(aRun().outcome(aTally({ succeeded: 3, queued: 1 }))).to.equal(null);
      expect(aRun().outcome(aTally({ succeeded: 3, running: 1 }))).to.equal(null);
      expect(aRun({ cancelRequestedAt: at(5) }).outcome(aTally({ cancelled: 3, running: 1 }))).to.equal(null);
    });

    it('when every client succeeded, or was skipped as deleted or deactivated, then the run succeeded with no error', () => {
      expect(aRun().outcome(aTally({ succeeded: 249, cancelled: 1 }))).to.deep.equal({ status: 'succeeded', error: null });
    });

    it('when some clients failed, then the run failed, its error naming each on its own line, in the order given', () => {
      const outcome = aRun().outcome(aTally({ succeeded: 5, failed: 2 }, [
        { slug: 'acme', error: 'the upstream rejected the token' },
        { slug: 'beta', error: 'upstream unavailable' },
      ]));

      expect(outcome).to.deep.equal({ status: 'failed', error: 'acme: the upstream rejected the token\nbeta: upstream unavailable' });
    });

    it('when exactly 20 clients failed, then all 20 are named and nothing more', () => {
      const outcome = aRun().outcome(aTally({ failed: 20 }, failuresOf(20)));

      const lines = outcome!.error!.split('\n');
      expect(lines).to.have.length(20);
      expect(lines[19]).to.equal('client-020: error 20');
    });

    it('when more than 20 clients failed, then 20 are named and one more line says how many more failed', () => {
      // The store gives at most 20 failures however many failed: the count comes from byStatus.
      const outcome = aRun().outcome(aTally({ succeeded: 100, failed: 150 }, failuresOf(20)));

      const lines = outcome!.error!.split('\n');
      expect(outcome!.status).to.equal('failed');
      expect(lines).to.have.length(21);
      expect(lines.slice(0, 20)).to.deep.equal(failuresOf(20).map((f) => `${f.slug}: ${f.error}`));
      expect(lines[20]).to.equal('… and 130 more failed clients');
    });

    it('when the tally lists more failures than 20, then still only 20 are named', () => {
      const outcome = aRun().outcome(aTally({ failed: 25 }, failuresOf(25)));

      expect(outcome!.error!.split('\n')).to.have.length(21);
      expect(outcome!.error!.split('\n')[20]).to.equal('… and 5 more failed clients');
    });

    it('when the run was cancelled, then it ends cancelled even though clients failed, and the error still names them', () => {
      const outcome = aRun({ cancelRequestedAt: at(5) }).outcome(aTally({ succeeded: 1, failed: 1, cancelled: 3 }, [{ slug: 'beta', error: 'boom' }]));

      expect(outcome).to.deep.equal({ status: 'cancelled', error: 'beta: boom' });
    });

    it('when the run was cancelled and no client failed, then it ends cancelled with no error', () => {
      expect(aRun({ cancelRequestedAt: at(5) }).outcome(aTally({ succeeded: 2, cancelled: 3 }))).to.deep.equal({ status: 'cancelled', error: null });
    });
  });
});

describe('resumedClientStats', () => {
  const firstAttempt: ClientRunStats = {
    ...queuedClientStats(),
    status: 'queued',
    startedAt: at(100).toISOString(),
    pages: 2,
    tickets: 12,
    messages: 30,
    skippedTickets: 1,
    listedTickets: 12,
    expectedTickets: 25,
    upstreamRequests: 45,
    retries: 2,
    rateLimited: 1,
    cursorBefore: at(0).toISOString(),
    cursorAfter: at(12).toISOString(),
  };

  it('when there was no earlier attempt, then the attempt is recorded as it is', () => {
    const attempt: ClientRunStats = { ...firstAttempt, status: 'running' };

    expect(resumedClientStats(null, attempt)).to.equal(attempt);
    expect(resumedClientStats(queuedClientStats(), attempt)).to.equal(attempt);
  });

  it('when an interrupted attempt is resumed, then the counts are sums, and the start and the cursor before are the first attempt\'s', () => {
    const second: ClientRunStats = {
      ...queuedClientStats(),
      status: 'succeeded',
      startedAt: at(200).toISOString(),
      finishedAt: at(300).toISOString(),
      pages: 2,
      tickets: 13,
      messages: 20,
      skippedTickets: 0,
      listedTickets: 14,
      expectedTickets: 14,
      upstreamRequests: 40,
      retries: 0,
      rateLimited: 3,
      cursorBefore: at(12).toISOString(),
      cursorAfter: at(25).toISOString(),
    };

    expect(resumedClientStats(firstAttempt, second)).to.deep.equal({
      status: 'succeeded',
      startedAt: at(100).toISOString(),
      finishedAt: at(300).toISOString(),
      pages: 4,
      tickets: 25,
      messages: 50,
      skippedTickets: 1,
      listedTickets: 26,
      // What the first attempt walked, plus what the second expected.
      expectedTickets: 26,
      upstreamRequests: 85,
      retries: 2,
      rateLimited: 4,
      cursorBefore: at(0).toISOString(),
      cursorAfter: at(25).toISOString(),
    });
  });

  it('when a contacts sync is resumed, then its contact counts add up and its expected count covers both attempts', () => {
    const previous: ClientRunStats = { ...queuedClientStats(), status: 'queued', startedAt: at(1).toISOString(), pages: 2, contacts: 100, tags: 7, deletedContacts: 0, expectedContacts: 250, upstreamRequests: 2, cursorBefore: null, cursorAfter: '2' };
    const attempt: ClientRunStats = { ...queuedClientStats(), status: 'succeeded', startedAt: at(9).toISOString(), pages: 3, contacts: 150, tags: 3, deletedContacts: 4, expectedContacts: 150, upstreamRequests: 3, cursorBefore: '2', cursorAfter: '0' };

    expect(resumedClientStats(previous, attempt)).to.deep.include({ pages: 5, contacts: 250, tags: 10, deletedContacts: 4, expectedContacts: 250, upstreamRequests: 5, startedAt: at(1).toISOString(), cursorBefore: null, cursorAfter: '0' });
  });
});
