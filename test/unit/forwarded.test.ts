import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '../../src/adapters/parser/parseMail.js';
import { findForwardedOriginal } from '../../src/domain/forwarded.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mail');
const petra = { name: 'Petra de Vries', address: 'p.devries@bouwbedrijf-devries.test' };

describe('findForwardedOriginal', () => {
  test('Dutch Outlook forward by an employee (fixture, plain-text part)', async () => {
    const outcome = await parseMail(readFileSync(join(fixtures, 'forwarded-by-employee.eml')), {
      maxAttachmentBytes: 1000,
    });
    if (!outcome.ok) throw new Error(outcome.error);
    expect(findForwardedOriginal(outcome.mail)).toEqual({
      from: petra,
      subject: 'Uitzendkracht niet komen opdagen op de bouwplaats',
    });
  });

  test('Gmail, English', () => {
    const text = [
      'Please handle this one.',
      '',
      '---------- Forwarded message ---------',
      'From: Petra de Vries <P.deVries@bouwbedrijf-devries.test>',
      'Date: Mon, 17 Nov 2025 at 08:47',
      'Subject: Uitzendkracht niet komen opdagen',
      'To: <jan@studijob.test>',
      '',
      'Beste Jan,',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'Fwd: Uitzendkracht niet komen opdagen', text })).toEqual({
      from: petra,
      subject: 'Uitzendkracht niet komen opdagen',
    });
  });

  test('Gmail, Dutch, with the name in bold asterisks as in its text part', () => {
    const text = [
      '---------- Doorgestuurd bericht ---------',
      'Van: *Petra de Vries* <p.devries@bouwbedrijf-devries.test>',
      'Date: ma 17 nov 2025 om 08:47',
      'Subject: Klacht',
      'To: Jan de Boer <jan@studijob.test>',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'Doorst: Klacht', text })).toEqual({ from: petra, subject: 'Klacht' });
  });

  test('Outlook, English, with [mailto:] and "Last, First" display name', () => {
    const text = [
      'FYI',
      '',
      '-----Original Message-----',
      'From: Vries, Petra de [mailto:p.devries@bouwbedrijf-devries.test]',
      'Sent: Monday, November 17, 2025 8:47 AM',
      'To: Jan de Boer',
      'Subject: RE: Planning',
    ].join('\r\n');
    expect(findForwardedOriginal({ subject: 'FW: RE: Planning', text })).toEqual({
      from: { name: 'Vries, Petra de', address: 'p.devries@bouwbedrijf-devries.test' },
      subject: 'RE: Planning',
    });
  });

  test('new Outlook: underscore line, From line wrapped by HTML-to-text', () => {
    const text = [
      '________________________________',
      'Van: Petra de Vries',
      '<p.devries@bouwbedrijf-devries.test>',
      'Verzonden: maandag 17 november 2025 08:47',
      'Onderwerp: Klacht',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'WG: Klacht', text })).toEqual({ from: petra, subject: 'Klacht' });
  });

  test('Apple Mail, Dutch: a blank line between the marker and the headers', () => {
    const text = [
      'Begin doorgestuurd bericht:',
      '',
      'Van: Petra de Vries <p.devries@bouwbedrijf-devries.test>',
      'Onderwerp: Klacht over uitzendkracht',
      'Datum: 17 november 2025 om 08:47:12 CET',
      'Aan: jan@studijob.test',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'Fwd: Klacht over uitzendkracht', text })?.from).toEqual(petra);
  });

  test('Thunderbird: Subject and Date come before From', () => {
    const text = [
      '-------- Forwarded Message --------',
      'Subject: \tKlacht',
      'Date: \tMon, 17 Nov 2025 08:47:12 +0100',
      'From: \tp.devries@bouwbedrijf-devries.test',
      'To: \tjan@studijob.test',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'Fwd: Klacht', text })).toEqual({
      from: { name: '', address: 'p.devries@bouwbedrijf-devries.test' },
      subject: 'Klacht',
    });
  });

  test('a bare header block counts when the subject says it is a forward', () => {
    const text =
      'Zie hieronder.\n\nVan: Petra de Vries <p.devries@bouwbedrijf-devries.test>\nVerzonden: maandag\n\nTekst';
    expect(findForwardedOriginal({ subject: 'TR: Klacht', text })?.from).toEqual(petra);
    expect(findForwardedOriginal({ subject: 'Klacht', text })).toBeNull();
  });

  test('forwarded text quoted with > is read too', () => {
    const text =
      '> -----Oorspronkelijk bericht-----\n> Van: Petra de Vries <p.devries@bouwbedrijf-devries.test>\n> Verzonden: maandag';
    expect(findForwardedOriginal({ subject: 'FW: x', text })).toEqual({ from: petra, subject: null });
  });

  test('the first block wins when the forward contains older history', () => {
    const text = [
      '---------- Forwarded message ---------',
      'From: Petra de Vries <p.devries@bouwbedrijf-devries.test>',
      'Subject: Klacht',
      '',
      '-----Original Message-----',
      'From: Klachtenbus <klachten@studijob.test>',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'Fwd: Klacht', text })?.from).toEqual(petra);
  });

  test('a reply quoting an Outlook block is not a forward', () => {
    const text = [
      'Dank u.',
      '',
      '-----Oorspronkelijk bericht-----',
      'Van: Klachtenbus Studijob <klachten@studijob.test>',
      'Verzonden: maandag 17 november 2025 10:00',
      'Onderwerp: [KL-2025-0001] Ontvangstbevestiging',
    ].join('\n');
    expect(findForwardedOriginal({ subject: 'RE: [KL-2025-0001] Ontvangstbevestiging', text })).toBeNull();
    expect(findForwardedOriginal({ subject: 'Antw: Ontvangstbevestiging', text })).toBeNull();
  });

  test('an ordinary complaint is not a forward', () => {
    const text = 'Van: mijn kant is alles gedaan.\nAan: de andere kant ligt het probleem.';
    expect(findForwardedOriginal({ subject: 'Loonstrook ontbreekt', text })).toBeNull();
  });

  test('a forward without any address in its block gives null', () => {
    const text = '-----Original Message-----\nFrom: Petra de Vries\nSent: Monday\nSubject: Klacht';
    expect(findForwardedOriginal({ subject: 'FW: Klacht', text })).toBeNull();
    expect(findForwardedOriginal({ subject: 'Fwd: Klacht', text: 'Zie bijlage.' })).toBeNull();
  });
});
