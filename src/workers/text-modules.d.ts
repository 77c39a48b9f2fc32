/**
 * Files wrangler bundles as text (the `[[rules]] type = "Text"` entries in wrangler.toml): the
 * default export is the file's content as a string.
 */
declare module 'chart.js/dist/chart.umd.min.js' {
  const source: string;
  export default source;
}
