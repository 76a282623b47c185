import { localiseError } from '../../src/web/errors.js';

const nl = (m: string) => localiseError(m, 'nl', 'Europe/Amsterdam');

describe('errors of the use cases in the web page', () => {
  test('Dutch for what a form can cause, with times in Amsterdam', () => {
    expect(nl('contact was already recorded on 2026-11-24T09:00:00.000Z')).toBe(
      'Het contact is al vastgelegd op 24 november 2026 om 10:00.',
    );
    expect(nl('the expected date must lie in the future')).toBe(
      'De datum waarop de oplossing komt, moet in de toekomst liggen.',
    );
    expect(nl('name the employee (--with)')).toBe('Vul de medewerker in met wie de klacht is besproken.');
    expect(nl('KL-2026-0003 is already closed')).toBe('KL-2026-0003 is al gesloten.');
    expect(nl('expected date: not a date')).toBe('Vul een geldige datum in.');
  });

  test('every problem of a field form on a line of its own', () => {
    expect(nl('subject cannot be empty; category must be one of: werkwijze, overig')).toBe(
      'Het onderwerp mag niet leeg zijn.\nKies een categorie uit: werkwijze, overig.',
    );
  });

  test('English keeps the words but drops the CLI hints; unknown messages pass unchanged', () => {
    expect(localiseError('name the employee (--with)', 'en', 'Europe/Amsterdam')).toBe('name the employee');
    expect(nl('something nobody foresaw')).toBe('something nobody foresaw');
  });
});
