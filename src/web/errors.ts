import { DateTime } from 'luxon';
import type { WebLocale } from './i18n.js';

/**
 * The use cases say what is wrong in English, for the CLI and the logs. The web workspace shows
 * the ones a form can cause in the page's language; anything else is shown as it is.
 */
const DUTCH: Array<[RegExp, (m: RegExpExecArray, when: (iso: string) => string) => string]> = [
  [/^contact was already recorded on (\S+)$/, (m, when) => `Het contact is al vastgelegd op ${when(m[1]!)}.`],
  [/^a solution was already recorded on (\S+)$/, (m, when) => `Er is al een oplossing vastgelegd op ${when(m[1]!)}.`],
  [/^the solution is empty$/, () => 'Vul de oplossing in.'],
  [/^the expected date is not a date$|^.+: not a date$/, () => 'Vul een geldige datum in.'],
  [
    /^the expected date must lie in the future$/,
    () => 'De datum waarop de oplossing komt, moet in de toekomst liggen.',
  ],
  [/^name the handler$/, () => 'Kies een behandelaar.'],
  [/^name the employee/, () => 'Vul de medewerker in met wie de klacht is besproken.'],
  [/^the discussion lies in the future$/, () => 'De bespreking kan niet in de toekomst liggen.'],
  [/^(\S+) is already closed$/, (m) => `${m[1]} is al gesloten.`],
  [/^(\S+) is open$/, (m) => `${m[1]} is niet gesloten.`],
  [/^the note is empty$/, () => 'De notitie is leeg.'],
  [/procedure names no escalation contacts$/, () => 'De procedure noemt geen contactpersonen om naar te escaleren.'],
  [/^subject cannot be empty$/, () => 'Het onderwerp mag niet leeg zijn.'],
  [/^description cannot be empty$/, () => 'De omschrijving mag niet leeg zijn.'],
  [/^category must be one of: (.*)$/, (m) => `Kies een categorie uit: ${m[1]}.`],
  [/^type must be one of/, () => 'Kies een soort klager.'],
  [/^internal communication time must be/, () => 'Vul een geldige datum en tijd in voor de interne communicatie.'],
];

export function localiseError(message: string, locale: WebLocale, timezone: string): string {
  // The CLI's hints ("(--with)", "(cases set --cause)") mean nothing in a browser.
  const plain = message.replace(/ \((?:--|cases )[^)]*\)/g, '');
  if (locale === 'en') return plain;
  const when = (iso: string) => {
    const d = DateTime.fromISO(iso, { zone: timezone });
    return d.isValid ? d.setLocale('nl').toFormat("d LLLL yyyy 'om' HH:mm") : iso;
  };
  // setCaseFields lists its problems with '; '.
  return plain
    .split('; ')
    .map((part) => {
      for (const [pattern, say] of DUTCH) {
        const m = pattern.exec(part);
        if (m) return say(m, when);
      }
      return part;
    })
    .join('\n');
}
