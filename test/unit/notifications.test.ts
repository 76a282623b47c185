import { DateTime } from 'luxon';
import {
  DEFAULT_POLICY,
  dueNotifications,
  isOverdue,
  planNotifications,
  planNotificationsRemembered,
  subtractBusinessHours,
  type DeadlineState,
  type NotificationKind,
  type NotificationPolicy,
  type NotifiedMilestone,
  type PlannedNotification,
} from '../../src/domain/notifications.js';
import { createWorkingCalendar, type WorkingCalendarOptions } from '../../src/domain/workingCalendar.js';

// Every expected instant is written by hand with its Amsterdam UTC offset: +01:00 in winter time,
// +02:00 in summer time (2026: from Sun 29 Mar to Sun 25 Oct). Business hours 08:30–17:30.
const at = (iso: string): Date => new Date(iso);
const iso = (d: Date): string => d.toISOString();

const base: WorkingCalendarOptions = {
  goodFridayOff: false,
  liberationDay: 'lustrum',
  extraClosedDays: [],
  businessHours: { start: '08:30', end: '17:30' },
};
const cal = createWorkingCalendar(base);

type MilestoneInput = DeadlineState['milestones'][number];
const caseWith = (milestones: MilestoneInput[], over: Partial<DeadlineState> = {}): DeadlineState => ({
  caseId: 7,
  caseNumber: 'KL-2026-0001',
  open: true,
  milestones,
  ...over,
});
const due = (milestone: NotifiedMilestone, dueAt: string | null, doneAt: string | null = null): MilestoneInput => ({
  milestone,
  dueAt: dueAt === null ? null : at(dueAt),
  doneAt: doneAt === null ? null : at(doneAt),
});

/** The fire times of one milestone's notifications as ISO strings, by kind. */
function fireTimes(plan: PlannedNotification[], milestone: NotifiedMilestone = 'contact'): Record<string, string> {
  return Object.fromEntries(plan.filter((n) => n.milestone === milestone).map((n) => [n.kind, iso(n.fireAt)]));
}
const expected = (reminder: string, manager: string, director: string): Record<NotificationKind, string> => ({
  reminder: iso(at(reminder)),
  'escalation-manager': iso(at(manager)),
  'escalation-director': iso(at(director)),
});
const planFor = (dueAt: string, policy: NotificationPolicy = DEFAULT_POLICY) =>
  fireTimes(planNotifications(caseWith([due('contact', dueAt)]), cal, policy));

describe('the worked examples (default policy)', () => {
  test('due Thu 26 Nov 10:00: reminder at 08:30 that morning, since 4 h before is Wed 15:00', () => {
    expect(iso(subtractBusinessHours(cal, at('2026-11-26T10:00+01:00'), 4))).toBe(iso(at('2026-11-25T15:00+01:00')));
    expect(planFor('2026-11-26T10:00+01:00')).toEqual(
      expected('2026-11-26T08:30+01:00', '2026-11-26T10:00+01:00', '2026-11-30T10:00+01:00'),
    );
  });

  test('due Tue 1 Dec 16:00: reminder 4 business hours before, 12:00, being later than 08:30', () => {
    expect(planFor('2026-12-01T16:00+01:00')).toEqual(
      expected('2026-12-01T12:00+01:00', '2026-12-01T16:00+01:00', '2026-12-03T16:00+01:00'),
    );
  });

  test('due Mon 30 Nov 09:00: 4 h before is Fri 14:00 (0.5 h Mon, 3.5 h Fri), so Mon 08:30 wins', () => {
    expect(iso(subtractBusinessHours(cal, at('2026-11-30T09:00+01:00'), 4))).toBe(iso(at('2026-11-27T14:00+01:00')));
    expect(planFor('2026-11-30T09:00+01:00')).toEqual(
      expected('2026-11-30T08:30+01:00', '2026-11-30T09:00+01:00', '2026-12-02T09:00+01:00'),
    );
  });

  test('due Thu 24 Dec 16:00: the directors hear on Tue 29 Dec, after Christmas and the weekend', () => {
    expect(planFor('2026-12-24T16:00+01:00')).toEqual(
      expected('2026-12-24T12:00+01:00', '2026-12-24T16:00+01:00', '2026-12-29T16:00+01:00'),
    );
  });
});

