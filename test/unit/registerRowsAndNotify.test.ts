import { getCaseByNumber } from '../../src/adapters/sqlite/cases.js';
import { listOutbox } from '../../src/adapters/sqlite/outbox.js';
import { DEFAULT_POLICY, planNotifications } from '../../src/domain/notifications.js';
import { deadlineStateOf } from '../../src/adapters/sqlite/milestones.js';
import { recordContact, recordFeedback } from '../../src/usecases/recordMilestone.js';
import { registerCase } from '../../src/usecases/registerCase.js';
import { toRegisterRow } from '../../src/usecases/registerRows.js';
import { sendDeadlineNotification } from '../../src/usecases/sendDeadlineNotification.js';
import { intakeHarness, outgoing, PROCEDURE } from '../support/intakeHarness.js';

const received = new Date('2026-11-24T09:00:00Z'); // Tue 10:00 Amsterdam

test('a register row is overdue when the promised solution date passed, not before', () => {
  const h = intakeHarness({}, received);
  registerCase(h.deps, { email: 'a@k.test', name: 'A', description: 'x', by: 'Jan', acknowledge: false });
  recordContact(h.db, 'KL-2026-0001', 'Jan', null, new Date('2026-11-25T09:00:00Z'));
  recordFeedback(
    h.db,
    'KL-2026-0001',
    'Jan',
    { expected: new Date('2026-12-10T16:00:00Z') },
    new Date('2026-11-26T09:00:00Z'),
  );
  const c = getCaseByNumber(h.db, 'KL-2026-0001')!;
  expect(toRegisterRow(c, new Date('2026-12-10T15:00:00Z')).overdue).toBe(false);
  expect(toRegisterRow(c, new Date('2026-12-10T17:00:00Z')).overdue).toBe(true);
});

test('a reminder with nobody to send it to is recorded as suppressed and reported as such', () => {
  const h = intakeHarness({}, received);
  registerCase(h.deps, { email: 'a@k.test', name: 'A', description: 'x', by: 'Jan', acknowledge: false });
  const state = deadlineStateOf(h.db, 1)!;
  const reminder = planNotifications(state, PROCEDURE.calendar, DEFAULT_POLICY)[0]!;
  const deps = {
    calendar: PROCEDURE.calendar,
    policy: DEFAULT_POLICY,
    outgoing: outgoing(),
    recipients: { team: [], managers: [], directors: [], staff: [] },
  };
  const r = sendDeadlineNotification(h.db, deps, reminder.key, 1, reminder.fireAt);
  expect(r).toEqual({ result: 'no-recipients' });
  const row = listOutbox(h.db, {}).find((o) => o.idempotencyKey === reminder.key);
  expect(row).toMatchObject({ status: 'suppressed', statusReason: 'no-recipients' });
  // Fired again (a repeated job): nothing new.
  expect(sendDeadlineNotification(h.db, deps, reminder.key, 1, reminder.fireAt)).toEqual({ result: 'duplicate' });
});
