import { z } from 'zod';
import { authSchema } from './auth.js';
import { profileSchema } from './profiles.js';

/**
 * The configuration schema. Every option is documented in config/example.yaml; keep the two in
 * step. Unknown keys are errors (a typo must not silently fall back to a default).
 */
const email = z.string().trim().toLowerCase().pipe(z.email());
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm');

const staffMember = z
  .object({
    name: z.string().min(1),
    email,
    role: z.enum(['handler', 'manager', 'director', 'admin']).default('handler'),
  })
  .strict();

export const configSchema = z
  .object({
    /** The address customers mail complaints to; our own address (never acknowledged). */
    complaintsAddress: email.optional(),
    /** SQLite database, raw mail and attachments live here. */
    dataDir: z.string().min(1).default('./data'),
    imap: z
      .object({
        url: z.string().min(1).optional(),
        /** password (from the URL, default) or oauth2 (see src/config/auth.ts and the README). */
        auth: authSchema.optional(),
        afterIngest: z.enum(['move', 'flag', 'none']).default('move'),
        processedFolder: z.string().min(1).default('Processed'),
        processedFlag: z
          .string()
          .regex(/^\$?[A-Za-z0-9_-]+$/)
          .default('$Klachtenbus'),
        idle: z.boolean().default(true),
        pollIntervalSeconds: z.number().int().min(5).max(3600).default(60),
        fetchBatchSize: z.number().int().min(1).max(1000).default(50),
        connectTimeoutSeconds: z.number().int().min(1).max(300).default(30),
        reconnect: z
          .object({
            initialDelayMs: z.number().int().min(10).default(1000),
            maxDelayMs: z.number().int().min(100).default(60_000),
          })
          .strict()
          .prefault({}),
        tlsRejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    smtp: z
      .object({ url: z.string().min(1).optional(), auth: authSchema.optional() })
      .strict()
      .prefault({}),
    /** Who is told when a connection's authentication keeps failing; default: staff with role admin. */
    operators: z.array(email).default([]),
    redis: z
      .object({
        url: z.string().min(1).optional(),
        /** Key prefix of our queues: instances sharing one Redis need different prefixes. */
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,40}$/)
          .default('klachtenbus'),
      })
      .strict()
      .prefault({}),
    intake: z
      .object({
        maxAttachmentBytes: z
          .number()
          .int()
          .min(0)
          .default(25 * 1024 * 1024),
        parserThreads: z.number().int().min(1).max(16).default(2),
        parseTimeoutMs: z.number().int().min(100).default(30_000),
        /** Further addresses of ours (besides complaintsAddress): mail from them is never a complaint. */
        ownAddresses: z.array(email).default([]),
        /** Domain of the Message-IDs Klachtenbus generates; mail carrying one is our own. */
        messageIdDomain: z.string().min(1).default('klachtenbus.local'),
        replyToClosedCase: z.enum(['reopen', 'new-linked']).default('reopen'),
      })
      .strict()
      .prefault({}),
    cases: z
      .object({
        /** The categories a case can be given (StudiJob's kinds of complaint, by default). */
        categories: z
          .array(z.string().min(1))
          .min(1)
          .default(['werkwijze', 'vacature/sollicitatie/intake', 'bejegening door medewerker', 'facturatie', 'overig']),
        numberPrefix: z
          .string()
          .regex(/^[A-Z]{1,8}$/, 'must be 1 to 8 capital letters')
          .default('KL'),
      })
      .strict()
      .prefault({}),
    organisation: z
      .object({ name: z.string().min(1).default('Klachtenbus') })
      .strict()
      .prefault({}),
    calendar: z
      .object({
        timezone: z.string().default('Europe/Amsterdam'),
        businessHours: z
          .object({ start: hhmm.default('08:30'), end: hhmm.default('17:30') })
          .strict()
          .prefault({}),
        goodFridayOff: z.boolean().default(false),
        liberationDay: z.enum(['every-year', 'lustrum', 'never']).default('lustrum'),
        extraClosedDays: z.array(z.iso.date()).default([]),
      })
      .strict()
      .prefault({}),
    deadlines: z
      .object({
        reminder: z
          .object({
            /** The reminder goes this many business hours before the deadline… */
            leadBusinessHours: z.number().min(0).max(100).default(4),
            /** …or at the start of business hours on the due day, when that is later. */
            atStartOfDueDay: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
        /** The director (directie) is told this many working days after the manager. */
        directorAfterWorkingDays: z.number().int().min(0).max(60).default(2),
        /** Reminders while no handler is assigned; default: staff with role handler, else managers. */
        team: z.array(email).default([]),
        /** How often every open case's reminders and escalations are compared with Redis. */
        reconcileIntervalSeconds: z.number().int().min(1).max(3600).default(60),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        /** Who gets the quarterly report and yearly analysis; default: directors, else managers. */
        to: z.array(email).default([]),
        quarterly: z.boolean().default(true),
        yearly: z.boolean().default(true),
        /** A worker that was down sends a missed report up to this many days late. */
        catchUpDays: z.number().int().min(0).max(365).default(31),
        /** How often the repeatable job checks whether a report is due. */
        checkIntervalSeconds: z.number().int().min(1).max(86_400).default(300),
      })
      .strict()
      .prefault({}),
    /** The procedure profile that applies to new cases. */
    procedure: z.string().min(1).default('default'),
    /** Profiles added to, or overriding, the shipped ones (default, studijob, spijtenburg). */
    procedures: z.record(z.string().min(1), profileSchema).default({}),
    mail: z
      .object({
        /** Sender of our mail; defaults to the complaints address with the organisation's name. */
        from: z.string().min(3).optional(),
        /** A folder with templates that override the shipped ones (same layout as templates/). */
        templatesDir: z.string().min(1).optional(),
        acknowledgement: z
          .object({
            enabled: z.boolean().default(true),
            maxPerSenderPerHour: z.number().int().min(0).default(3),
          })
          .strict()
          .prefault({}),
        managerNotice: z
          .object({
            enabled: z.boolean().default(true),
            /** Recipients; default: the staff members with role manager. */
            to: z.array(email).default([]),
          })
          .strict()
          .prefault({}),
        /** Resend a mail whose connection died after its data was sent (may deliver it twice). */
        resendAmbiguous: z.boolean().default(false),
        /** Send attempts per job before the row waits for the next reconcile pass. */
        attempts: z.number().int().min(1).max(100).default(8),
        backoffMs: z.number().int().min(10).default(2000),
        concurrency: z.number().int().min(1).max(50).default(4),
        /** How often SQLite and Redis are compared and missing jobs rebuilt. */
        reconcileIntervalSeconds: z.number().int().min(1).max(3600).default(30),
        /** A mail 'sending' for longer than this is taken as lost in an unknown state (ambiguous). */
        sendingTimeoutSeconds: z.number().int().min(10).default(180),
      })
      .strict()
      .prefault({}),
    staff: z
      .object({
        /** Mail domains of the organisation's employees. */
        domains: z.array(z.string().trim().toLowerCase().min(1)).default([]),
        members: z.array(staffMember).default([]),
      })
      .strict()
      .prefault({}),
    complainants: z
      .object({
        /** Sender domains whose complaints come from clients (opdrachtgevers). */
        clientDomains: z.array(z.string().trim().toLowerCase().min(1)).default([]),
        /** Sender domains whose complaints come from temp workers (uitzendkrachten). */
        tempWorkerDomains: z.array(z.string().trim().toLowerCase().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /** The web workspace that `klachtenbus start` serves (unless --no-web). */
    web: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** The address staff open, as links in mails use it (e.g. https://klachten.example.nl). */
        baseUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Secure cookies: auto = when baseUrl is https or the host is loopback. */
        secureCookies: z.enum(['auto', 'always', 'never']).default('auto'),
        sessionHours: z
          .number()
          .min(0.1)
          .max(24 * 30)
          .default(12),
        loginLinkMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(15),
        /** Sign-in requests allowed per address and per client IP in 15 minutes. */
        loginRequestsPer15Minutes: z.number().int().min(1).max(1000).default(5),
        /** Behind a reverse proxy: trust its X-Forwarded-For for the client IP. */
        trustProxy: z.boolean().default(false),
        /** Show remote images in customer HTML mail (off: they are not loaded). */
        remoteImages: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
