import { shortDescription } from '../../src/domain/description.js';

describe('shortDescription', () => {
  test('subject, then the body lines, whitespace collapsed; greeting and signature left out', () => {
    const text = [
      'Beste meneer/mevrouw,',
      '',
      'Mijn loonstrook van week 46   ontbreekt.',
      'Ik heb al twee keer gebeld.',
      '',
      'Met vriendelijke groet,',
      'Sanne Bakker',
    ].join('\r\n');
    expect(shortDescription('Loonstrook   ontbreekt', text)).toBe(
      'Loonstrook ontbreekt — Mijn loonstrook van week 46 ontbreekt. Ik heb al twee keer gebeld.',
    );
  });

  test('stops at the "-- " signature delimiter', () => {
    expect(shortDescription('S', 'Te laat betaald.\n-- \nSanne Bakker\nStraat 1')).toBe('S — Te laat betaald.');
  });

  test('skips quoted lines written inline', () => {
    expect(shortDescription('S', '> Uw klacht is ontvangen.\nDat klopt niet.\n>> ouder')).toBe('S — Dat klopt niet.');
  });

  test.each([
    ['Op ma 5 jan 2026 om 09:16 schreef Klachtenbus Studijob <klachten@studijob.test>:'],
    ['On Mon, Jan 5, 2026 at 9:16 AM Klachtenbus <klachten@studijob.test> wrote:'],
    ['Op 5 jan. 2026, om 09:16 heeft Klachtenbus <klachten@studijob.test> het volgende geschreven:'],
  ])('stops at the reply header %j', (header) => {
    const text = `Nog steeds geen loonstrook.\n\n${header}\n\nWij hebben uw klacht ontvangen.`;
    expect(shortDescription('Re: x', text)).toBe('Re: x — Nog steeds geen loonstrook.');
  });

  test('recognises a reply header that the mail client wrapped over two lines', () => {
    const text =
      'Nog steeds niets.\nOp ma 5 jan 2026 om 09:16 schreef Klachtenbus Studijob <\nklachten@studijob.test>:\nWij hebben';
    expect(shortDescription('Re: x', text)).toBe('Re: x — Nog steeds niets.');
  });

  test('a complainant\'s own "Op … schreef ik" sentence does not end the description', () => {
    const text = 'Op 3 november schreef ik u al over mijn loonstrook:\nik heb nog niets ontvangen.';
    expect(shortDescription('', text)).toBe(
      'Op 3 november schreef ik u al over mijn loonstrook: ik heb nog niets ontvangen.',
    );
  });

  test('stops at an Outlook "Oorspronkelijk bericht" block in a reply', () => {
    const text =
      'Dit is mijn antwoord.\n\n-----Oorspronkelijk bericht-----\nVan: Klachtenbus\nOnderwerp: x\n\nOns bericht.';
    expect(shortDescription('RE: x', text)).toBe('RE: x — Dit is mijn antwoord.');
  });

  test('a bottom-posted reply: the quote comes first, the new text after it', () => {
    const text =
      'Op ma 5 jan 2026 om 09:16 schreef Klachtenbus <klachten@studijob.test>:\n> Ontvangen.\n\nDank, maar het is niet opgelost.';
    expect(shortDescription('Re: x', text)).toBe('Re: x — Dank, maar het is niet opgelost.');
  });

  test("a forward: the employee's note and the forwarded complaint, without headers and signatures", () => {
    const text = [
      'Hoi,',
      'Zie onderstaande klacht.',
      'Groet,',
      'Jan',
      '',
      '-----Oorspronkelijk bericht-----',
      'Van: Petra de Vries <p.devries@bouwbedrijf-devries.test>',
      'Verzonden: maandag 17 november 2025 08:47',
      'Onderwerp: Uitzendkracht niet gekomen',
      '',
      'Beste Jan,',
      'De uitzendkracht is drie dagen niet gekomen.',
      'Met vriendelijke groet,',
      'Petra',
    ].join('\n');
    expect(shortDescription('FW: Uitzendkracht niet gekomen', text)).toBe(
      'FW: Uitzendkracht niet gekomen — Zie onderstaande klacht. De uitzendkracht is drie dagen niet gekomen.',
    );
  });

  test('skips a line that is only a link (a tracking pixel rendered by HTML-to-text)', () => {
    expect(shortDescription('S', 'Reiskosten niet vergoed.\n[http://tracker.test/open.gif?id=1]\nGraag actie.')).toBe(
      'S — Reiskosten niet vergoed. Graag actie.',
    );
  });

  test('a greeting with content on the same line is kept', () => {
    expect(shortDescription('', 'Geachte heer/mevrouw, ik ben ontevreden over de behandeling.')).toBe(
      'Geachte heer/mevrouw, ik ben ontevreden over de behandeling.',
    );
    expect(shortDescription('', 'Hi there my payslip is missing')).toBe('Hi there my payslip is missing');
  });

  test('truncates at a word boundary with …, within maxChars', () => {
    const text = 'woord '.repeat(200);
    const result = shortDescription('Onderwerp', text, 50);
    expect(result.length).toBeLessThanOrEqual(50);
    expect(result.endsWith('woord…')).toBe(true);
    expect(result.startsWith('Onderwerp — woord woord')).toBe(true);
  });

  test('defaults to 500 characters', () => {
    const result = shortDescription('S', 'abc '.repeat(1000));
    expect(result.length).toBeLessThanOrEqual(500);
    expect(result.length).toBeGreaterThan(490);
    expect(result.endsWith('abc…')).toBe(true);
  });

  test('one overlong word is cut hard', () => {
    expect(shortDescription('', 'x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  test('text that fits exactly is not truncated', () => {
    expect(shortDescription('', 'precies tien', 12)).toBe('precies tien');
  });

  test('either part may be empty', () => {
    expect(shortDescription('Alleen onderwerp', '')).toBe('Alleen onderwerp');
    expect(shortDescription('', 'Alleen tekst.')).toBe('Alleen tekst.');
    expect(shortDescription('  ', '\n\n')).toBe('');
  });
});
