/**
 * The consoles' one set of colours, for charts and badges alike. The series colours are
 * distinguishable for the common colour-vision deficiencies and each reaches 3:1 against white.
 */
export const PALETTE = {
  blue: '#0969da',
  red: '#cf222e',
  grey: '#6e7781',
  green: '#1a7f37',
  amber: '#9a6700',
  /** Series colours in order: dataset 1, 2, 3, ... */
  series: ['#0969da', '#bf8700', '#8250df', '#1a7f37', '#cf222e', '#1b7c83', '#953800', '#57606a'],
} as const;

export function seriesColor(index: number): string {
  return PALETTE.series[index % PALETTE.series.length] ?? PALETTE.blue;
}
