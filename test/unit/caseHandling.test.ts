import { eventsForCase } from '../../src/adapters/sqlite/events.js';
import { BUILTIN_PROFILES } from '../../src/config/profiles.js';
import { addNote, closeCase, reopenCase, type CloseRequirement } from '../../src/usecases/closeCase.js';
import { showCase } from '../../src/usecases/caseViews.js';
import { recordDiscussion, recordFeedback } from '../../src/usecases/recordMilestone.js';
import { registerCase } from '../../src/usecases/registerCase.js';
import { setCaseFields } from '../../src/usecases/setCaseFields.js';
import { intakeHarness } from '../support/intakeHarness.js';

const CATEGORIES = ['werkwijze', 'facturatie', 'overig'];
const now = new Date('2026-11-24T09:00:00Z');
const later = new Date('2026-11-25T09:00:00Z');

function setup() {
  const h = intakeHarness({}, now);
  registerCase(h.deps, {
    email: 'p@klant.test',
    name: 'Petra',
    description: 'Te late uitzendkracht',
    by: 'Jan',
    acknowledge: false,
  });
  return h;
}

const rules = (name: string) => (BUILTIN_PROFILES[name]!.closeRequires ?? ['solution']) as CloseRequirement[];

describe('setCaseFields', () => {
  test('sets every field the procedures record, one audited event per change', () => {
    const h = setup();
    const r = setCaseFields(
      h.db,
      'KL-2026-0001',
      {
        complainantType: 'client',
        customerName: 'Bouwbedrijf De Vries',
        peopleInvolved: 'Kees (uitzendkracht), Anja (intercedent)',
        category: 'werkwijze',
        cause: 'Planning niet doorgegeven',
        controlMeasures: 'Dubbele controle op de planning',
        internalCommunication: 'Teamoverleg maandag',
        internalCommunicationAt: '2026-11-30T08:30:00.000Z',
      },
      'Debby',
      later,
      { categories: CATEGORIES },
    );
    expect(r.changed).toHaveLength(8);
    const c = showCase(h.db, 'KL-2026-0001');
    expect(c).toMatchObject({
      customerName: 'Bouwbedrijf De Vries',
      category: 'werkwijze',
      complainant: { type: 'client' },
      handling: { cause: 'Planning niet doorgegeven', internalCommunication: { how: 'Teamoverleg maandag' } },
    });
    const sets = c.timeline.filter((e) => e.type === 'case.field-set');
    expect(sets).toHaveLength(8);
    expect(sets[0]).toMatchObject({
      actor: 'Debby',
      at: later.toISOString(),
      data: { field: 'complainantType', from: 'unknown', to: 'client' },
    });
    // Setting the same values again changes nothing and records nothing.
    expect(
      setCaseFields(h.db, 'KL-2026-0001', { category: 'werkwijze' }, 'Debby', later, { categories: CATEGORIES })
        .changed,
    ).toEqual([]);
  });

  test('bad values are refused, all at once, and nothing is changed', () => {
    const h = setup();
    expect(() =>
      setCaseFields(
        h.db,
        'KL-2026-0001',
        { category: 'onbekend', complainantType: 'klant', cause: 'x' },
        'Debby',
        later,
        {
          categories: CATEGORIES,
        },
      ),
    ).toThrow(/^(?=.*type must be one of)(?=.*category must be one of)/s);
    expect(showCase(h.db, 'KL-2026-0001').handling.cause).toBeNull();
  });
});

describe('closing a case', () => {
  test('the default procedure asks for the solution; the customer satisfaction is recorded', () => {
    const h = setup();
    expect(() => closeCase(h.db, 'KL-2026-0001', 'Debby', 'satisfied', () => rules('default'), later)).toThrow(
      /asks for:\n {2}- the solution/,
    );
    recordFeedback(h.db, 'KL-2026-0001', 'Debby', { solution: 'Vervangende uitzendkracht' }, later);
    const c = closeCase(h.db, 'KL-2026-0001', 'Debby', 'satisfied', () => rules('default'), later);
    expect(c).toMatchObject({
      status: 'closed',
      closedBy: 'Debby',
      satisfaction: 'satisfied',
      closedAt: later.toISOString(),
    });
    expect(() => closeCase(h.db, 'KL-2026-0001', 'Debby', 'unknown', () => rules('default'), later)).toThrow(
      'already closed',
    );
  });

  test('Spijtenburg asks for the discussion with the employee, the cause and measures: all missing named at once', () => {
    const h = setup();
    recordFeedback(h.db, 'KL-2026-0001', 'Debby', { solution: 'Opgelost' }, later);
    let message = '';
    try {
      closeCase(h.db, 'KL-2026-0001', 'Debby', 'unknown', () => rules('spijtenburg'), later);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('the discussion with the employee');
    expect(message).toContain('the cause');
    expect(message).toContain('the measures');
    recordDiscussion(h.db, 'KL-2026-0001', { employee: 'Anja', at: now, note: 'Afspraken herhaald' }, 'Debby', later);
    setCaseFields(h.db, 'KL-2026-0001', { cause: 'Miscommunicatie', preventiveMeasures: 'Checklist' }, 'Debby', later, {
      categories: CATEGORIES,
    });
    expect(closeCase(h.db, 'KL-2026-0001', 'Debby', 'not-satisfied', () => rules('spijtenburg'), later).status).toBe(
      'closed',
    );
  });

  test('StudiJob also asks how it is communicated internally', () => {
    const h = setup();
    recordFeedback(h.db, 'KL-2026-0001', 'Debby', { solution: 'Opgelost' }, later);
    setCaseFields(h.db, 'KL-2026-0001', { cause: 'x', controlMeasures: 'y' }, 'Debby', later, {
      categories: CATEGORIES,
    });
    expect(() => closeCase(h.db, 'KL-2026-0001', 'Debby', 'unknown', () => rules('studijob'), later)).toThrow(
      /communicated internally/,
    );
  });

  test('reopen and notes are on the timeline', () => {
    const h = setup();
    recordFeedback(h.db, 'KL-2026-0001', 'Debby', { solution: 'Opgelost' }, later);
    closeCase(h.db, 'KL-2026-0001', 'Debby', 'satisfied', () => rules('default'), later);
    addNote(h.db, 'KL-2026-0001', 'Jan', 'Klant belde nog na', later);
    const c = reopenCase(h.db, 'KL-2026-0001', 'Jan', 'Klant toch ontevreden', later);
    expect(c).toMatchObject({ status: 'open', closedAt: null, closedBy: null });
    const types = eventsForCase(h.db, c.id).map((e) => e.type);
    expect(types.slice(-4)).toEqual(['milestone.feedback', 'case.closed', 'case.note', 'case.reopened']);
    expect(() => reopenCase(h.db, 'KL-2026-0001', 'Jan', null, later)).toThrow('is open');
  });
});
