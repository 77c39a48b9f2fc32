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
  topLevel: readonly string[];
  nested: Record<string, readonly string[]>;
}

function knownKeysOf(schema: (typeof MINIMIZED_EVENT_SCHEMAS)[SchemaVersion]): KnownKeys {
  return {
    topLevel: Object.keys(schema.shape),
    nested: Object.fromEntries(
      Object.entries(schema.shape)
        .filter(([, field]) => 'shape' in field)
        .map(([name, field]) => [name, Object.keys((field as { shape: object }).shape)]),
    ),
  };
}

/** The contract fields of each version: a field of version 2 sent in a version 1 batch is unknown there. */
const KNOWN_KEYS: Record<SchemaVersion, KnownKeys> = {
  1: knownKeysOf(MINIMIZED_EVENT_SCHEMAS[1]),
  2: knownKeysOf(MINIMIZED_EVENT_SCHEMAS[2]),
};

/** Identifier fields of the nested objects that have them, each with its contract path. */
const NESTED_IDENTIFIERS: Record<string, readonly (readonly [key: string, path: string])[]> = {
  transfer: IDENTIFIER_FIELDS.transfer.map((key) => [key, `transfer.${key}`] as const),
};
const ACTOR_IDENTIFIERS: ReadonlySet<string> = new Set(IDENTIFIER_FIELDS.actor);

function countDrop(counts: DroppedFieldCounts, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

const { hasOwn } = Object;

/**
 * Copies the known fields of a nested object. The object is read by the contract's keys rather than
 * by its own entries (this runs for every event); whatever else it holds is counted by number:
 * identifier fields by path, the rest as unknown.
 */
function minimizeNested(key: string, value: PlainObject, knownNested: readonly string[], counts: DroppedFieldCounts): PlainObject {
  const kept: PlainObject = {};
  let accounted = 0;
  for (const nestedKey of knownNested) {
    if (hasOwn(value, nestedKey)) {
      kept[nestedKey] = value[nestedKey];
      accounted += 1;
    }
  }
  for (const [identifier, path] of NESTED_IDENTIFIERS[key] ?? []) {
    if (hasOwn(value, identifier)) {
      countDrop(counts, path);
      accounted += 1;
    }
  }
  const unknown = Object.keys(value).length - accounted;
  if (unknown > 0) countDrop(counts, UNKNOWN_FIELD_KEY, unknown);
  return kept;
}

/**
 * Returns a copy of the event holding only contract fields (or the input unchanged when it is not
 * an object, for validation to reject), adding what was dropped to `counts`.
 */
export function minimizeEvent(raw: unknown, counts: DroppedFieldCounts, schemaVersion: SchemaVersion = SCHEMA_VERSION): unknown {
  if (!isPlainObject(raw)) return raw;
  const known = KNOWN_KEYS[schemaVersion];
  const kept: PlainObject = {};
  let accounted = 0;
  for (const key of known.topLevel) {
    if (!hasOwn(raw, key)) continue;
    accounted += 1;
    const value = raw[key];
    const knownNested = known.nested[key];
    kept[key] = knownNested && isPlainObject(value) ? minimizeNested(key, value, knownNested, counts) : value;
  }
  if (hasOwn(raw, 'actor')) {
    accounted += 1;
    const actor = raw.actor;
    if (isPlainObject(actor)) {
      for (const actorKey of Object.keys(actor)) countDrop(counts, ACTOR_IDENTIFIERS.has(actorKey) ? `actor.${actorKey}` : UNKNOWN_FIELD_KEY);
    } else {
      countDrop(counts, 'actor');
    }
  }
  const unknown = Object.keys(raw).length - accounted;
  if (unknown > 0) countDrop(counts, UNKNOWN_FIELD_KEY, unknown);
  return kept;
}
