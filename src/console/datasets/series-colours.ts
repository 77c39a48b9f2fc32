/**
 * Line colours of the trend view: distinct for the common kinds of colour blindness (Okabe and Ito's
 * palette) and dark enough on white. To be replaced by the consoles' shared palette.
 */
export const SERIES_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'] as const;

/** The same colour at 20% opacity, for the interval band. */
export function translucent(hex: string): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, 0.2)`;
}
