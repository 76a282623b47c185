import { reportsDue } from '../../src/domain/reportSchedule.js';
import { PROCEDURE } from '../support/intakeHarness.js';

const cal = PROCEDURE.calendar;
const opts = { quarterly: true, yearly: true, catchUpDays: 31 };
const labels = (now: string, delivered: string[] = []) =>
  reportsDue(new Date(now), cal, new Set(delivered), opts).map((p) => [p.label, p.dueAt.toISOString()]);

describe('reportsDue', () => {
  test('Q3 2026 is due on Thu 1 Oct 2026 at 08:30 (a working day), not before', () => {
    expect(labels('2026-10-01T08:29:00+02:00')).toEqual([]);
    expect(labels('2026-10-01T08:30:00+02:00')).toEqual([['2026-Q3', '2026-10-01T06:30:00.000Z']]);
  });

  test('Q4 2026 and the year 2026: New Year is a holiday and 2-3 Jan a weekend, so Mon 4 Jan 2027 08:30', () => {
    expect(labels('2027-01-01T12:00:00+01:00')).toEqual([]);
    expect(labels('2027-01-04T08:30:00+01:00')).toEqual([
      ['2026-Q4', '2027-01-04T07:30:00.000Z'],
      ['2026', '2027-01-04T07:30:00.000Z'],
    ]);
  });

  test('once delivered, never again; a worker down for days catches up, but not after the catch-up window', () => {
    expect(labels('2027-01-05T10:00:00+01:00', ['2026-Q4', '2026'])).toEqual([]);
    expect(labels('2027-01-11T10:00:00+01:00', ['2026'])).toEqual([['2026-Q4', '2027-01-04T07:30:00.000Z']]);
    expect(labels('2027-02-10T10:00:00+01:00')).toEqual([]);
  });
});

describe('deliverDueReports', () => {
  test('queues the Q4 report and the yearly analysis once, whatever runs it again', async () => {
    const { deliverDueReports } = await import('../../src/usecases/deliverReports.js');
    const { listOutbox } = await import('../../src/adapters/sqlite/outbox.js');
    const { registerCase } = await import('../../src/usecases/registerCase.js');
    const { intakeHarness } = await import('../support/intakeHarness.js');
    const h = intakeHarness({}, new Date('2026-11-24T09:00:00Z'));
    registerCase(h.deps, {
      email: 'a@k.test',
      name: 'A',
      description: 'Klacht over <script>',
      by: 'Jan',
      acknowledge: false,
    });
    const deps = {
      calendar: cal,
      settings: {
        from: 'k@s.test',
        complaintsAddress: 'k@s.test',
        messageIdDomain: 'kb.test',
        organisationName: 'StudiJob',
      },
      recipients: ['directie@s.test'],
      quarterly: true,
      yearly: true,
      catchUpDays: 31,
    };
    const monday = new Date('2027-01-04T08:30:00+01:00');
    expect(deliverDueReports(h.db, deps, new Date('2027-01-04T08:29:00+01:00'))).toEqual([]);
    expect(deliverDueReports(h.db, deps, monday)).toHaveLength(2);
    expect(deliverDueReports(h.db, deps, monday)).toEqual([]);
    expect(deliverDueReports(h.db, deps, new Date('2027-01-05T09:00:00+01:00'))).toEqual([]);
    const mails = listOutbox(h.db, {});
    expect(mails.map((m) => [m.kind, m.subject])).toEqual([
      ['report', 'Klachtenrapportage 2026-Q4 — StudiJob'],
      ['report', 'Jaaranalyse klachten 2026 — StudiJob'],
    ]);
    expect(mails[0]!.to).toEqual(['directie@s.test']);
    expect(mails[0]!.html).toContain('<svg');
    expect(mails[0]!.html).not.toContain('<script>');
    expect(mails[0]!.text).toContain('2026-Q4');
  });
});
