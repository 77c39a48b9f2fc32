/**
 * Data minimization at the door: every identifier field and every field the contract does not
 * know is removed before the event is validated, so no later step (validation messages, logs,
 * storage) can see them. Dropped fields are counted by their contract path; unknown fields are
 * counted without their names, because a field name can itself carry data.
 */
import { IDENTIFIER_FIELDS, MINIMIZED_EVENT_SCHEMAS, SCHEMA_VERSION, type SchemaVersion } from './event-schema';

export type DroppedFieldCounts = Record<string, number>;

export const UNKNOWN_FIELD_KEY = 'unknown';

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface KnownKeys {
  topLevel: ReadonlySet<string>;
  nested: Record<string, ReadonlySet<string>>;
}

function knownKeysOf(schema: (typeof MINIMIZED_EVENT_SCHEMAS)[SchemaVersion]): KnownKeys {
  return {
    topLevel: new Set(Object.keys(schema.shape)),
    nested: Object.fromEntries(
      Object.entries(schema.shape)
        .filter(([, field]) => 'shape' in field)
        .map(([name, field]) => [name, new Set(Object.keys((field as { shape: object }).shape))]),
    ),
  };
}

/** The contract fields of each version: a field of version 2 sent in a version 1 batch is unknown there. */
const KNOWN_KEYS: Record<SchemaVersion, KnownKeys> = {
  1: knownKeysOf(MINIMIZED_EVENT_SCHEMAS[1]),
  2: knownKeysOf(MINIMIZED_EVENT_SCHEMAS[2]),
};

const identifierKeys: Record<string, ReadonlySet<string>> = {
  transfer: new Set(IDENTIFIER_FIELDS.transfer),
  actor: new Set(IDENTIFIER_FIELDS.actor),
};

function countDrop(counts: DroppedFieldCounts, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Returns a copy of the event holding only contract fields (or the input unchanged when it is not
 * an object, for validation to reject), adding what was dropped to `counts`.
 */
export function minimizeEvent(raw: unknown, counts: DroppedFieldCounts, schemaVersion: SchemaVersion = SCHEMA_VERSION): unknown {
  if (!isPlainObject(raw)) return raw;
  const known = KNOWN_KEYS[schemaVersion];
  const kept: PlainObject = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'actor') {
      if (isPlainObject(value)) {
        for (const actorKey of Object.keys(value)) {
          countDrop(counts, identifierKeys.actor?.has(actorKey) ? `actor.${actorKey}` : UNKNOWN_FIELD_KEY);
        }
      } else {
        countDrop(counts, 'actor');
      }
      continue;
    }
    if (!known.topLevel.has(key)) {
      countDrop(counts, UNKNOWN_FIELD_KEY);
      continue;
    }
    const knownNested = known.nested[key];
    if (knownNested && isPlainObject(value)) {
      const keptNested: PlainObject = {};
      for (const [nestedKey, nestedValue] of Object.entries(value)) {
        if (knownNested.has(nestedKey)) keptNested[nestedKey] = nestedValue;
        else if (identifierKeys[key]?.has(nestedKey)) countDrop(counts, `${key}.${nestedKey}`);
        else countDrop(counts, UNKNOWN_FIELD_KEY);
      }
      kept[key] = keptNested;
    } else {
      kept[key] = value;
    }
  }
  return kept;
}
