import { z } from 'zod';

const email = z.string().trim().toLowerCase().pipe(z.email());

/** A deadline: N working days, N calendar days, or N business hours after receipt. */
export const deadlineSchema = z.union([
  z.object({ workingDays: z.number().int().min(0).max(365) }).strict(),
  z
    .object({
      calendarDays: z.number().int().min(0).max(365),
      /** A deadline on a non-working day moves to the next working day at the same time. */
      moveToWorkingDay: z.boolean().default(true),
    })
    .strict(),
  z.object({ hours: z.number().positive().max(10_000) }).strict(),
]);
export type Deadline = z.infer<typeof deadlineSchema>;

export const contactSchema = z.object({ name: z.string().min(1), email, role: z.string().min(1) }).strict();

/** A procedure profile: the deadlines, language and contacts of one organisation's procedure. */
export const profileSchema = z
  .object({
    locale: z.enum(['nl', 'en']).default('nl'),
    contact: deadlineSchema,
    feedback: deadlineSchema,
    /** Named in the acknowledgement: whom a customer who is not satisfied can turn to. */
    escalationContacts: z.array(contactSchema).default([]),
    /**
     * Deadlines are fixed when a case is registered. With true, open cases of this profile get them
     * recomputed at start (after the deadlines or the calendar changed), milestones already recorded
     * excepted.
     */
    recomputeDeadlines: z.boolean().default(false),
    /**
     * What must be recorded before a case of this profile may be closed:
     * solution (feedback with a solution), cause, measures (control, structural or preventive),
     * discussed (with the employee concerned), category, internal-communication.
     */
    closeRequires: z
      .array(z.enum(['solution', 'cause', 'measures', 'discussed', 'category', 'internal-communication']))
      .default(['solution']),
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;

/**
 * The shipped profiles. `studijob` and `spijtenburg` follow the two seed procedures;
 * `default` combines them: contact within two working days (Spijtenburg), feedback within a week
 * (StudiJob). A config file may override any of them or add its own.
 */
export const BUILTIN_PROFILES: Record<string, z.input<typeof profileSchema>> = {
  default: {
    locale: 'nl',
    contact: { workingDays: 2 },
    feedback: { calendarDays: 7 },
    escalationContacts: [],
    closeRequires: ['solution'],
  },
  studijob: {
    locale: 'nl',
    // "De klacht wordt direct in behandeling genomen en binnen een week wordt er een terugkoppeling gegeven."
    contact: { workingDays: 2 },
    feedback: { calendarDays: 7 },
    escalationContacts: [
      { name: 'Debby Kooiman', email: 'debby@studijob.nl', role: 'Frontoffice manager' },
      { name: 'Mariska van Wilpe', email: 'mariska@studijob.nl', role: 'Directie' },
    ],
    // "De ontvanger legt de oplossing en eventuele beheersmaatregelen vast"; "Oorzaak en oplossingen
    // moeten ook op het klachtenformulier worden aangegeven. En tevens hoe deze binnen de organisatie
    // gaat worden gecommuniceerd en wanneer."
    closeRequires: ['solution', 'cause', 'measures', 'internal-communication'],
  },
  spijtenburg: {
    locale: 'nl',
    // "De klachtenfunctionaris neemt binnen twee werkdagen contact op met de klant."
    contact: { workingDays: 2 },
    feedback: { workingDays: 5 },
    escalationContacts: [{ name: 'Directie Spijtenburg', email: 'klachten@spijtenburg.nl', role: 'Directie' }],
    // "De klacht wordt door klachtenfunctionaris besproken met de desbetreffende medewerker";
    // "het wegnemen van de oorzaken, en het nemen van adequate maatregelen om herhaling te voorkomen".
    closeRequires: ['solution', 'discussed', 'cause', 'measures'],
  },
};