describe('a whole plan', () => {
  // Received Tue 24 Nov 10:00: contact within 2 working days, feedback within 5.
  const state = caseWith([due('feedback', '2026-12-01T10:00+01:00'), due('contact', '2026-11-26T10:00+01:00')]);

  test('is sorted by fire time, with deterministic keys that carry the due time in epoch ms', () => {
    const plan = planNotifications(state, cal, DEFAULT_POLICY);
    expect(plan.map((n) => [n.key, iso(n.fireAt)])).toEqual([
      ['KL-2026-0001.contact.reminder.1795683600000', iso(at('2026-11-26T08:30+01:00'))],
      ['KL-2026-0001.contact.escalation-manager.1795683600000', iso(at('2026-11-26T10:00+01:00'))],
      ['KL-2026-0001.contact.escalation-director.1795683600000', iso(at('2026-11-30T10:00+01:00'))],
      ['KL-2026-0001.feedback.reminder.1796115600000', iso(at('2026-12-01T08:30+01:00'))],
      ['KL-2026-0001.feedback.escalation-manager.1796115600000', iso(at('2026-12-01T10:00+01:00'))],
      ['KL-2026-0001.feedback.escalation-director.1796115600000', iso(at('2026-12-03T10:00+01:00'))],
    ]);
    expect(plan[0]).toEqual({
      key: 'KL-2026-0001.contact.reminder.1795683600000',
      caseId: 7,
      caseNumber: 'KL-2026-0001',
      milestone: 'contact',
      kind: 'reminder',
      dueAt: at('2026-11-26T10:00+01:00'),
      fireAt: at('2026-11-26T08:30+01:00'),
    });
  });

  test('keys are the same on every run, distinct, and contain no colon', () => {
    const keys = planNotifications(state, cal, DEFAULT_POLICY).map((n) => n.key);
    expect(planNotifications(state, cal, DEFAULT_POLICY).map((n) => n.key)).toEqual(keys);
    expect(new Set(keys).size).toBe(6);
    for (const key of keys) expect(key).not.toContain(':');
  });

  test('a deadline that moves gets new keys', () => {
    const moved = caseWith([due('contact', '2026-11-26T11:00+01:00')]);
    const before = new Set(planNotifications(state, cal, DEFAULT_POLICY).map((n) => n.key));
    for (const n of planNotifications(moved, cal, DEFAULT_POLICY)) expect(before.has(n.key)).toBe(false);
  });

  test('notifications firing at the same instant keep milestone then kind order', () => {
    const same = caseWith([due('solution', '2026-11-26T08:30+01:00'), due('contact', '2026-11-26T08:30+01:00')]);
    const plan = planNotifications(same, cal, { ...DEFAULT_POLICY, directorAfterWorkingDays: 0 });
    // All six fire at Thu 08:30: the reminder at the opening, both escalations at the deadline.
    expect(new Set(plan.map((n) => iso(n.fireAt)))).toEqual(new Set([iso(at('2026-11-26T08:30+01:00'))]));
    expect(plan.map((n) => `${n.milestone}.${n.kind}`)).toEqual([
      'contact.reminder',
      'contact.escalation-manager',
      'contact.escalation-director',
      'solution.reminder',
      'solution.escalation-manager',
      'solution.escalation-director',
    ]);
  });
});

describe('what is not planned', () => {
  test('nothing for a closed case', () => {
    expect(
      planNotifications(caseWith([due('contact', '2026-11-26T10:00+01:00')], { open: false }), cal, DEFAULT_POLICY),
    ).toEqual([]);
  });

  test('nothing for a milestone that is done or has no deadline; the others still are', () => {
    const state = caseWith([
      due('contact', '2026-11-26T10:00+01:00', '2026-11-25T09:12+01:00'),
      due('feedback', null),
      due('solution', '2026-12-10T12:00+01:00'),
    ]);
    const plan = planNotifications(state, cal, DEFAULT_POLICY);
    expect(plan.map((n) => `${n.milestone}.${n.kind}`)).toEqual([
      'solution.reminder',
      'solution.escalation-manager',
      'solution.escalation-director',
    ]);
  });

  test('a done milestone whose deadline passed long ago plans nothing either', () => {
    const state = caseWith([due('contact', '2026-01-05T10:00+01:00', '2026-01-20T10:00+01:00')]);
    expect(planNotifications(state, cal, DEFAULT_POLICY)).toEqual([]);
  });
});

