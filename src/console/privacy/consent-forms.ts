/**
 * The privacy console's forms, validated with the API's own request schemas (consent-requests.ts)
 * so a form accepts exactly what the API accepts. A form's extra fields (the confirmation box) and
 * the browser's encodings (empty strings for empty fields, a zone-less datetime-local) are handled
 * here; each schema problem becomes a plain-language message for its field.
 */
import { z } from 'zod';
import { ConsentGrantSchema, ConsentRevocationSchema, ErasureRequestSchema } from '../../consent/consent-requests';
import type { ConsoleFormName, FormState } from './organization-page';

type FormBody = Record<string, string | File | (string | File)[]>;

const FIELD_MESSAGES: Record<ConsoleFormName, Record<string, string>> = {
  grant: {
    policyVersion: 'Enter the version of the consent policy the organization agreed to (up to 100 characters).',
    policyUrl: 'Enter a full web address starting with https://, or leave this empty.',
    grantedBy: 'Enter who signed for the organization, with their role (up to 200 characters).',
    collectionMethod: 'Choose how consent was collected.',
    evidenceUrl: 'Enter a full web address starting with https://, or leave this empty.',
    evidenceSha256: 'Enter the SHA-256 of the signed document as 64 hexadecimal characters (0–9, a–f), or leave this empty.',
    expiresAt: 'Enter a date and time in UTC, or leave this empty for consent without an end date.',
    scope: 'The form was incomplete. Reload the page and try again.',
  },
  revoke: {
    reason: 'Give a reason for revoking consent (up to 1,000 characters).',
    confirm: 'Tick the box to confirm that unreleased contributions will be erased.',
  },
  erasure: {
    reason: 'The reason may have up to 1,000 characters.',
    confirm: 'Tick the box to confirm the erasure.',
  },
};

const CONFIRMED = z.literal('yes');

/** Form text as the schemas expect it: trimmed, and an empty optional field as absent. */
function text(body: FormBody, name: string): string | undefined {
  const value = body[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const FORM_SCHEMAS = {
  grant: z.preprocess(
    (body: FormBody) => {
      const expires = text(body, 'expiresAt');
      return {
        scope: text(body, 'scope'),
        policyVersion: text(body, 'policyVersion') ?? '',
        policyUrl: text(body, 'policyUrl'),
        grantedBy: text(body, 'grantedBy') ?? '',
        collectionMethod: text(body, 'collectionMethod'),
        evidenceUrl: text(body, 'evidenceUrl'),
        evidenceSha256: text(body, 'evidenceSha256'),
        // <input type="datetime-local"> has no zone; the form says UTC.
        expiresAt: expires ? `${expires.length === 16 ? `${expires}:00` : expires}Z` : undefined,
      };
    },
    ConsentGrantSchema,
  ),
  revoke: z.preprocess(
    (body: FormBody) => ({ reason: text(body, 'reason') ?? '', confirm: text(body, 'confirm') }),
    ConsentRevocationSchema.extend({ confirm: CONFIRMED }),
  ),
  erasure: z.preprocess(
    (body: FormBody) => ({ reason: text(body, 'reason'), confirm: text(body, 'confirm') }),
    ErasureRequestSchema.extend({ confirm: CONFIRMED }),
  ),
} as const;

export type ConsoleFormData = { [K in ConsoleFormName]: z.output<(typeof FORM_SCHEMAS)[K]> };

/** What was typed, to put back into a rejected form (files and the CSRF token are never echoed). */
export function typedValues(body: FormBody): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !entry[0].startsWith('_')));
}

export function parseConsoleForm<K extends ConsoleFormName>(
  form: K,
  body: FormBody,
): { success: true; data: ConsoleFormData[K] } | { success: false; state: FormState } {
  const parsed = FORM_SCHEMAS[form].safeParse(body);
  if (parsed.success) return { success: true, data: parsed.data as ConsoleFormData[K] };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    fieldErrors[field] ??= FIELD_MESSAGES[form][field] ?? 'Check this field.';
  }
  return { success: false, state: { form, values: typedValues(body), fieldErrors } };
}

/** A refusal from the domain after the form was valid (say, an expiry in the past), shown above the form. */
export function formRefused(form: ConsoleFormName, body: FormBody, detail: string, field = 'form'): FormState {
  return { form, values: typedValues(body), fieldErrors: { [field]: detail } };
}
