/** One benchmark figure, printed as one JSON line (the contract in DESIGN.md). */
export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
}

/** Median of repeated timings: robust to the odd slow run on a shared machine. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Rounds for printing without losing the figure's meaning. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function printLines(lines: BenchLine[]): void {
  for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
}
