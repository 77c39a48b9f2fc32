/**
 * Issues an API key directly in the configured database and prints its token once. Use it to
 * create the first admin key when BOOTSTRAP_ADMIN_TOKEN is not wanted, or to recover access.
 *   npm run create-api-key -- --role admin --label "ops on-call"
 */
import { parseArgs } from 'node:util';
import { API_ROLES, type ApiRole } from '../src/auth/principal';
import { parseEnvironment } from '../src/config';
import { createApiKey } from '../src/registry/registry-service';
import { createNodeDeps } from '../src/node/node-deps';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'admin' }, label: { type: 'string', default: 'created by script' } } });
if (!API_ROLES.includes(values.role as ApiRole)) {
  console.error(`--role must be one of: ${API_ROLES.join(', ')}`);
  process.exit(2);
}
const deps = await createNodeDeps(parseEnvironment(process.env), { logSink: (line) => console.error(line) });
try {
  const { key, token } = await createApiKey(deps, undefined, { role: values.role as ApiRole, label: values.label });
  console.error(`created ${key.role} key ${key.id}; the token below is shown once:`);
  console.log(token);
} finally {
  await deps.database.close();
}
