import cliProgress from 'cli-progress';

/** A progress bar on a terminal; on a pipe (CI logs) nothing until the summary. */
export function progressBar(label: string) {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  return {
    start: (total: number) => bar?.start(total, 0),
    update: (value: number) => bar?.update(value),
    stop: () => bar?.stop(),
  };
}
