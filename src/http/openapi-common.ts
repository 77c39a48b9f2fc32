/** OpenAPI building blocks shared by the routes: the problem document and standard error responses. */
import { z } from '@hono/zod-openapi';
import { PROBLEM_TYPES, type ProblemCode } from '../errors';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/invalid-request' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** Response entries for the given problem codes, grouped by status. */
export function problemResponses(...codes: ProblemCode[]) {
  const byStatus: Record<number, { description: string; content: typeof problemContent }> = {};
  for (const code of codes) {
    const { status, title } = PROBLEM_TYPES[code];
    const existing = byStatus[status];
    byStatus[status] = {
      description: existing ? `${existing.description}; ${code}: ${title}` : `${code}: ${title}`,
      content: problemContent,
    };
  }
  return byStatus;
}

export const bearerSecurity = [{ bearerAuth: [] }];

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const UuidParam = (name: string) =>
  z.uuid().openapi({ param: { name, in: 'path' }, example: '0f8fad5b-d9cb-469f-a165-70867728950e' });