describe('deadlines outside business hours', () => {
  test('due on Sunday (a calendar-day deadline): reminder Friday, escalations from Monday opening', () => {
    // Sunday has no opening of its own, so only "4 business hours before" counts: Fri 17:30 − 4 h.
    expect(planFor('2026-11-29T14:00+01:00')).toEqual(
      expected('2026-11-27T13:30+01:00', '2026-11-30T08:30+01:00', '2026-12-02T08:30+01:00'),
    );
  });

  test('due before opening: the reminder is never later than the deadline, then moves to opening', () => {
    expect(planFor('2026-11-24T07:00+01:00')).toEqual(
      expected('2026-11-24T08:30+01:00', '2026-11-24T08:30+01:00', '2026-11-26T08:30+01:00'),
    );
  });

  test('due after closing: reminder 4 h before closing, manager next morning', () => {
    expect(planFor('2026-11-24T20:00+01:00')).toEqual(
      expected('2026-11-24T13:30+01:00', '2026-11-25T08:30+01:00', '2026-11-27T08:30+01:00'),
    );
  });

  test('due exactly at closing: that is after hours for the escalation', () => {
    expect(planFor('2026-11-24T17:30+01:00')).toEqual(
      expected('2026-11-24T13:30+01:00', '2026-11-25T08:30+01:00', '2026-11-27T08:30+01:00'),
    );
  });
});

describe('policy', () => {
  test('without the start-of-day rule the reminder goes 4 business hours before', () => {
    const policy = { ...DEFAULT_POLICY, reminder: { leadBusinessHours: 4, atStartOfDueDay: false } };
    expect(planFor('2026-11-26T10:00+01:00', policy).reminder).toBe(iso(at('2026-11-25T15:00+01:00')));
  });

  test('a lead of 12 business hours reaches back to the day before', () => {
    const policy = { ...DEFAULT_POLICY, reminder: { leadBusinessHours: 12, atStartOfDueDay: true } };
    // 1.5 h Thu, 9 h Wed, 1.5 h Tue: Tue 16:00; the Thursday opening is later.
    expect(iso(subtractBusinessHours(cal, at('2026-11-26T10:00+01:00'), 12))).toBe(iso(at('2026-11-24T16:00+01:00')));
    expect(planFor('2026-11-26T10:00+01:00', policy).reminder).toBe(iso(at('2026-11-26T08:30+01:00')));
  });

  test('no lead and no start-of-day rule: the reminder goes with the manager escalation', () => {
    const policy = { reminder: { leadBusinessHours: 0, atStartOfDueDay: false }, directorAfterWorkingDays: 0 };
    expect(planFor('2026-11-26T10:00+01:00', policy)).toEqual(
      expected('2026-11-26T10:00+01:00', '2026-11-26T10:00+01:00', '2026-11-26T10:00+01:00'),
    );
  });

  test('DEFAULT_POLICY is the documented default and cannot be changed by accident', () => {
    expect(DEFAULT_POLICY).toEqual({
      reminder: { leadBusinessHours: 4, atStartOfDueDay: true },
      directorAfterWorkingDays: 2,
    });
    expect(Object.isFrozen(DEFAULT_POLICY) && Object.isFrozen(DEFAULT_POLICY.reminder)).toBe(true);
  });

  test.each([
    ['negative lead', { reminder: { leadBusinessHours: -1, atStartOfDueDay: true }, directorAfterWorkingDays: 2 }],
    [
      'infinite lead',
      { reminder: { leadBusinessHours: Infinity, atStartOfDueDay: true }, directorAfterWorkingDays: 2 },
    ],
    ['fractional days', { reminder: { leadBusinessHours: 4, atStartOfDueDay: true }, directorAfterWorkingDays: 1.5 }],
  ])('rejects a bad policy: %s', (_name, policy) => {
    expect(() => planNotifications(caseWith([]), cal, policy)).toThrow(RangeError);
  });
});

describe('bad input', () => {
  test('a case number with a colon cannot be part of a job id', () => {
    const state = caseWith([due('contact', '2026-11-26T10:00+01:00')], { caseNumber: 'KL:2026:0001' });
    expect(() => planNotifications(state, cal, DEFAULT_POLICY)).toThrow(/cannot be part of a key/);
  });

  test('a milestone listed twice', () => {
    const state = caseWith([due('contact', '2026-11-26T10:00+01:00'), due('contact', '2026-11-27T10:00+01:00')]);
    expect(() => planNotifications(state, cal, DEFAULT_POLICY)).toThrow(/contact twice/);
  });

  test('an invalid due date', () => {
    expect(() => planNotifications(caseWith([due('contact', 'nonsense')]), cal, DEFAULT_POLICY)).toThrow(RangeError);
  });
});

