/**
 * Stops at once, with one sentence on what to do, when Node.js is older than the project supports.
 * Every npm script preloads it (`node --import ./scripts/require-supported-node.mjs ...`) or runs it
 * first, before anything loads better-sqlite3, whose native module crashes older Node.js with a
 * segmentation fault and no message. Plain JavaScript, so any Node.js can parse it.
 */
const MINIMUM = { major: 22, minor: 12 };

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MINIMUM.major || (major === MINIMUM.major && minor < MINIMUM.minor)) {
  const script = process.env.npm_lifecycle_event;
  const command = `./run ${script ?? '<npm script>'}`;
  process.stderr.write(
    `This project needs Node.js ${MINIMUM.major}.${MINIMUM.minor} or newer, but this is Node.js ${process.versions.node}: ` +
      `run ${command} from the repository root instead (it fetches Node.js 24 into a cache), or install Node.js 24 (see .nvmrc).\n`,
  );
  process.exit(1);
}
