import { configSchema } from '../../src/config/schema.js';
import { webBaseUrl } from '../../src/composition.js';
import { listOutbox } from '../../src/adapters/sqlite/outbox.js';
import { may, permissionsOf, safeReturnPath } from '../../src/domain/webAccess.js';
import { caseUrlFor } from '../../src/usecases/queueCaseMail.js';
import { intakeMessage } from '../../src/usecases/intakeMessage.js';
import { RateLimiter } from '../../src/web/rateLimit.js';
import { intakeHarness, mail, outgoing } from '../support/intakeHarness.js';

describe('roles', () => {
  test('a handler handles and closes; assigning, reopening and the reports are for management', () => {
    expect(permissionsOf('handler')).toEqual({
      view: true,
      handle: true,
      close: true,
      escalate: true,
      assign: false,
      reopen: false,
      reports: false,
    });
    for (const role of ['manager', 'director', 'admin'] as const)
      expect(Object.values(permissionsOf(role)).every(Boolean)).toBe(true);
  });

  test('an unknown role may do nothing', () => {
    expect(may('guest' as never, 'view')).toBe(false);
  });
});

describe('the path to return to after signing in', () => {
  test.each([
    ['/cases/KL-2026-0001', '/cases/KL-2026-0001'],
    ['/cases?overdue=1&q=a%20b', '/cases?overdue=1&q=a%20b'],
    ['//evil.test/x', '/cases'],
    ['/\\evil.test', '/cases'],
    ['https://evil.test/', '/cases'],
    ['javascript:alert(1)', '/cases'],
    ['/login/abc', '/cases'],
    ['/cases\nSet-Cookie: x=1', '/cases'],
    [undefined, '/cases'],
  ])('%j → %s', (given, expected) => {
    expect(safeReturnPath(given)).toBe(expected);
  });
});

describe('sign-in rate limiter', () => {
  test('counts per key within the window and starts again after it', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1000, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    now = 1000;
    expect(limiter.take('a')).toBe(true);
  });
});

describe('links to the case in staff mail', () => {
  test('the case page under the configured address; none without one', () => {
    expect(caseUrlFor({ webBaseUrl: 'https://klachten.test/' }, 'KL-2026-0001')).toBe(
      'https://klachten.test/cases/KL-2026-0001',
    );
    expect(caseUrlFor({ webBaseUrl: null }, 'KL-2026-0001')).toBeNull();
    expect(caseUrlFor({}, 'KL-2026-0001')).toBeNull();
  });

  test('web.baseUrl, else where the workspace listens; nothing when it is off', () => {
    const url = (web: Record<string, unknown>) => webBaseUrl(configSchema.parse({ web }));
    expect(url({})).toBe('http://127.0.0.1:8080');
    expect(url({ baseUrl: 'https://klachten.studijob.nl/' })).toBe('https://klachten.studijob.nl');
    expect(url({ host: '::1', port: 9000 })).toBe('http://[::1]:9000');
    expect(url({ enabled: false })).toBeNull();
    expect(url({ port: 0 })).toBeNull();
  });

  test('the manager notice links to the case; the acknowledgement to the customer does not', async () => {
    const h = intakeHarness();
    h.deps.outgoing = outgoing({ webBaseUrl: 'https://klachten.studijob.test' });
    await intakeMessage(h.deps, {
      raw: mail({ from: 'Sanne <sanne@klant.test>', subject: 'Loonstrook' }),
      source: 'file',
    });
    const [ack, notice] = listOutbox(h.db, {});
    expect(notice!.text).toContain('https://klachten.studijob.test/cases/KL-2026-0001');
    expect(notice!.html).toContain('href="https://klachten.studijob.test/cases/KL-2026-0001"');
    expect(ack!.text).not.toContain('/cases/');
  });
});
