/** Wire shapes of the admin registry routes. Token hashes never leave the service. */
import { z } from '@hono/zod-openapi';
import { countries } from 'countries-list';
import { API_ROLES } from '../../../auth/principal';
import type { ApiKey, Instance, Organization } from '../../../db/schema';
import { ORG_SIZE_BANDS, SECTORS } from '../../../datasets/vocabulary';
import { WELL_FORMED_TEXT } from '../../../text';

const countryCodes = Object.keys(countries) as [string, ...string[]];

export const NewOrganizationSchema = z
  .object({
    name: z.string().trim().min(1).max(200).refine(...WELL_FORMED_TEXT),
    sector: z.enum(SECTORS),
    sizeBand: z.enum(ORG_SIZE_BANDS),
    country: z.enum(countryCodes).openapi({ description: 'ISO 3166-1 alpha-2 country of registration.' }),
  })
  .openapi('NewOrganization');

export const OrganizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    sector: z.string(),
    sizeBand: z.string(),
    country: z.string(),
    createdAt: z.string(),
  })
  .openapi('Organization');

export const organizationView = (row: Organization) => ({
  id: row.id,
  name: row.name,
  sector: row.sector,
  sizeBand: row.size_band,
  country: row.country,
  createdAt: row.created_at,
});

export const NewInstanceSchema = z.object({ label: z.string().trim().min(1).max(200).refine(...WELL_FORMED_TEXT) }).openapi('NewInstance');

export const InstanceSchema = z
  .object({
    id: z.uuid(),
    orgId: z.uuid(),
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Instance');

export const instanceView = (row: Instance) => ({
  id: row.id,
  orgId: row.org_id,
  label: row.label,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export const NewApiKeySchema = z
  .object({ role: z.enum(API_ROLES), label: z.string().trim().min(1).max(200).refine(...WELL_FORMED_TEXT) })
  .openapi('NewApiKey');

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    role: z.enum(API_ROLES),
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

export const apiKeyView = (row: ApiKey) => ({
  id: row.id,
  role: row.role as (typeof API_ROLES)[number],
  label: row.label,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export const IssuedTokenSchema = z.string().openapi({
  description: 'The bearer token. Shown only in this response; only its hash is stored.',
});