describe('the week of the end of summer time (Sun 25 Oct 2026)', () => {
  test('due Mon 26 Oct 10:00 CET: 4 h before is Fri 23 Oct 15:00 CEST; the plan keeps wall-clock times', () => {
    expect(iso(subtractBusinessHours(cal, at('2026-10-26T10:00+01:00'), 4))).toBe(iso(at('2026-10-23T15:00+02:00')));
    expect(planFor('2026-10-26T10:00+01:00')).toEqual(
      expected('2026-10-26T08:30+01:00', '2026-10-26T10:00+01:00', '2026-10-28T10:00+01:00'),
    );
  });

  test('due Fri 23 Oct 16:00 CEST: directors on Tue 27 Oct 16:00 CET', () => {
    expect(planFor('2026-10-23T16:00+02:00')).toEqual(
      expected('2026-10-23T12:00+02:00', '2026-10-23T16:00+02:00', '2026-10-27T16:00+01:00'),
    );
  });

  test('due on the Sunday itself: reminder Friday afternoon CEST, manager Monday opening CET', () => {
    expect(planFor('2026-10-25T12:00+01:00')).toEqual(
      expected('2026-10-23T13:30+02:00', '2026-10-26T08:30+01:00', '2026-10-28T08:30+01:00'),
    );
  });

  test('start of summer time: 4 h before Mon 30 Mar 2026 09:00 CEST is Fri 27 Mar 14:00 CET', () => {
    expect(iso(subtractBusinessHours(cal, at('2026-03-30T09:00+02:00'), 4))).toBe(iso(at('2026-03-27T14:00+01:00')));
  });
});

describe('subtractBusinessHours', () => {
  test.each([
    ['ending exactly at an opening gives that opening', '2026-11-24T12:30+01:00', 4, '2026-11-24T08:30+01:00'],
    ['from Saturday: back from Friday closing', '2026-11-28T11:00+01:00', 1, '2026-11-27T16:30+01:00'],
    ['from an opening: back from the previous closing', '2026-11-30T08:30+01:00', 4, '2026-11-27T13:30+01:00'],
    ['the inverse of addBusinessHours: 18 h', '2026-11-26T10:00+01:00', 18, '2026-11-24T10:00+01:00'],
    ['over Christmas: 0.5 h Mon 28 Dec, 3.5 h Thu 24 Dec', '2026-12-28T09:00+01:00', 4, '2026-12-24T14:00+01:00'],
    ['half an hour', '2026-11-25T08:45+01:00', 0.5, '2026-11-24T17:15+01:00'],
    ['zero hours is the instant itself, even after hours', '2026-11-24T20:00+01:00', 0, '2026-11-24T20:00+01:00'],
  ])('%s', (_name, from, hours, result) => {
    expect(iso(subtractBusinessHours(cal, at(from), hours))).toBe(iso(at(result)));
  });

  test('follows custom business hours (09:00–17:00): 1 h Monday, 3 h back from Friday 17:00', () => {
    const c = createWorkingCalendar({ ...base, businessHours: { start: '09:00', end: '17:00' } });
    expect(iso(subtractBusinessHours(c, at('2026-11-30T10:00+01:00'), 4))).toBe(iso(at('2026-11-27T14:00+01:00')));
  });

  test('rejects negative or infinite hours', () => {
    expect(() => subtractBusinessHours(cal, at('2026-11-24T10:00+01:00'), -1)).toThrow(RangeError);
    expect(() => subtractBusinessHours(cal, at('2026-11-24T10:00+01:00'), NaN)).toThrow(RangeError);
  });
});

describe('dueNotifications and isOverdue', () => {
  const state = caseWith([due('contact', '2026-11-26T10:00+01:00')]);
  const plan = planNotifications(state, cal, DEFAULT_POLICY);

  test('due when fireAt <= now, in plan order', () => {
    expect(dueNotifications(plan, at('2026-11-26T08:29:59.999+01:00'))).toEqual([]);
    expect(dueNotifications(plan, at('2026-11-26T09:59:59.999+01:00')).map((n) => n.kind)).toEqual(['reminder']);
    expect(dueNotifications(plan, at('2026-11-26T10:00+01:00')).map((n) => n.kind)).toEqual([
      'reminder',
      'escalation-manager',
    ]);
    expect(dueNotifications(plan, at('2027-01-01T00:00+01:00'))).toEqual(plan);
  });

  test('overdue only strictly after the deadline, and only while open and not done', () => {
    expect(isOverdue(state, at('2026-11-26T10:00+01:00'))).toBe(false);
    expect(isOverdue(state, at('2026-11-26T10:00:00.001+01:00'))).toBe(true);
    expect(isOverdue({ ...state, open: false }, at('2026-12-01T10:00+01:00'))).toBe(false);
    const done = caseWith([due('contact', '2026-11-26T10:00+01:00', '2026-11-27T10:00+01:00')]);
    expect(isOverdue(done, at('2026-12-01T10:00+01:00'))).toBe(false);
    expect(isOverdue(caseWith([due('contact', null)]), at('2026-12-01T10:00+01:00'))).toBe(false);
    const mixed = caseWith([
      due('contact', '2026-11-26T10:00+01:00', '2026-11-25T10:00+01:00'),
      due('feedback', '2026-12-01T10:00+01:00'),
    ]);
    expect(isOverdue(mixed, at('2026-11-30T10:00+01:00'))).toBe(false);
    expect(isOverdue(mixed, at('2026-12-01T10:01+01:00'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random complaints. The PRNG is seeded, so a failure reproduces; the failures
// are collected with their inputs and compared to [] so the report shows what went wrong.

/** mulberry32: a small 32-bit PRNG; good enough to spread test inputs, not for anything secret. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const int = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const FROM = at('2026-01-01T00:00+01:00').getTime();
const UNTIL = at('2028-01-01T00:00+01:00').getTime();
const OPEN_MINUTE = 8 * 60 + 30;
const CLOSE_MINUTE = 17 * 60 + 30;
const RUNS = 500;

function withinBusinessHours(d: Date): boolean {
  const local = DateTime.fromJSDate(d, { zone: 'Europe/Amsterdam' });
  const minute = local.hour * 60 + local.minute;
  return cal.isWorkingDay(d) && minute >= OPEN_MINUTE && minute < CLOSE_MINUTE;
}

/** Checks the invariants of one plan; returns what is wrong, if anything. */
function planProblems(plan: PlannedNotification[]): string[] {
  const problems: string[] = [];
  for (const n of plan) if (!withinBusinessHours(n.fireAt)) problems.push(`${n.key} fires at ${iso(n.fireAt)}`);
  for (let i = 1; i < plan.length; i++) {
    if (plan[i - 1]!.fireAt > plan[i]!.fireAt) problems.push(`not sorted at ${plan[i]!.key}`);
  }
  for (const milestone of ['contact', 'feedback', 'solution'] as const) {
    const of = (kind: NotificationKind) => plan.find((n) => n.milestone === milestone && n.kind === kind);
    const [reminder, manager, director] = [of('reminder'), of('escalation-manager'), of('escalation-director')];
    if (!reminder && !manager && !director) continue;
    if (!reminder || !manager || !director) {
      problems.push(`${milestone}: incomplete`);
      continue;
    }
    if (reminder.fireAt > manager.fireAt) problems.push(`${reminder.key} after its manager escalation`);
    if (manager.fireAt > director.fireAt) problems.push(`${manager.key} after its director escalation`);
  }
  const keys = plan.map((n) => n.key);
  if (new Set(keys).size !== keys.length) problems.push('duplicate keys');
  for (const key of keys) if (key.includes(':')) problems.push(`${key} contains ':'`);
  return problems;
}

describe('properties of plans for random complaints in 2026–2027', () => {
  test(`${RUNS} complaints with working-day deadlines, default policy`, () => {
    const rand = prng(20261126);
    const failures: string[] = [];
    let planned = 0;
    for (let run = 0; run < RUNS; run++) {
      const received = new Date(FROM + Math.floor(rand() * (UNTIL - FROM)));
      const milestones = (['contact', 'feedback', 'solution'] as const).map((milestone) => ({
        milestone,
        dueAt: cal.addWorkingDays(received, int(rand, 0, 10)),
        doneAt: rand() < 0.2 ? received : null,
      }));
      const plan = planNotifications(caseWith(milestones, { caseNumber: `KL-2026-${run}` }), cal, DEFAULT_POLICY);
      planned += plan.length;
      const problems = planProblems(plan);
      for (const n of plan) {
        // A working-day deadline is within business hours: it is neither moved nor preceded by its reminder.
        if (n.kind === 'escalation-manager' && n.fireAt.getTime() !== n.dueAt.getTime())
          problems.push(`${n.key} moved`);
        if (n.kind === 'reminder' && n.fireAt > n.dueAt) problems.push(`${n.key} after the deadline`);
      }
      const open = milestones.filter((m) => m.doneAt === null).length;
      if (plan.length !== 3 * open) problems.push(`${plan.length} notifications for ${open} open milestones`);
      for (const p of problems) failures.push(`received ${iso(received)}: ${p}`);
    }
    expect(failures).toEqual([]);
    expect(planned).toBeGreaterThan(RUNS * 3); // the loop really planned something
  });

  test(`${RUNS} complaints with arbitrary due instants and random policies`, () => {
    const rand = prng(42);
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const dueAt = new Date(FROM + Math.floor(rand() * (UNTIL - FROM)));
      const policy: NotificationPolicy = {
        reminder: { leadBusinessHours: int(rand, 0, 40) / 4, atStartOfDueDay: rand() < 0.5 },
        directorAfterWorkingDays: int(rand, 0, 5),
      };
      const plan = planNotifications(caseWith([{ milestone: 'solution', dueAt, doneAt: null }]), cal, policy);
      const problems = planProblems(plan);
      if (plan.length !== 3) problems.push(`${plan.length} notifications`);
      for (const p of problems) failures.push(`due ${iso(dueAt)}, ${JSON.stringify(policy)}: ${p}`);
    }
    expect(failures).toEqual([]);
  });

  test(`subtractBusinessHours undoes addBusinessHours (${RUNS} random instants and amounts)`, () => {
    const rand = prng(7);
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const from = new Date(FROM + Math.floor(rand() * (UNTIL - FROM)));
      const hours = int(rand, 1, 120) / 4;
      const back = subtractBusinessHours(cal, from, hours);
      // Closing time and the next opening are the same moment in business time: compare after nextBusinessStart.
      const again = cal.nextBusinessStart(cal.addBusinessHours(back, hours));
      if (back > from) failures.push(`${iso(from)} − ${hours} h = ${iso(back)} is later`);
      if (!withinBusinessHours(back)) failures.push(`${iso(from)} − ${hours} h = ${iso(back)} outside business hours`);
      if (again.getTime() !== cal.nextBusinessStart(from).getTime()) {
        failures.push(`${iso(from)} − ${hours} h = ${iso(back)}, + ${hours} h = ${iso(again)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test(`the calendar: addWorkingDays is on a working day, within hours and not before receipt (${RUNS} runs)`, () => {
    const rand = prng(1795683600);
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const received = new Date(FROM + Math.floor(rand() * (UNTIL - FROM)));
      const n = int(rand, 0, 10);
      const dueAt = cal.addWorkingDays(received, n);
      if (!cal.isWorkingDay(dueAt)) failures.push(`${iso(received)} + ${n} = ${iso(dueAt)} on a closed day`);
      if (!withinBusinessHours(dueAt)) failures.push(`${iso(received)} + ${n} = ${iso(dueAt)} outside hours`);
      if (dueAt < received) failures.push(`${iso(received)} + ${n} = ${iso(dueAt)} is earlier`);
    }
    expect(failures).toEqual([]);
  });
});

describe('remembered plans', () => {
  test('the same state gives the remembered plan; a changed state is planned anew, as planNotifications would', () => {
    const state = caseWith([due('contact', '2026-11-26T10:00:00+01:00'), due('feedback', '2026-12-01T10:00:00+01:00')]);
    const first = planNotificationsRemembered(state, cal, DEFAULT_POLICY);
    expect(first).toEqual(planNotifications(state, cal, DEFAULT_POLICY));
    // Another object with the same content: the remembered array itself.
    expect(planNotificationsRemembered(structuredClone(state), cal, DEFAULT_POLICY)).toBe(first);

    const contacted = caseWith([
      due('contact', '2026-11-26T10:00:00+01:00', '2026-11-25T09:00:00+01:00'),
      due('feedback', '2026-12-01T10:00:00+01:00'),
    ]);
    const second = planNotificationsRemembered(contacted, cal, DEFAULT_POLICY);
    expect(second).not.toBe(first);
    expect(second).toEqual(planNotifications(contacted, cal, DEFAULT_POLICY));
    expect(second.some((n) => n.milestone === 'contact')).toBe(false);
    expect(planNotificationsRemembered({ ...state, open: false }, cal, DEFAULT_POLICY)).toEqual([]);
    // Another policy is another plan.
    const later = { ...DEFAULT_POLICY, directorAfterWorkingDays: 5 };
    expect(planNotificationsRemembered(state, cal, later)).toEqual(planNotifications(state, cal, later));
  });
});
